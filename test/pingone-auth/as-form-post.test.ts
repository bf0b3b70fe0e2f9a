// response_mode=form_post (OAuth 2.0 Form Post Response Mode): the resume answers an HTML page
// whose form posts the authorization response to the redirect_uri, auto-submitted by the page's
// only (nonce'd) script, with a button for browsers without JavaScript.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, it } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { describeStores, type TestServer } from '../support/harness.js';
import { REDIRECT, issuerOf, newOidcApp } from './as-helpers.js';
import { flowsApi, newEnvironment, newSignOnUser, sessionCookieOf } from './flows-helpers.js';

const STATE = 'st "quoted" <tag> & amp';
const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/** The form of a form_post page: its action, method and hidden fields (HTML-unescaped). */
function readForm(html: string) {
  const form = /<form method="(\w+)" action="([^"]*)">/.exec(html);
  assert.ok(form, html);
  const fields = new Map<string, string>();
  for (const input of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.set(unescape(input[1]!), unescape(input[2]!));
  }
  return { method: form[1], action: unescape(form[2]!), fields };
}

const pathOf = (url: string) => {
  const u = new URL(url, 'http://tessera.test');
  return u.pathname + u.search;
};

describeStores('authorize with response_mode=form_post', (server) => {
  let env: string;
  let user: { id: string; username: string; password: string };
  let app: { id: string; secret: string | undefined };

  /** Authorize, sign on through the Flows API, resume: returns the resume's answer. */
  async function signOn(s: TestServer, params: Record<string, string>) {
    const query = new URLSearchParams({
      client_id: app.id,
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      response_mode: 'form_post',
      state: STATE,
      ...params,
    });
    const authorized = await s.request('GET', `/${env}/as/authorize?${query.toString()}`, { token: null });
    assert.equal(authorized.status, 302, authorized.text);
    const flowId = new URL(String(authorized.headers.location)).searchParams.get('flowId');
    assert.ok(flowId);
    const checked = await flowsApi(s, env).post(flowId, 'usernamePassword.check', {
      username: user.username,
      password: user.password,
    });
    assert.equal(checked.body.status, 'COMPLETED', checked.text);
    const st = sessionCookieOf(checked.headers);
    return s.request('GET', pathOf(checked.body.resumeUrl), {
      token: null,
      headers: st ? { cookie: `ST=${st}` } : {},
    });
  }

  function assertFormPostPage(resumed: { status: number; text: string; headers: Record<string, unknown> }) {
    assert.equal(resumed.status, 200, resumed.text);
    assert.match(String(resumed.headers['content-type']), /^text\/html/);
    assert.equal(resumed.headers['cache-control'], 'no-store');
    const csp = String(resumed.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, `the CSP allows a nonce'd script only: ${csp}`);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /form-action https:\/\/app\.example\.com(;|$)/);
    const scripts = [...resumed.text.matchAll(/<script([^>]*)>/g)];
    assert.equal(scripts.length, 1, 'one script');
    assert.equal(scripts[0]![1], ` nonce="${nonce}"`, 'the script carries the CSP nonce');
    assert.match(resumed.text, /<button type="submit">[^<]+<\/button>/, 'a button for browsers without JS');
    assert.match(resumed.text, /<noscript>/);
    assert.ok(!resumed.text.includes(STATE), 'the state is never written unescaped');
    assert.ok(resumed.text.includes('&quot;quoted&quot; &lt;tag&gt; &amp; amp'));
    const form = readForm(resumed.text);
    assert.equal(form.method, 'post');
    assert.equal(form.action, REDIRECT);
    assert.equal(form.fields.get('state'), STATE);
    return form;
  }

  // Every test below uses an environment, a user and an app allowed code and hybrid responses.
  before(async () => {
    env = await newEnvironment(server());
    user = await newSignOnUser(server(), env);
    app = await newOidcApp(server(), env, {
      grantTypes: ['AUTHORIZATION_CODE', 'IMPLICIT', 'REFRESH_TOKEN'],
      responseTypes: ['CODE', 'TOKEN', 'ID_TOKEN'],
      pkceEnforcement: 'OPTIONAL',
    });
  });

  it('code: the form posts code and state, and the code redeems', async () => {
    const form = assertFormPostPage(await signOn(server(), { response_type: 'code' }));
    assert.deepEqual([...form.fields.keys()].sort(), ['code', 'state']);
    const exchanged = await server().request('POST', `/${env}/as/token`, {
      token: null,
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: form.fields.get('code')!,
        redirect_uri: REDIRECT,
      }).toString(),
      contentType: 'application/x-www-form-urlencoded',
      headers: { authorization: 'Basic ' + Buffer.from(`${app.id}:${app.secret}`).toString('base64') },
    });
    assert.equal(exchanged.status, 200, exchanged.text);
    assert.ok(exchanged.body.id_token);
  });

  it('hybrid code id_token token: the form posts the tokens too, and the ID token verifies', async () => {
    const form = assertFormPostPage(
      await signOn(server(), { response_type: 'code id_token token', nonce: 'n-0S6_WzA2Mj' }),
    );
    assert.deepEqual([...form.fields.keys()].sort(), [
      'access_token',
      'code',
      'expires_in',
      'id_token',
      'scope',
      'state',
      'token_type',
    ]);
    assert.equal(form.fields.get('token_type'), 'Bearer');
    const jwks = await server().request('GET', `/${env}/as/jwks`, { token: null });
    assert.equal(jwks.status, 200, jwks.text);
    const { payload } = await jwtVerify(form.fields.get('id_token')!, createLocalJWKSet(jwks.body), {
      issuer: issuerOf(env),
      audience: app.id,
    });
    assert.equal(payload.nonce, 'n-0S6_WzA2Mj');
    assert.equal(payload.sub, user.id);
    const half = (v: string) => createHash('sha256').update(v).digest().subarray(0, 16).toString('base64url');
    assert.equal(payload.c_hash, half(form.fields.get('code')!));
    assert.equal(payload.at_hash, half(form.fields.get('access_token')!));
    assert.equal(decodeJwt(form.fields.get('access_token')!).sub, user.id);
  });

  it('an error for the client goes back in a form post too, state escaped', async () => {
    const query = new URLSearchParams({
      client_id: app.id,
      redirect_uri: REDIRECT,
      scope: 'openid not-granted',
      response_type: 'code',
      response_mode: 'form_post',
      state: STATE,
    });
    const refused = await server().request('GET', `/${env}/as/authorize?${query.toString()}`, {
      token: null,
    });
    const form = assertFormPostPage(refused);
    assert.equal(form.fields.get('error'), 'invalid_scope');
    assert.ok(!form.fields.has('code'));
  });
});
