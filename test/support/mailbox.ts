import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';

/** The newest recovery code sent to the environment, read from the test mailbox. */
export async function lastRecoveryCode(server: TestServer, env: string): Promise<string> {
  const res = await server.request<{ messages: Array<{ template: string; body: string; code?: string }> }>(
    'GET',
    `/tessera/testing/environments/${env}/messages`,
  );
  assert.equal(res.status, 200, res.text);
  const message = res.body.messages.find((m) => m.template === 'recovery_code_template');
  assert.ok(message, 'a recovery code was sent');
  const code = /<b>([A-Z0-9]{8})<\/b>/.exec(message.body)?.[1];
  assert.ok(code, message.body);
  assert.equal(message.code, code, 'the structured code is the one in the rendered body');
  return code;
}
