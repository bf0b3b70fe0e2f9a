import assert from 'node:assert/strict';
import type { PolicyWire } from '../../src/pingone/password-policies/password-policies.wire.js';
import { createEnvironment } from '../support/fixtures.js';
import type { TestServer } from '../support/harness.js';

/** Small fixtures for the password tests, all through the API. */
let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export const VND = 'application/vnd.pingidentity.';
export const STRONG = 'Tessera#Blue7Sky';
export const STRONG2 = 'Quartz!River92x';

/** A fresh environment (the shared fixture). */
export const newEnvironment = (server: TestServer): Promise<string> => createEnvironment(server);

export async function newUser(
  server: TestServer,
  env: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const username = unique('user');
  const res = await server.request('POST', `/v1/environments/${env}/users`, {
    body: { username, email: `${username}@example.com`, ...extra },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

export async function policies(server: TestServer, env: string): Promise<PolicyWire[]> {
  const res = await server.request<{ _embedded: { passwordPolicies: PolicyWire[] } }>(
    'GET',
    `/v1/environments/${env}/passwordPolicies`,
  );
  assert.equal(res.status, 200, res.text);
  return res.body._embedded.passwordPolicies;
}

export async function createPolicy(
  server: TestServer,
  env: string,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await server.request('POST', `/v1/environments/${env}/passwordPolicies`, {
    body: { name: unique('policy'), ...body },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

/** A population using the given policy. */
export async function populationWithPolicy(
  server: TestServer,
  env: string,
  policyId: string,
): Promise<string> {
  const res = await server.request('POST', `/v1/environments/${env}/populations`, {
    body: { name: unique('pop'), passwordPolicy: { id: policyId } },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

export const passwordUrl = (env: string, user: string) => `/v1/environments/${env}/users/${user}/password`;

export function pw(server: TestServer, env: string, user: string) {
  const url = passwordUrl(env, user);
  return {
    get: (query = '') => server.request('GET', url + query),
    put: (type: string, body: unknown) =>
      server.request('PUT', url, { body: body ?? {}, contentType: VND + type }),
    post: (type: string, body?: unknown) =>
      body === undefined
        ? server.request('POST', url, { contentType: VND + type })
        : server.request('POST', url, { body, contentType: VND + type }),
    set: (value: string, forceChange = false) =>
      server.request('PUT', url, { body: { value, forceChange }, contentType: VND + 'password.set+json' }),
    check: (password: string) =>
      server.request('POST', url, { body: { password }, contentType: VND + 'password.check+json' }),
  };
}

/**
 * Moves the server clock; the cached admin token (1 h) would expire on long jumps, so the
 * harness's private cache is cleared (a plain property at runtime) to fetch a fresh one.
 */
export function travel(server: TestServer, ms: number): void {
  server.clock.advance(ms);
  Object.assign(server, { adminTokenCache: undefined });
}
