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
