import assert from 'node:assert/strict';
import type { PolicyWire } from '../../src/pingone/sign-on-policies/sign-on-policies.wire.js';
import { createEnvironment } from '../support/fixtures.js';
import type { TestServer } from '../support/harness.js';

/** Small fixtures for the sign-on policy tests, all through the API. */
let counter = 0;
export const unique = (prefix: string) => `${prefix}_${process.pid}_${++counter}`;

/** A fresh environment (the shared fixture). */
export const newEnvironment = (server: TestServer): Promise<string> => createEnvironment(server);

export const policiesPath = (env: string) => `/v1/environments/${env}/signOnPolicies`;
export const actionsPath = (env: string, policy: string) => `${policiesPath(env)}/${policy}/actions`;
export const assignmentsPath = (env: string, app: string) =>
  `/v1/environments/${env}/applications/${app}/signOnPolicyAssignments`;

/** A policy; with `login` it also gets a LOGIN action at priority 1 with those fields. */
export async function createPolicy(
  server: TestServer,
  env: string,
  body: Record<string, unknown> = {},
  login?: Record<string, unknown>,
): Promise<{ id: string; name: string }> {
  const res = await server.request('POST', policiesPath(env), { body: { name: unique('Policy'), ...body } });
  assert.equal(res.status, 201, res.text);
  if (login) {
    const action = await server.request('POST', actionsPath(env, res.body.id), {
      body: { type: 'LOGIN', priority: 1, ...login },
    });
    assert.equal(action.status, 201, action.text);
  }
  return { id: res.body.id as string, name: res.body.name as string };
}

export async function listPolicies(server: TestServer, env: string): Promise<PolicyWire[]> {
  const res = await server.request<{ _embedded: { signOnPolicies: PolicyWire[] } }>('GET', policiesPath(env));
  assert.equal(res.status, 200, res.text);
  return res.body._embedded.signOnPolicies;
}

export async function createWorkerApp(server: TestServer, env: string): Promise<string> {
  const res = await server.request('POST', `/v1/environments/${env}/applications`, {
    body: { name: unique('app'), type: 'WORKER' },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

export async function assign(
  server: TestServer,
  env: string,
  app: string,
  policy: string,
  priority: number,
): Promise<string> {
  const res = await server.request('POST', assignmentsPath(env, app), {
    body: { signOnPolicy: { id: policy }, priority },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}
