import assert from 'node:assert/strict';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { BOOTSTRAP, type TestServer } from '../support/harness.js';

/** Small fixtures shared by the users, groups and schemas tests (everything through the API). */
export const LICENSE = '11111111-1111-4111-8111-111111111111';

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export async function createEnvironment(server: TestServer, name = unique('env')): Promise<string> {
  const res = await server.request('POST', '/v1/environments', {
    body: { name, type: 'SANDBOX', region: 'NA', license: { id: LICENSE } },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

export async function defaultPopulation(server: TestServer, env: string): Promise<string> {
  const res = await server.request('GET', `/v1/environments/${env}/populations`);
  assert.equal(res.status, 200, res.text);
  const found = (res.body._embedded.populations as Array<{ id: string; default: boolean }>).find(
    (p) => p.default,
  );
  assert.ok(found, 'the environment has a default population');
  return found.id;
}

export async function createPopulation(
  server: TestServer,
  env: string,
  name = unique('pop'),
): Promise<string> {
  const res = await server.request('POST', `/v1/environments/${env}/populations`, { body: { name } });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

export async function createUser(
  server: TestServer,
  env: string,
  body: Record<string, unknown>,
  token?: string,
) {
  const res = await server.request('POST', `/v1/environments/${env}/users`, { body, token });
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; [key: string]: unknown };
}

/** A new worker in the bootstrap environment holding one role at one scope; returns its token. */
export async function workerToken(
  server: TestServer,
  roleId: string,
  scope: { id: string; type: 'ORGANIZATION' | 'ENVIRONMENT' | 'POPULATION' },
): Promise<string> {
  const base = `/v1/environments/${BOOTSTRAP.environmentId}/applications`;
  const app = await server.createWorker(base, { body: { name: unique('worker'), type: 'WORKER' } });
  assert.equal(app.status, 201, app.text);
  const assignment = await server.request('POST', `${base}/${app.body.id}/roleAssignments`, {
    body: { role: { id: roleId }, scope },
  });
  assert.equal(assignment.status, 201, assignment.text);
  const secret = await server.request('GET', `${base}/${app.body.id}/secret`);
  assert.equal(secret.status, 200, secret.text);
  return server.token(BOOTSTRAP.environmentId, app.body.id, secret.body.secret);
}

export { ROLE_IDS };
