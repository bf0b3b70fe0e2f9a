import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { decodeJwt } from 'jose';
import {
  describeStores,
  describeTwoPostgresServers,
  startTessera,
  type TestServer,
} from '../support/harness.js';
import { REDIRECT, newOidcApp } from './as-helpers.js';
import { flowsApi, newEnvironment, newSignOnUser, sessionCookieOf } from './flows-helpers.js';

const VERIFIER = 'pi-flow-verifier-'.padEnd(50, 'x');
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const FORM = 'application/x-www-form-urlencoded';
const path = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

function postAuthorize(server: TestServer, env: string, form: Record<string, string>) {
  return server.request('POST', `/${env}/as/authorize`, {
    token: null,
    body: new URLSearchParams(form).toString(),
    contentType: FORM,
  });
}

function exchange(server: TestServer, env: string, clientId: string, form: Record<string, string>) {
  return server.request('POST', `/${env}/as/token`, {
    token: null,
    body: new URLSearchParams({ client_id: clientId, ...form }).toString(),
    contentType: FORM,
  });
}

const PUBLIC_APP = {
  type: 'NATIVE_APP',
  grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
  tokenEndpointAuthMethod: 'NONE',
  pkceEnforcement: 'S256_REQUIRED',
};

describeStores('response_mode=pi.flow', (server) => {
  it('returns the flow as JSON, signs on through the Flows API and delivers the code from resume', async () => {
    const env = await newEnvironment(server());
    const user = await newSignOnUser(server(), env);
    const app = await newOidcApp(server(), env, PUBLIC_APP, []);
    const started = await postAuthorize(server(), env, {
      client_id: app.id,
      response_type: 'code',
      response_mode: 'pi.flow',
      scope: 'openid',
      state: 'pf',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    });
    assert.equal(started.status, 200, started.text);
    assert.equal(started.body.status, 'USERNAME_PASSWORD_REQUIRED');
    assert.ok(started.body._links['usernamePassword.check']);
    const checked = await flowsApi(server(), env).post(started.body.id, 'usernamePassword.check', {
      username: user.username,
      password: user.password,
    });
    assert.equal(checked.body.status, 'COMPLETED', checked.text);
    const cookie = sessionCookieOf(checked.headers);
    assert.ok(cookie);

    const stranger = await server().request('GET', path(checked.body.resumeUrl), { token: null });
    assert.equal(stranger.status, 400, 'resume is bound to the browser that signed on');
    assert.equal(stranger.body.error, 'invalid_request');

    const resumed = await server().request('GET', path(checked.body.resumeUrl), {
      token: null,
      headers: { cookie: `ST=${cookie}` },
    });
    assert.equal(resumed.status, 200, resumed.text);
    assert.equal(resumed.body.status, 'COMPLETED');
    assert.equal(resumed.body.authorizeResponse.state, 'pf');
    const code = resumed.body.authorizeResponse.code as string;
    const again = await server().request('GET', path(checked.body.resumeUrl), {
      token: null,
      headers: { cookie: `ST=${cookie}` },
    });
    assert.equal(again.status, 400, 'a flow is resumed once');

    const tokens = await exchange(server(), env, app.id, {
      grant_type: 'authorization_code',
      code,
      code_verifier: VERIFIER,
    });
    assert.equal(tokens.status, 200, tokens.text);
    assert.equal(decodeJwt(tokens.body.id_token).sub, user.id);
  });

  it('answers pi.flow errors as JSON: unknown client 400, a refused request with authorizeResponse', async () => {
    const env = await newEnvironment(server());
    const app = await newOidcApp(server(), env, PUBLIC_APP, []);
    const unknown = await postAuthorize(server(), env, {
      client_id: '00000000-0000-4000-8000-000000000000',
      response_type: 'code',
      response_mode: 'pi.flow',
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error, 'invalid_request');
    const noPkce = await postAuthorize(server(), env, {
      client_id: app.id,
      response_type: 'code',
      response_mode: 'pi.flow',
      scope: 'openid',
      state: 'x',
    });
    assert.equal(noPkce.status, 400);
    assert.equal(noPkce.body.authorizeResponse.error, 'invalid_request');
    assert.equal(noPkce.body.authorizeResponse.state, 'x');
    const html = await server().request('GET', `/${env}/as/authorize?client_id=nope&response_type=code`, {
      token: null,
    });
    assert.equal(html.status, 400);
    assert.match(String(html.headers['content-type']), /^text\/html/);
  });
});

describeTwoPostgresServers('one sign-on across two processes', (servers) => {
  it('authorizes on one, signs on at the other, redeems on the first; a restart keeps session and refresh tokens', async () => {
    const [a, b] = servers();
    const env = await newEnvironment(a);
    const user = await newSignOnUser(a, env);
    const app = await newOidcApp(b, env, { ...PUBLIC_APP, pkceEnforcement: 'OPTIONAL' }, []);
    const authorized = await a.request(
      'GET',
      `/${env}/as/authorize?${new URLSearchParams({ client_id: app.id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT }).toString()}`,
      { token: null },
    );
    assert.equal(authorized.status, 302, authorized.text);
    const flowId = new URL(String(authorized.headers.location)).searchParams.get('flowId')!;
    const checked = await flowsApi(b, env).post(flowId, 'usernamePassword.check', {
      username: user.username,
      password: user.password,
    });
    assert.equal(checked.body.status, 'COMPLETED', checked.text);
    const cookie = sessionCookieOf(checked.headers)!;
    const resumed = await b.request('GET', path(checked.body.resumeUrl), {
      token: null,
      headers: { cookie: `ST=${cookie}` },
    });
    const code = new URL(String(resumed.headers.location)).searchParams.get('code')!;
    const tokens = await exchange(a, env, app.id, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
    });
    assert.equal(tokens.status, 200, tokens.text);

    await a.close();
    const restarted = await startTessera('postgres', { store: a.store });
    try {
      const refreshed = await exchange(restarted, env, app.id, {
        grant_type: 'refresh_token',
        refresh_token: tokens.body.refresh_token,
      });
      assert.equal(refreshed.status, 200, refreshed.text);
      const sso = await restarted.request(
        'GET',
        `/${env}/as/authorize?${new URLSearchParams({ client_id: app.id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT, prompt: 'none' }).toString()}`,
        { token: null, headers: { cookie: `ST=${cookie}` } },
      );
      assert.ok(new URL(String(sso.headers.location)).searchParams.get('code'), String(sso.headers.location));
    } finally {
      await restarted.close();
    }
  });
});
