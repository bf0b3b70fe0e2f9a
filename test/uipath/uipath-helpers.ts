import assert from 'node:assert/strict';
import { createEnvironment } from '../support/fixtures.js';
import type { TestServer } from '../support/harness.js';

/** An "external application" as a UiPath user would set one up: through the PingOne face. */
export interface ExternalApp {
  readonly environmentId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export { createEnvironment };

export async function createExternalApp(
  server: TestServer,
  environmentId: string,
  scopes: string[],
): Promise<ExternalApp> {
  const created = await server.createWorker(`/v1/environments/${environmentId}/applications`, {
    body: { name: `ext-${Math.random().toString(36).slice(2)}`, type: 'WORKER', scopes },
  });
  assert.equal(created.status, 201, created.text);
  const secret = await server.request(
    'GET',
    `/v1/environments/${environmentId}/applications/${created.body.id}/secret`,
  );
  assert.equal(secret.status, 200, secret.text);
  return { environmentId, clientId: created.body.id as string, clientSecret: secret.body.secret as string };
}

/** POST …/connect/token as UiPath clients send it (form-encoded, credentials in the body). */
export async function tokenRequest(server: TestServer, url: string, form: Record<string, string>) {
  const response = await server.app.server.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: JSON.parse(response.body || 'null'),
  };
}

export async function uipathToken(
  server: TestServer,
  app: ExternalApp,
  scope = 'PM.User',
  url = '/identity_/connect/token',
) {
  const response = await tokenRequest(server, url, {
    grant_type: 'client_credentials',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    scope,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.access_token as string;
}

/** Creates one user through BulkCreate and returns its UserDto. */
export async function bulkCreateOne(
  server: TestServer,
  token: string,
  environmentId: string,
  user: Record<string, unknown>,
) {
  const response = await server.request('POST', '/identity_/api/User/BulkCreate', {
    token,
    body: { partitionGlobalId: environmentId, users: [user] },
  });
  assert.equal(response.status, 200, response.text);
  return response.body.users[0] as Record<string, unknown> & { id: string };
}

export const TRACE_ID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/;
