import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { corsAllows } from '../../src/core/applications/cors-policy.js';
import { describeStores, type TestServer } from '../support/harness.js';
import { REDIRECT, newOidcApp, signOnInBrowser } from './as-helpers.js';
import { flowsApi, newEnvironment, newSignOnUser } from './flows-helpers.js';

const SPA = 'http://spa.example:8080';
const EVIL = 'https://evil.example';
const form = 'application/x-www-form-urlencoded';

const preflight = (server: TestServer, url: string, origin: string, method: string, headers = '') =>
  server.request('OPTIONS', url, {
    token: null,
    headers: {
      origin,
      'access-control-request-method': method,
      ...(headers ? { 'access-control-request-headers': headers } : {}),
    },
  });

/** Signs a user on for the app and redeems the code from `origin`, as an SPA's fetch would. */
async function tokensFrom(server: TestServer, env: string, appId: string, origin: string) {
  const user = await newSignOnUser(server, env);
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(`http://tessera.test/${env}/as/authorize`);
  for (const [k, v] of Object.entries({
    client_id: appId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'openid profile',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 's1',
  })) {
    authorize.searchParams.set(k, v);
  }
  const { location } = await signOnInBrowser(server, env, authorize, user);
  const code = new URL(location).searchParams.get('code');
  assert.ok(code, location);
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    client_id: appId,
    code_verifier: verifier,
  }).toString();
  const token = await server.request('POST', `/${env}/as/token`, {
    token: null,
    body,
    contentType: form,
    headers: { origin },
  });
  return { token, user };
}

describe('corsSettings rules (core)', () => {
  it('matches listed origins exactly, subdomain wildcards, the legacy rule and ALLOW_NO_ORIGINS', () => {
    const specific = {
      behavior: 'ALLOW_SPECIFIC_ORIGINS',
      origins: ['https://app.example.com', 'https://*.corp.example:8443'],
    } as const;
    assert.equal(corsAllows(specific, 'https://app.example.com', 'token'), true);
    assert.equal(corsAllows(specific, 'https://APP.example.com:443', 'token'), true);
    assert.equal(corsAllows(specific, 'http://app.example.com', 'token'), false);
    assert.equal(corsAllows(specific, 'https://app.example.com.evil', 'other'), false);
    assert.equal(corsAllows(specific, 'https://a.b.corp.example:8443', 'authorize'), true);
    assert.equal(corsAllows(specific, 'https://corp.example:8443', 'other'), false);
    assert.equal(corsAllows(specific, 'https://evilcorp.example:8443', 'other'), false);
    assert.equal(corsAllows(specific, 'null', 'other'), false);
    assert.equal(corsAllows({ behavior: 'ALLOW_NO_ORIGINS', origins: [] }, SPA, 'other'), false);
    assert.equal(corsAllows(undefined, EVIL, 'other'), true);
    assert.equal(corsAllows(undefined, EVIL, 'token'), false);
    assert.equal(corsAllows(undefined, EVIL, 'authorize'), false);
  });
});

describeStores('CORS on the auth face', (server) => {
  it('serves discovery and JWKS to any origin, without credentials', async () => {
    const env = await newEnvironment(server());
    for (const path of ['.well-known/openid-configuration', 'jwks']) {
      const res = await server().request('GET', `/${env}/as/${path}`, {
        token: null,
        headers: { origin: EVIL },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.equal(res.headers['access-control-allow-credentials'], undefined);
      const pre = await preflight(server(), `/${env}/as/${path}`, EVIL, 'GET');
      assert.equal(pre.status, 204);
      assert.equal(pre.headers['access-control-allow-origin'], '*');
    }
  });

  it('lets an SPA on a listed origin redeem, refresh, read userinfo and revoke; refuses others', async () => {
    const env = await newEnvironment(server());
    const spa = await newOidcApp(server(), env, {
      type: 'SINGLE_PAGE_APP',
      tokenEndpointAuthMethod: 'NONE',
      pkceEnforcement: 'S256_REQUIRED',
      corsSettings: { behavior: 'ALLOW_SPECIFIC_ORIGINS', origins: [SPA] },
    });

    const pre = await preflight(server(), `/${env}/as/token`, SPA, 'POST', 'content-type');
    assert.equal(pre.status, 204, pre.text);
    assert.equal(pre.headers['access-control-allow-origin'], SPA);
    assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
    assert.equal(pre.headers['access-control-allow-headers'], 'content-type');
    assert.ok(Number(pre.headers['access-control-max-age']) > 0);
    const refusedPre = await preflight(server(), `/${env}/as/token`, EVIL, 'POST', 'content-type');
    assert.equal(refusedPre.status, 404);
    assert.equal(refusedPre.headers['access-control-allow-origin'], undefined);

    const { token } = await tokensFrom(server(), env, spa.id, SPA);
    assert.equal(token.status, 200, token.text);
    assert.equal(token.headers['access-control-allow-origin'], SPA);
    assert.match(String(token.headers.vary), /Origin/i);
    assert.equal(token.headers['access-control-allow-credentials'], undefined);

    const access = token.body.access_token as string;
    const userinfoPre = await preflight(server(), `/${env}/as/userinfo`, SPA, 'GET', 'authorization');
    assert.equal(userinfoPre.status, 204);
    assert.equal(userinfoPre.headers['access-control-allow-origin'], SPA);
    const info = await server().request('GET', `/${env}/as/userinfo`, {
      token: access,
      headers: { origin: SPA },
    });
    assert.equal(info.status, 200, info.text);
    assert.equal(info.headers['access-control-allow-origin'], SPA);
    assert.match(String(info.headers['access-control-expose-headers']), /WWW-Authenticate/);
    const elsewhere = await server().request('GET', `/${env}/as/userinfo`, {
      token: access,
      headers: { origin: EVIL },
    });
    assert.equal(elsewhere.status, 200);
    assert.equal(
      elsewhere.headers['access-control-allow-origin'],
      undefined,
      'the browser hides it from EVIL',
    );

    const foreign = await tokensFrom(server(), env, spa.id, EVIL);
    assert.equal(foreign.token.status, 200, 'the server still answers; only the browser hides it');
    assert.equal(foreign.token.headers['access-control-allow-origin'], undefined);

    const revoked = await server().request('POST', `/${env}/as/revoke`, {
      token: null,
      contentType: form,
      headers: { origin: SPA },
      body: new URLSearchParams({
        token: access,
        token_type_hint: 'access_token',
        client_id: spa.id,
      }).toString(),
    });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.headers['access-control-allow-origin'], SPA);

    const refresh = (origin: string) =>
      server().request('POST', `/${env}/as/token`, {
        token: null,
        contentType: form,
        headers: { origin },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: token.body.refresh_token,
          client_id: spa.id,
        }).toString(),
      });
    const refreshed = await refresh(SPA);
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(refreshed.headers['access-control-allow-origin'], SPA);
    // An error is readable too: the SPA must see invalid_grant to start over.
    const replayed = await refresh(SPA);
    assert.equal(replayed.status, 400);
    assert.equal(replayed.body.error, 'invalid_grant');
    assert.equal(replayed.headers['access-control-allow-origin'], SPA);
  });

  it('follows the legacy rule without corsSettings and refuses everything with ALLOW_NO_ORIGINS', async () => {
    const env = await newEnvironment(server());
    const legacy = await newOidcApp(server(), env, {
      type: 'SINGLE_PAGE_APP',
      tokenEndpointAuthMethod: 'NONE',
    });
    const { token } = await tokensFrom(server(), env, legacy.id, EVIL);
    assert.equal(token.status, 200, token.text);
    assert.equal(token.headers['access-control-allow-origin'], undefined, 'legacy: no CORS on /as/token');
    const info = await server().request('GET', `/${env}/as/userinfo`, {
      token: token.body.access_token,
      headers: { origin: EVIL },
    });
    assert.equal(info.headers['access-control-allow-origin'], EVIL, 'legacy: any origin elsewhere');
    const legacyAuthorize = await server().request(
      'GET',
      `/${env}/as/authorize?client_id=${legacy.id}&response_type=code&response_mode=pi.flow&scope=openid`,
      { token: null, headers: { origin: EVIL } },
    );
    assert.equal(
      legacyAuthorize.headers['access-control-allow-origin'],
      undefined,
      'legacy: no CORS on authorize',
    );
    // Only a token-endpoint preflight needs an app that lists the origin; this env has none.
    assert.equal((await preflight(server(), `/${env}/as/token`, EVIL, 'POST')).status, 404);
    assert.equal((await preflight(server(), `/${env}/as/userinfo`, EVIL, 'GET')).status, 204);

    const closed = await newOidcApp(server(), env, {
      type: 'SINGLE_PAGE_APP',
      tokenEndpointAuthMethod: 'NONE',
      corsSettings: { behavior: 'ALLOW_NO_ORIGINS' },
    });
    const closedTokens = await tokensFrom(server(), env, closed.id, SPA);
    assert.equal(closedTokens.token.headers['access-control-allow-origin'], undefined);
    const closedInfo = await server().request('GET', `/${env}/as/userinfo`, {
      token: closedTokens.token.body.access_token,
      headers: { origin: SPA },
    });
    assert.equal(closedInfo.status, 200);
    assert.equal(closedInfo.headers['access-control-allow-origin'], undefined);
  });

  it('gives a custom sign-on UI credentialed CORS on its flows and pi.flow authorize', async () => {
    const env = await newEnvironment(server());
    const ui = 'https://login.example.com';
    const app = await newOidcApp(server(), env, {
      corsSettings: { behavior: 'ALLOW_SPECIFIC_ORIGINS', origins: [ui] },
    });
    const authorize = `/${env}/as/authorize?client_id=${app.id}&response_type=code&response_mode=pi.flow&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT)}`;
    const authorizePre = await preflight(server(), authorize, ui, 'GET');
    assert.equal(authorizePre.status, 204);
    assert.equal(authorizePre.headers['access-control-allow-credentials'], 'true');
    const started = await server().request('GET', authorize, { token: null, headers: { origin: ui } });
    assert.equal(started.status, 200, started.text);
    assert.equal(started.headers['access-control-allow-origin'], ui);
    assert.equal(started.headers['access-control-allow-credentials'], 'true');
    const flowId = started.body.id as string;

    const flowUrl = `/${env}/flows/${flowId}`;
    const pre = await preflight(server(), flowUrl, ui, 'POST', 'content-type');
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], ui);
    assert.equal(pre.headers['access-control-allow-credentials'], 'true');
    assert.equal((await preflight(server(), flowUrl, EVIL, 'POST', 'content-type')).status, 404);
    assert.equal((await preflight(server(), `/${env}/flows/unknown-flow`, ui, 'POST')).status, 404);

    const read = await server().request('GET', flowUrl, { token: null, headers: { origin: ui } });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.headers['access-control-allow-origin'], ui);
    const user = await newSignOnUser(server(), env);
    const wrong = await server().request('POST', flowUrl, {
      token: null,
      body: { username: user.username, password: 'not-the-password' },
      contentType: 'application/vnd.pingidentity.usernamePassword.check+json',
      headers: { origin: ui },
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.headers['access-control-allow-origin'], ui, 'errors are readable by the UI');
    const other = await flowsApi(server(), env).get(flowId);
    assert.equal(other.headers['access-control-allow-origin'], undefined, 'no Origin, no CORS headers');
  });

  it('leaves other faces and the hosted page alone', async () => {
    const env = await newEnvironment(server());
    const page = await server().request('GET', `/${env}/signon/?flowId=x`, {
      token: null,
      headers: { origin: EVIL },
    });
    assert.equal(page.headers['access-control-allow-origin'], undefined);
    const management = await server().request('OPTIONS', `/v1/environments/${env}/users`, {
      headers: { origin: EVIL, 'access-control-request-method': 'GET' },
    });
    assert.equal(management.status, 405, 'the management face still answers its own OPTIONS');
    assert.equal(management.body.code, 'METHOD_NOT_ALLOWED', management.text);
    assert.equal(management.headers['access-control-allow-origin'], undefined);
  });
});
