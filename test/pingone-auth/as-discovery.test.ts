import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as client from 'openid-client';
import { BOOTSTRAP, describeStores } from '../support/harness.js';
import { injectFetch } from '../support/inject-fetch.js';

const ENV = BOOTSTRAP.environmentId;
const ISSUER = `http://tessera.test/${ENV}/as`;

describeStores('authorization server discovery', (server) => {
  it('serves the discovery document that openid-client accepts given only the issuer', async () => {
    const config = await client.discovery(new URL(ISSUER), 'some-client', undefined, client.None(), {
      execute: [client.allowInsecureRequests],
      [client.customFetch]: injectFetch(server),
    });
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, ISSUER);
    assert.equal(metadata.authorization_endpoint, `${ISSUER}/authorize`);
    assert.equal(metadata.token_endpoint, `${ISSUER}/token`);
    assert.equal(metadata.userinfo_endpoint, `${ISSUER}/userinfo`);
    assert.equal(metadata.jwks_uri, `${ISSUER}/jwks`);
    assert.equal(metadata.end_session_endpoint, `${ISSUER}/signoff`);
    assert.equal(metadata.introspection_endpoint, `${ISSUER}/introspect`);
    assert.equal(metadata.revocation_endpoint, `${ISSUER}/revoke`);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['plain', 'S256']);
    assert.deepEqual(metadata.token_endpoint_auth_methods_supported, [
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'none',
    ]);
    // PingOne's recorded quirks: no bare `token`, no offline_access in scopes_supported.
    assert.ok(!metadata.response_types_supported?.includes('token'));
    assert.ok(!metadata.scopes_supported?.includes('offline_access'));
    assert.deepEqual(metadata.response_modes_supported, ['pi.flow', 'query', 'fragment', 'form_post']);
  });

  it('answers unknown /as/ paths with OAuth-style JSON 404 and wrong methods with 405', async () => {
    const unknown = await server().request('GET', `/${ENV}/as/nothing-here`, { token: null });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, 'not_found');
    const wrongMethod = await server().request('GET', `/${ENV}/as/token`, { token: null });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.allow, 'POST');
    assert.equal(wrongMethod.body.error, 'invalid_request');
  });

  it('answers userinfo without a token or with a bad one 401 with a Bearer challenge', async () => {
    const missing = await server().request('GET', `/${ENV}/as/userinfo`, { token: null });
    assert.equal(missing.status, 401);
    assert.match(String(missing.headers['www-authenticate']), /^Bearer/);
    const bad = await server().request('GET', `/${ENV}/as/userinfo`, { token: 'not.a.token' });
    assert.equal(bad.status, 401);
    assert.match(String(bad.headers['www-authenticate']), /error="invalid_token"/);
    // A worker's client_credentials token is no user token.
    const worker = await server().request('GET', `/${ENV}/as/userinfo`, {
      token: await server().adminToken(),
    });
    assert.equal(worker.status, 401);
  });
});
