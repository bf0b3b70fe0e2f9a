import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as client from 'openid-client';
import { describeStores } from '../support/harness.js';
import {
  LOGGED_OUT,
  REDIRECT,
  newOidcApp,
  pkceAuthorization,
  relyingParty,
  signOnInBrowser,
} from './as-helpers.js';
import { newEnvironment, newSignOnUser } from './flows-helpers.js';

describeStores('authorization server with openid-client', (server) => {
  it('runs code + PKCE for a confidential web app: tokens, refresh, userinfo, introspect, revoke, sign-off', async () => {
    const env = await newEnvironment(server());
    const user = await newSignOnUser(server(), env, {
      extra: { name: { given: 'Ada', family: 'Lovelace' } },
    });
    const app = await newOidcApp(server(), env);
    const config = await relyingParty(server, env, app.id, client.ClientSecretBasic(app.secret));

    const { url, checks } = await pkceAuthorization(config, {
      scope: 'openid profile email',
      state: true,
      nonce: true,
    });
    const signedOn = await signOnInBrowser(server(), env, url, user);
    assert.ok(signedOn.location.startsWith(`${REDIRECT}?`), signedOn.location);

    const tokens = await client.authorizationCodeGrant(config, new URL(signedOn.location), {
      ...checks,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.sub, user.id);
    assert.equal(claims.aud, app.id);
    assert.equal(claims.acr, 'Single_Factor');
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(claims.given_name, 'Ada');
    assert.equal(claims.preferred_username, user.username);
    assert.equal(claims.email, `${user.username}@example.com`);
    assert.equal(claims.env, env);
    assert.ok(typeof claims.sid === 'string' && claims.sid === signedOn.cookie);
    assert.ok(tokens.refresh_token, 'a refresh token for an app with REFRESH_TOKEN');
    assert.equal(tokens.token_type, 'bearer');

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'rotated');
    assert.equal(refreshed.claims()?.sub, user.id);

    const info = await client.fetchUserInfo(config, refreshed.access_token, user.id);
    assert.equal(info.family_name, 'Lovelace');
    assert.equal(info.email, `${user.username}@example.com`);

    const active = await client.tokenIntrospection(config, refreshed.access_token);
    assert.equal(active.active, true);
    assert.equal(active.sub, user.id);
    assert.equal(active.client_id, app.id);
    const refreshActive = await client.tokenIntrospection(config, refreshed.refresh_token!, {
      token_type_hint: 'refresh_token',
    });
    assert.equal(refreshActive.active, true);

    await client.tokenRevocation(config, refreshed.access_token);
    assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, false);
    await assert.rejects(client.fetchUserInfo(config, refreshed.access_token, user.id));

    const logout = client.buildEndSessionUrl(config, {
      id_token_hint: refreshed.id_token!,
      post_logout_redirect_uri: LOGGED_OUT,
      state: 'bye',
    });
    const signedOff = await server().request('GET', logout.pathname + logout.search, {
      token: null,
      headers: { cookie: `ST=${signedOn.cookie}` },
    });
    assert.equal(signedOff.status, 302, signedOff.text);
    assert.equal(signedOff.headers.location, `${LOGGED_OUT}?state=bye`);
    assert.match(String(signedOff.headers['set-cookie']), /^ST=;/);
    // The session is over: its refresh tokens are dead.
    await assert.rejects(
      client.refreshTokenGrant(config, refreshed.refresh_token!),
      (e: Error & { error?: string }) => {
        assert.equal(e.error, 'invalid_grant');
        return true;
      },
    );
  });

  it('runs code + PKCE for a public single-page app (NONE)', async () => {
    const env = await newEnvironment(server());
    const user = await newSignOnUser(server(), env);
    const app = await newOidcApp(
      server(),
      env,
      {
        type: 'SINGLE_PAGE_APP',
        grantTypes: ['AUTHORIZATION_CODE'],
        tokenEndpointAuthMethod: 'NONE',
        pkceEnforcement: 'S256_REQUIRED',
      },
      [],
    );
    const config = await relyingParty(server, env, app.id, client.None());
    const { url, checks } = await pkceAuthorization(config, { scope: 'openid', nonce: true });
    const signedOn = await signOnInBrowser(server(), env, url, user);
    const tokens = await client.authorizationCodeGrant(config, new URL(signedOn.location), {
      ...checks,
      idTokenExpected: true,
    });
    assert.equal(tokens.claims()?.sub, user.id);
    assert.equal(tokens.refresh_token, undefined, 'no REFRESH_TOKEN grant, no offline_access');
    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    assert.deepEqual(Object.keys(info), ['sub'], 'openid alone releases only sub');
  });
});
