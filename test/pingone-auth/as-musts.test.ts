import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, it } from 'node:test';
import { decodeJwt } from 'jose';
import { describeStores, type TestServer } from '../support/harness.js';
import { REDIRECT, newOidcApp, signOnInBrowser } from './as-helpers.js';
import { newEnvironment, newSignOnUser } from './flows-helpers.js';

const VERIFIER = 'v'.repeat(43) + '-good-verifier';
const S256 = (v: string) => createHash('sha256').update(v).digest('base64url');
const halfHash = (v: string) => createHash('sha256').update(v).digest().subarray(0, 16).toString('base64url');

function authorizeUrl(env: string, params: Record<string, string>) {
  return `/${env}/as/authorize?${new URLSearchParams({ redirect_uri: REDIRECT, scope: 'openid', ...params }).toString()}`;
}

async function token(
  server: TestServer,
  env: string,
  form: Record<string, string>,
  basic?: [string, string],
) {
  return server.request('POST', `/${env}/as/token`, {
    token: null,
    body: new URLSearchParams(form).toString(),
    contentType: 'application/x-www-form-urlencoded',
    headers: basic ? { authorization: 'Basic ' + Buffer.from(basic.join(':')).toString('base64') } : {},
  });
}

describeStores('authorization server MUSTs', (server) => {
  let env: string;
  let user: { id: string; username: string; password: string };
  let app: { id: string; secret: string | undefined };
  let basic: [string, string];

  /** Signs on and returns the callback's parameters (query or fragment). */
  async function authorize(params: Record<string, string>, cookie?: string) {
    const result = await signOnInBrowser(
      server(),
      env,
      authorizeUrl(env, { client_id: app.id, ...params }),
      user,
      cookie,
    );
    const url = new URL(result.location);
    const fields = new URLSearchParams(url.hash ? url.hash.slice(1) : url.search);
    return { fields, cookie: result.cookie, location: result.location };
  }

  // Every test below uses an environment, a user and a web app.
  before(async () => {
    env = await newEnvironment(server());
    user = await newSignOnUser(server(), env);
    app = await newOidcApp(server(), env, {
      grantTypes: ['AUTHORIZATION_CODE', 'IMPLICIT', 'REFRESH_TOKEN'],
      responseTypes: ['CODE', 'TOKEN', 'ID_TOKEN'],
    });
    basic = [app.id, app.secret!];
  });

  it('codes are single use: a second use is invalid_grant and revokes what the first gave', async () => {
    const { fields } = await authorize({ response_type: 'code', state: 's1' });
    assert.equal(fields.get('state'), 's1');
    const form = { grant_type: 'authorization_code', code: fields.get('code')!, redirect_uri: REDIRECT };
    const first = await token(server(), env, form, basic);
    assert.equal(first.status, 200, first.text);
    const second = await token(server(), env, form, basic);
    assert.equal(second.status, 400);
    assert.equal(second.body.error, 'invalid_grant');
    const info = await server().request('GET', `/${env}/as/userinfo`, { token: first.body.access_token });
    assert.equal(info.status, 401, 'the access token from the code is revoked');
    const refresh = await token(
      server(),
      env,
      { grant_type: 'refresh_token', refresh_token: first.body.refresh_token },
      basic,
    );
    assert.equal(refresh.body.error, 'invalid_grant', 'the refresh token from the code is revoked');
  });

  it('codes expire after 60 seconds', async () => {
    const { fields } = await authorize({ response_type: 'code' });
    server().clock.advance(61_000);
    const late = await token(
      server(),
      env,
      { grant_type: 'authorization_code', code: fields.get('code')!, redirect_uri: REDIRECT },
      basic,
    );
    assert.equal(late.body.error, 'invalid_grant');
  });

  it('redirect_uri must match exactly at authorize and at the token endpoint', async () => {
    const unregistered = await server().request(
      'GET',
      authorizeUrl(env, { client_id: app.id, response_type: 'code', redirect_uri: `${REDIRECT}/x` }),
      { token: null },
    );
    assert.equal(unregistered.status, 400, 'never redirected to an unregistered URI');
    assert.equal(unregistered.headers.location, undefined);
    const { fields } = await authorize({ response_type: 'code' });
    const mismatch = await token(
      server(),
      env,
      { grant_type: 'authorization_code', code: fields.get('code')!, redirect_uri: `${REDIRECT}?x=1` },
      basic,
    );
    assert.equal(mismatch.body.error, 'invalid_grant');
  });

  it('PKCE: a wrong or missing verifier is invalid_grant; the right one works', async () => {
    const challenge = {
      response_type: 'code',
      code_challenge: S256(VERIFIER),
      code_challenge_method: 'S256',
    };
    for (const verifier of [undefined, 'w'.repeat(43)]) {
      const { fields } = await authorize(challenge);
      const form: Record<string, string> = {
        grant_type: 'authorization_code',
        code: fields.get('code')!,
        redirect_uri: REDIRECT,
      };
      if (verifier) form.code_verifier = verifier;
      const refused = await token(server(), env, form, basic);
      assert.equal(refused.body.error, 'invalid_grant', `verifier ${verifier}`);
    }
    const { fields } = await authorize(challenge);
    const ok = await token(
      server(),
      env,
      {
        grant_type: 'authorization_code',
        code: fields.get('code')!,
        redirect_uri: REDIRECT,
        code_verifier: VERIFIER,
      },
      basic,
    );
    assert.equal(ok.status, 200, ok.text);
  });

  it('S256_REQUIRED refuses plain and missing challenges at authorize, back to the client', async () => {
    const strict = await newOidcApp(server(), env, { pkceEnforcement: 'S256_REQUIRED' }, []);
    for (const extra of [{}, { code_challenge: VERIFIER, code_challenge_method: 'plain' }] as Record<
      string,
      string
    >[]) {
      const res = await server().request(
        'GET',
        authorizeUrl(env, { client_id: strict.id, response_type: 'code', state: 'st', ...extra }),
        { token: null },
      );
      assert.equal(res.status, 302);
      const back = new URL(String(res.headers.location));
      assert.equal(back.origin + back.pathname, REDIRECT);
      assert.equal(back.searchParams.get('error'), 'invalid_request');
      assert.equal(back.searchParams.get('state'), 'st');
    }
  });

  it('refresh tokens rotate; reusing a rotated one revokes the whole family', async () => {
    const { fields } = await authorize({ response_type: 'code' });
    const first = await token(
      server(),
      env,
      { grant_type: 'authorization_code', code: fields.get('code')!, redirect_uri: REDIRECT },
      basic,
    );
    const r1 = first.body.refresh_token as string;
    const second = await token(server(), env, { grant_type: 'refresh_token', refresh_token: r1 }, basic);
    assert.equal(second.status, 200, second.text);
    const r2 = second.body.refresh_token as string;
    assert.notEqual(r2, r1);
    const replay = await token(server(), env, { grant_type: 'refresh_token', refresh_token: r1 }, basic);
    assert.equal(replay.body.error, 'invalid_grant');
    const afterReplay = await token(server(), env, { grant_type: 'refresh_token', refresh_token: r2 }, basic);
    assert.equal(afterReplay.body.error, 'invalid_grant', 'the family is revoked');
    const info = await server().request('GET', `/${env}/as/userinfo`, { token: second.body.access_token });
    assert.equal(info.status, 401);
  });

  it('nonce is required for implicit and hybrid ID tokens and copied into them, with at_hash and c_hash', async () => {
    const missing = await server().request(
      'GET',
      authorizeUrl(env, { client_id: app.id, response_type: 'id_token token', state: 'n' }),
      { token: null },
    );
    assert.equal(missing.status, 302);
    const back = new URLSearchParams(new URL(String(missing.headers.location)).hash.slice(1));
    assert.equal(back.get('error'), 'invalid_request', 'error in the fragment');
    const implicit = await authorize({ response_type: 'id_token token', nonce: 'n-1' });
    const idToken = decodeJwt(implicit.fields.get('id_token')!);
    assert.equal(idToken.nonce, 'n-1');
    assert.equal(idToken.at_hash, halfHash(implicit.fields.get('access_token')!));
    const hybrid = await authorize({ response_type: 'code id_token', nonce: 'n-2' });
    assert.ok(hybrid.fields.get('id_token'), hybrid.location);
    const hybridToken = decodeJwt(hybrid.fields.get('id_token')!);
    assert.equal(hybridToken.c_hash, halfHash(hybrid.fields.get('code')!));
    assert.equal(hybridToken.nonce, 'n-2');
  });

  it('prompt=none without a session is login_required; with one it completes at once', async () => {
    const res = await server().request(
      'GET',
      authorizeUrl(env, { client_id: app.id, response_type: 'code', prompt: 'none', state: 'p' }),
      { token: null },
    );
    assert.equal(res.status, 302);
    const back = new URL(String(res.headers.location));
    assert.equal(back.searchParams.get('error'), 'login_required');
    assert.equal(back.searchParams.get('state'), 'p');
    const { cookie } = await authorize({ response_type: 'code' });
    const silent = await server().request(
      'GET',
      authorizeUrl(env, { client_id: app.id, response_type: 'code', prompt: 'none' }),
      { token: null, headers: { cookie: `ST=${cookie}` } },
    );
    assert.equal(silent.status, 302);
    assert.ok(new URL(String(silent.headers.location)).searchParams.get('code'));
  });

  it('max_age older than the sign-on asks for the password again', async () => {
    const { cookie } = await authorize({ response_type: 'code' });
    server().clock.advance(120_000);
    const res = await server().request(
      'GET',
      authorizeUrl(env, { client_id: app.id, response_type: 'code', max_age: '60' }),
      { token: null, headers: { cookie: `ST=${cookie}` } },
    );
    assert.equal(res.status, 302);
    assert.match(String(res.headers.location), /\/signon\/\?flowId=/);
    const fresh = await server().request(
      'GET',
      authorizeUrl(env, { client_id: app.id, response_type: 'code', max_age: '3600' }),
      { token: null, headers: { cookie: `ST=${cookie}` } },
    );
    assert.ok(new URL(String(fresh.headers.location)).searchParams.get('code'));
  });

  it('a code is refused to another client, and a client with the wrong method or secret is invalid_client', async () => {
    const other = await newOidcApp(server(), env, {}, []);
    const { fields } = await authorize({ response_type: 'code' });
    const form = { grant_type: 'authorization_code', code: fields.get('code')!, redirect_uri: REDIRECT };
    const stolen = await token(server(), env, form, [other.id, other.secret!]);
    assert.equal(stolen.body.error, 'invalid_grant');
    const wrongSecret = await token(server(), env, form, [app.id, 'not-the-secret']);
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error, 'invalid_client');
    const wrongMethod = await token(server(), env, {
      ...form,
      client_id: app.id,
      client_secret: app.secret!,
    });
    assert.equal(
      wrongMethod.body.error,
      'invalid_client',
      'CLIENT_SECRET_POST for a CLIENT_SECRET_BASIC app',
    );
    const ok = await token(server(), env, form, basic);
    assert.equal(ok.status, 200, 'refusals did not consume the code');
  });

  it("a user's access token does not authenticate at the management API", async () => {
    const { fields } = await authorize({ response_type: 'code' });
    const issued = await token(
      server(),
      env,
      { grant_type: 'authorization_code', code: fields.get('code')!, redirect_uri: REDIRECT },
      basic,
    );
    const claims = decodeJwt(issued.body.access_token);
    assert.equal(claims.sub, user.id);
    assert.ok((claims.aud as string[]).includes('http://tessera.test'), 'same audience as management tokens');
    const management = await server().request('GET', `/v1/environments/${env}/users`, {
      token: issued.body.access_token,
    });
    assert.equal(management.status, 401);
  });
});
