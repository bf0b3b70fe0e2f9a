import assert from 'node:assert/strict';
import type { AuthorizationRequest, SignOnContext } from '../../src/core/signon/flow.js';
import type { TestServer } from '../support/harness.js';
import { newEnvironment, STRONG, unique } from '../pingone/password-helpers.js';

export { newEnvironment, STRONG, unique };
export const VND = 'application/vnd.pingidentity.';

/**
 * An application that users sign on to. Until the OIDC application types land, a WORKER created
 * through the management API stands in (flows only need an application id).
 */
export async function newSignOnApp(server: TestServer, env: string): Promise<string> {
  const res = await server.request('POST', `/v1/environments/${env}/applications`, {
    body: { name: unique('signon-app'), type: 'WORKER' },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

/** An authorize request as the authorization server would hand it to the flow service. */
export function authorizationRequest(
  clientId: string,
  overrides: Partial<AuthorizationRequest> = {},
): AuthorizationRequest {
  return {
    clientId,
    redirectUri: 'https://app.example.com/callback',
    responseType: ['code'],
    responseMode: 'query',
    scopes: ['openid'],
    state: 'state-1',
    acrValues: [],
    ...overrides,
  };
}

export async function startFlow(
  server: TestServer,
  env: string,
  app: string,
  options: { request?: Partial<AuthorizationRequest>; context?: SignOnContext } = {},
) {
  return server.services.flows.start({
    environmentId: env,
    applicationId: app,
    request: authorizationRequest(app, options.request),
    context: options.context ?? {},
  });
}

/** A user with a password (through the management API); `extra` goes into the create body. */
export async function newSignOnUser(
  server: TestServer,
  env: string,
  options: {
    password?: string;
    forceChange?: boolean;
    populationId?: string;
    extra?: Record<string, unknown>;
  } = {},
): Promise<{ id: string; username: string; password: string }> {
  const username = unique('signer');
  const password = options.password ?? STRONG;
  const res = await server.request('POST', `/v1/environments/${env}/users`, {
    body: {
      username,
      email: `${username}@example.com`,
      ...(options.populationId ? { population: { id: options.populationId } } : {}),
      password: { value: password, forceChange: options.forceChange ?? false },
      ...(options.extra ?? {}),
    },
    contentType: 'application/vnd.pingidentity.user.import+json',
  });
  assert.equal(res.status, 201, res.text);
  return { id: res.body.id as string, username, password };
}

/** The Flows API as a client drives it: no bearer token, the `ST` cookie replayed when given. */
export function flowsApi(server: TestServer, env: string) {
  const url = (flowId: string) => `/${env}/flows/${flowId}`;
  const cookieHeaders = (cookie?: string): Record<string, string> =>
    cookie ? { cookie: `ST=${cookie}` } : {};
  return {
    get: (flowId: string, cookie?: string) =>
      server.request('GET', url(flowId), { token: null, headers: cookieHeaders(cookie) }),
    post: (flowId: string, action: string, body?: unknown, cookie?: string) =>
      server.request('POST', url(flowId), {
        token: null,
        body: body ?? '',
        contentType: action.includes('/') ? action : `${VND}${action}+json`,
        headers: cookieHeaders(cookie),
      }),
  };
}

/** The `ST` value a response set (undefined when it set none). */
export function sessionCookieOf(headers: Record<string, unknown>): string | undefined {
  const raw = headers['set-cookie'] as string | string[] | undefined;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const st = list.find((c) => c.startsWith('ST='));
  return st ? /^ST=([^;]*)/.exec(st)?.[1] : undefined;
}

export function setCookieOf(headers: Record<string, unknown>): string {
  const raw = headers['set-cookie'] as string | string[] | undefined;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.find((c) => c.startsWith('ST=')) ?? '';
}

export { lastRecoveryCode } from '../support/mailbox.js';

/** A password policy (management API) and a population using it. */
export async function populationWithRules(
  server: TestServer,
  env: string,
  rules: Record<string, unknown>,
): Promise<string> {
  const policy = await server.request('POST', `/v1/environments/${env}/passwordPolicies`, {
    body: { name: unique('policy'), ...rules },
  });
  assert.equal(policy.status, 201, policy.text);
  const population = await server.request('POST', `/v1/environments/${env}/populations`, {
    body: { name: unique('pop'), passwordPolicy: { id: policy.body.id } },
  });
  assert.equal(population.status, 201, population.text);
  return population.body.id as string;
}
