import assert from 'node:assert/strict';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { BOOTSTRAP, type TestServer } from './harness.js';

export { ROLE_IDS };

/**
 * The fixtures every HTTP test builds on, all created through the API (as a client would):
 * environments, populations, workers, users and passwords. Each call makes fresh, uniquely named
 * objects, so tests never depend on each other's data.
 */

export const LICENSE = '11111111-1111-4111-8111-111111111111';

let counter = 0;
/** A name no other fixture of this process uses. */
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/** A SANDBOX environment (with the test license) named `name`; returns its id. */
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

/** A population named `name`; returns its id. */
export async function createPopulation(
  server: TestServer,
  env: string,
  name = unique('pop'),
): Promise<string> {
  const res = await server.request('POST', `/v1/environments/${env}/populations`, { body: { name } });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

/** A user created with POST /users and exactly `body` (`token`: another caller than the bootstrap admin). */
export async function createUser(
  server: TestServer,
  env: string,
  body: Record<string, unknown>,
  token?: string,
): Promise<{ id: string; [key: string]: unknown }> {
  const res = await server.request('POST', `/v1/environments/${env}/users`, { body, token });
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; [key: string]: unknown };
}

/** Sets a user's password as an administrator (password.set, the policy applies). */
export async function setPassword(
  server: TestServer,
  env: string,
  userId: string,
  value: string,
  forceChange = false,
): Promise<void> {
  const res = await server.request('PUT', `/v1/environments/${env}/users/${userId}/password`, {
    body: { value, forceChange },
    contentType: 'application/vnd.pingidentity.password.set+json',
  });
  assert.equal(res.status, 200, res.text);
}

/** A worker application of `env` with exactly the given scopes and no roles, and its secret. */
export async function createWorker(
  server: TestServer,
  env: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; secret: string }> {
  const created = await server.createWorker(`/v1/environments/${env}/applications`, {
    body: { name: unique('worker'), type: 'WORKER', ...body },
  });
  assert.equal(created.status, 201, created.text);
  const secret = await server.request(
    'GET',
    `/v1/environments/${env}/applications/${created.body.id}/secret`,
  );
  assert.equal(secret.status, 200, secret.text);
  return { id: created.body.id as string, secret: secret.body.secret as string };
}

/** A new worker in the bootstrap environment holding one role at one scope; returns its token. */
export async function workerToken(
  server: TestServer,
  roleId: string,
  scope: { id: string; type: 'ORGANIZATION' | 'ENVIRONMENT' | 'POPULATION' },
): Promise<string> {
  const base = `/v1/environments/${BOOTSTRAP.environmentId}/applications`;
  const worker = await createWorker(server, BOOTSTRAP.environmentId);
  const assignment = await server.request('POST', `${base}/${worker.id}/roleAssignments`, {
    body: { role: { id: roleId }, scope },
  });
  assert.equal(assignment.status, 201, assignment.text);
  return server.token(BOOTSTRAP.environmentId, worker.id, worker.secret);
}

// OIDC applications (sign-on, issue 14) get their fixture here: createOidcApplication(server, env, …).
