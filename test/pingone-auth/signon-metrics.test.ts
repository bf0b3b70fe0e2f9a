// Sign-on outcomes, lockouts and user-token grants as the operator sees them at /metrics.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as client from 'openid-client';
import { describeStores, type TestServer } from '../support/harness.js';
import { REDIRECT, newOidcApp, pkceAuthorization, relyingParty, signOnInBrowser } from './as-helpers.js';
import { flowsApi, newEnvironment, newSignOnUser, populationWithRules } from './flows-helpers.js';

/** Every sample of the exposition text by `name{labels}`. */
async function scrape(server: TestServer): Promise<Map<string, number>> {
  const res = await server.request('GET', '/metrics', { token: null });
  assert.equal(res.status, 200);
  const samples = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    const match = /^(tessera_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

describeStores('sign-on metrics', (server) => {
  it('counts sign-on outcomes, lockouts and authorization_code / refresh_token tokens', async () => {
    const env = await newEnvironment(server());
    const population = await populationWithRules(server(), env, {
      lockout: { failureCount: 2, durationSeconds: 600 },
    });
    const user = await newSignOnUser(server(), env, { populationId: population });
    const locked = await newSignOnUser(server(), env, { populationId: population });
    const app = await newOidcApp(server(), env);
    const before = await scrape(server());

    const config = await relyingParty(server, env, app.id, client.ClientSecretBasic(app.secret));
    const { url, checks } = await pkceAuthorization(config, {
      scope: 'openid offline_access',
      state: 'metrics',
    });
    const signedOn = await signOnInBrowser(server(), env, url, user);
    const tokens = await client.authorizationCodeGrant(config, new URL(signedOn.location), checks);
    await client.refreshTokenGrant(config, tokens.refresh_token!);

    const authorized = await server().request('GET', new URL(url).pathname + new URL(url).search, {
      token: null,
    });
    const flowId = new URL(String(authorized.headers.location)).searchParams.get('flowId')!;
    const attempt = (password: string) =>
      flowsApi(server(), env).post(flowId, 'usernamePassword.check', { username: locked.username, password });
    assert.equal((await attempt('wrong-1')).body.details[0].code, 'INVALID_CREDENTIALS');
    assert.equal((await attempt('wrong-2')).body.details[0].code, 'INVALID_CREDENTIALS');
    assert.equal((await attempt(locked.password)).body.details[0].code, 'PASSWORD_LOCKED_OUT');

    const after = await scrape(server());
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    assert.equal(delta('tessera_signon_outcomes_total{outcome="success"}'), 1);
    assert.equal(delta('tessera_signon_outcomes_total{outcome="failure"}'), 2);
    assert.equal(delta('tessera_signon_outcomes_total{outcome="locked_out"}'), 1);
    assert.equal(delta('tessera_password_lockouts_total'), 1);
    assert.equal(delta('tessera_token_requests_total{grant_type="authorization_code",outcome="issued"}'), 1);
    assert.equal(delta('tessera_token_requests_total{grant_type="refresh_token",outcome="issued"}'), 1);
    const text = (await server().request('GET', '/metrics', { token: null })).text;
    for (const secret of [user.id, user.username, locked.username, env, app.id]) {
      assert.ok(!text.includes(secret), 'no user data in labels');
    }
  });

  it('counts a flow left unfinished past its idle expiry as an expired sign-on', async () => {
    // Flows other tests left unfinished expire first, so only this test's flow is counted below.
    server().clock.advance(16 * 60 * 1000);
    await server().services.flows.purgeExpired();
    const env = await newEnvironment(server());
    const user = await newSignOnUser(server(), env);
    const app = await newOidcApp(server(), env);
    const config = await relyingParty(server, env, app.id, client.ClientSecretBasic(app.secret));
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 'idle',
    });
    const authorized = await server().request('GET', new URL(url).pathname + new URL(url).search, {
      token: null,
    });
    const flowId = new URL(String(authorized.headers.location)).searchParams.get('flowId')!;
    const before = await scrape(server());
    server().clock.advance(16 * 60 * 1000);
    const late = await flowsApi(server(), env).post(flowId, 'usernamePassword.check', {
      username: user.username,
      password: user.password,
    });
    assert.equal(late.status, 404);
    // The scheduler purges expired flows; run its purge now rather than wait for its next round.
    await server().services.flows.purgeExpired();
    const after = await scrape(server());
    const key = 'tessera_signon_outcomes_total{outcome="expired"}';
    assert.equal((after.get(key) ?? 0) - (before.get(key) ?? 0), 1);
    assert.equal(
      (after.get('tessera_signon_outcomes_total{outcome="success"}') ?? 0) -
        (before.get('tessera_signon_outcomes_total{outcome="success"}') ?? 0),
      0,
    );
  });
});
