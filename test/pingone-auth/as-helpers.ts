import assert from 'node:assert/strict';
import * as client from 'openid-client';
import type { TestServer } from '../support/harness.js';
import { injectFetch } from '../support/inject-fetch.js';
import { flowsApi, sessionCookieOf, unique } from './flows-helpers.js';

export const REDIRECT = 'https://app.example.com/callback';
export const LOGGED_OUT = 'https://app.example.com/logged-out';
export const issuerOf = (env: string) => `http://tessera.test/${env}/as`;

/** An OIDC application (management API), with the openid resource's scopes granted. */
export async function newOidcApp(
  server: TestServer,
  env: string,
  body: Record<string, unknown> = {},
  grantScopes: readonly string[] = ['profile', 'email'],
): Promise<{ id: string; secret: string | undefined }> {
  const created = await server.request('POST', `/v1/environments/${env}/applications`, {
    body: {
      name: unique('oidc-app'),
      enabled: true,
      type: 'WEB_APP',
      protocol: 'OPENID_CONNECT',
      grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
      responseTypes: ['CODE'],
      tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [LOGGED_OUT],
      ...body,
    },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  if (grantScopes.length > 0) {
    const resources = await server.request('GET', `/v1/environments/${env}/resources`);
    const openid = resources.body._embedded.resources.find((r: { name: string }) => r.name === 'openid');
    const scopes = await server.request('GET', `/v1/environments/${env}/resources/${openid.id}/scopes`);
    const wanted = scopes.body._embedded.scopes.filter((s: { name: string }) => grantScopes.includes(s.name));
    const grant = await server.request('POST', `/v1/environments/${env}/applications/${id}/grants`, {
      body: { resource: { id: openid.id }, scopes: wanted.map((s: { id: string }) => ({ id: s.id })) },
    });
    assert.equal(grant.status, 201, grant.text);
  }
  if (body.tokenEndpointAuthMethod === 'NONE') return { id, secret: undefined };
  const secret = await server.request('GET', `/v1/environments/${env}/applications/${id}/secret`);
  assert.equal(secret.status, 200, secret.text);
  return { id, secret: secret.body.secret as string };
}

/** openid-client's configuration for the environment, through discovery, over app.inject. */
export async function relyingParty(
  server: () => TestServer,
  env: string,
  clientId: string,
  auth: client.ClientAuth,
): Promise<client.Configuration> {
  const config = await client.discovery(new URL(issuerOf(env)), clientId, undefined, auth, {
    execute: [client.allowInsecureRequests],
    [client.customFetch]: injectFetch(server),
  });
  // Makes the library verify every ID token's signature against the JWKS from discovery.
  client.enableNonRepudiationChecks(config);
  return config;
}

const pathOf = (url: string | URL) => {
  const u = new URL(url, 'http://tessera.test');
  return u.pathname + u.search;
};

/**
 * What a browser does between authorize and the client's redirect: follows authorize to the
 * hosted page, signs on through the Flows API (the page's own backend), then resumes with the
 * `ST` cookie. Returns the final Location (the redirect_uri with the response) and the cookie.
 */
export async function signOnInBrowser(
  server: TestServer,
  env: string,
  authorizeUrl: string | URL,
  user: { username: string; password: string },
  cookie?: string,
): Promise<{ location: string; cookie: string | undefined; flowId: string | undefined }> {
  const headers: Record<string, string> = cookie ? { cookie: `ST=${cookie}` } : {};
  const authorized = await server.request('GET', pathOf(authorizeUrl), { token: null, headers });
  assert.equal(authorized.status, 302, authorized.text);
  const location = String(authorized.headers.location);
  if (!location.includes('/signon/')) return { location, cookie, flowId: undefined };
  const flowId = new URL(location).searchParams.get('flowId');
  assert.ok(flowId);
  const checked = await flowsApi(server, env).post(flowId, 'usernamePassword.check', user, cookie);
  assert.equal(checked.status, 200, checked.text);
  assert.equal(checked.body.status, 'COMPLETED');
  const st = sessionCookieOf(checked.headers) ?? cookie;
  const resumed = await server.request('GET', pathOf(checked.body.resumeUrl), {
    token: null,
    headers: st ? { cookie: `ST=${st}` } : {},
  });
  assert.equal(resumed.status, 302, resumed.text);
  return { location: String(resumed.headers.location), cookie: st, flowId };
}

/**
 * A code-flow authorization URL with PKCE (S256), plus the checks its callback is redeemed with:
 * pass `checks` to `client.authorizationCodeGrant`. `state`/`nonce`: `true` draws a random one.
 */
export async function pkceAuthorization(
  config: client.Configuration,
  options: { scope: string; redirect?: string; state?: string | true; nonce?: true },
) {
  const verifier = client.randomPKCECodeVerifier();
  const state = options.state === true ? client.randomState() : options.state;
  const nonce = options.nonce ? client.randomNonce() : undefined;
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: options.redirect ?? REDIRECT,
    scope: options.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...(state !== undefined ? { state } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
  });
  const checks = {
    pkceCodeVerifier: verifier,
    ...(state !== undefined ? { expectedState: state } : {}),
    ...(nonce !== undefined ? { expectedNonce: nonce } : {}),
  };
  return { url, state, nonce, checks };
}
