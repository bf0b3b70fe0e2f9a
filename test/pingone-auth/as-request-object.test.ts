// Request objects at /as/authorize (OIDC Core §6.1, RFC 9101): signed with the app's secret (HS*)
// or its registered keys (ES/RS), their claims supersede the query's; unsigned or forged ones are
// refused with invalid_request_object.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import { describeStores, type TestServer } from '../support/harness.js';
import { REDIRECT, issuerOf, newOidcApp, relyingParty, signOnInBrowser } from './as-helpers.js';
import { newEnvironment, newSignOnUser } from './flows-helpers.js';

const VERIFIER = 'v'.repeat(43) + '-request-object';

/** The authorize path with these query parameters. */
const authorizePath = (env: string, params: Record<string, string>) =>
  `/${env}/as/authorize?${new URLSearchParams(params).toString()}`;

/** The parameters an error redirect carried back to the client (query). */
async function refusal(server: TestServer, path: string) {
  const answer = await server.request('GET', path, { token: null });
  assert.equal(answer.status, 302, answer.text);
  const location = new URL(String(answer.headers.location));
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  return location.searchParams;
}

describeStores('authorize with request objects', (server) => {
  let env: string;
  let user: { id: string; username: string; password: string };
  let secretApp: { id: string; secret: string | undefined };
  let keyPair: { privateKey: CryptoKey; publicKey: CryptoKey };

  before(async () => {
    keyPair = await generateKeyPair('ES256', { extractable: true });
  });

  /** A request object for `secretApp`, HS256 with `secret` (its own unless told). */
  const hs256 = (claims: Record<string, unknown>, secret = secretApp.secret!) =>
    new SignJWT({ client_id: secretApp.id, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(secretApp.id)
      .setAudience(issuerOf(env))
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));

  // Every test below uses an environment, a user and a confidential web app.
  before(async () => {
    env = await newEnvironment(server());
    user = await newSignOnUser(server(), env);
    secretApp = await newOidcApp(server(), env);
  });

  it('HS256 with the client secret: the object overrides the query (scope, state, nonce)', async () => {
    const request = await hs256({
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid profile email',
      state: 'from-object',
      nonce: 'nonce-from-object',
      code_challenge: await client.calculatePKCECodeChallenge(VERIFIER),
      code_challenge_method: 'S256',
    });
    const path = authorizePath(env, {
      client_id: secretApp.id,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 'from-query',
      request,
    });
    const signedOn = await signOnInBrowser(server(), env, path, user);
    const config = await relyingParty(server, env, secretApp.id, client.ClientSecretBasic(secretApp.secret));
    const tokens = await client.authorizationCodeGrant(config, new URL(signedOn.location), {
      pkceCodeVerifier: VERIFIER,
      expectedState: 'from-object',
      expectedNonce: 'nonce-from-object',
      idTokenExpected: true,
    });
    assert.deepEqual(tokens.scope?.split(' ').sort(), ['email', 'openid', 'profile']);
    assert.equal(tokens.claims()?.sub, user.id);
  });

  it('ES256 with the app jwks, built by openid-client (buildAuthorizationUrlWithJAR)', async () => {
    const jwk = { ...(await exportJWK(keyPair.publicKey)), kid: 'ro-1', alg: 'ES256', use: 'sig' };
    const keyApp = await newOidcApp(server(), env, {
      tokenEndpointAuthMethod: 'PRIVATE_KEY_JWT',
      jwks: JSON.stringify({ keys: [jwk] }),
    });
    const config = await relyingParty(
      server,
      env,
      keyApp.id,
      client.PrivateKeyJwt({ key: keyPair.privateKey, kid: 'ro-1' }),
    );
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = await client.buildAuthorizationUrlWithJAR(
      config,
      {
        redirect_uri: REDIRECT,
        scope: 'openid email',
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(VERIFIER),
        code_challenge_method: 'S256',
      },
      { key: keyPair.privateKey, kid: 'ro-1' },
    );
    // openid-client stamps nbf from the wall clock; the server's test clock must not lag it.
    server().clock.set(Date.now());
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request']);
    const signedOn = await signOnInBrowser(server(), env, url, user);
    server().clock.set(Date.now()); // the same for the client assertion openid-client signs
    const tokens = await client.authorizationCodeGrant(config, new URL(signedOn.location), {
      pkceCodeVerifier: VERIFIER,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    assert.equal(tokens.claims()?.email, `${user.username}@example.com`);

    // The secret app has no keys: an ES256 object for it cannot verify.
    const forged = await new SignJWT({ client_id: secretApp.id, response_type: 'code', scope: 'openid' })
      .setProtectedHeader({ alg: 'ES256', kid: 'ro-1' })
      .sign(keyPair.privateKey);
    const refused = await refusal(
      server(),
      authorizePath(env, { client_id: secretApp.id, redirect_uri: REDIRECT, request: forged, state: 's' }),
    );
    assert.equal(refused.get('error'), 'invalid_request_object');
    assert.equal(refused.get('state'), 's');
  });

  it('refuses unsigned, forged, expired, misaddressed and mismatched objects', async () => {
    const query = { client_id: secretApp.id, response_type: 'code', redirect_uri: REDIRECT, state: 'q' };
    const expectRefused = async (request: string, reason: RegExp) => {
      const params = await refusal(server(), authorizePath(env, { ...query, request }));
      assert.equal(params.get('error'), 'invalid_request_object', params.toString());
      assert.match(params.get('error_description') ?? '', reason);
      assert.equal(params.get('state'), 'q');
      assert.equal(params.get('code'), null);
    };
    const claims = { response_type: 'code', scope: 'openid', redirect_uri: REDIRECT };
    await expectRefused(
      new UnsecuredJWT({ client_id: secretApp.id, ...claims }).encode(),
      /Unsigned request objects are refused/,
    );
    await expectRefused(await hs256(claims, 'not-the-secret-of-this-app-at-all'), /could not be verified/);
    await expectRefused(
      await new SignJWT({ client_id: secretApp.id, ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
        .sign(new TextEncoder().encode(secretApp.secret)),
      /expired/,
    );
    await expectRefused(
      await new SignJWT({ client_id: secretApp.id, ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience('https://another-issuer.example.com')
        .sign(new TextEncoder().encode(secretApp.secret)),
      /aud claim/,
    );
    await expectRefused(await hs256({ ...claims, client_id: 'someone-else' }), /client_id/);
    await expectRefused(await hs256({ ...claims, response_type: 'code id_token' }), /response_type/);
    await expectRefused(await hs256({ ...claims, request_uri: 'https://x.example.com/r' }), /request_uri/);
    await expectRefused('not-a-jwt', /not a signed JWT/);
  });

  it('an object redirect_uri that is not registered is refused locally, never redirected to', async () => {
    const request = await hs256({
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'https://evil.example.com/',
    });
    const answer = await server().request(
      'GET',
      authorizePath(env, { client_id: secretApp.id, response_type: 'code', redirect_uri: REDIRECT, request }),
      { token: null },
    );
    assert.equal(answer.status, 400, answer.text);
    assert.equal(answer.headers.location, undefined);
    assert.match(answer.text, /redirect_uri is not registered/);
  });

  it('a public client cannot sign with a secret', async () => {
    const spa = await newOidcApp(server(), env, {
      type: 'SINGLE_PAGE_APP',
      tokenEndpointAuthMethod: 'NONE',
      pkceEnforcement: 'S256_REQUIRED',
    });
    const request = await new SignJWT({ client_id: spa.id, response_type: 'code', scope: 'openid' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('any-secret-at-all-since-it-is-public'));
    const params = await refusal(
      server(),
      authorizePath(env, { client_id: spa.id, response_type: 'code', redirect_uri: REDIRECT, request }),
    );
    assert.equal(params.get('error'), 'invalid_request_object');
    assert.match(params.get('error_description') ?? '', /public client/);
  });

  it('discovery lists the algorithms accepted, without none', async () => {
    const discovery = await server().request('GET', `/${env}/as/.well-known/openid-configuration`, {
      token: null,
    });
    assert.equal(discovery.body.request_parameter_supported, true);
    const algs = discovery.body.request_object_signing_alg_values_supported as string[];
    assert.ok(algs.includes('HS256') && algs.includes('RS256') && algs.includes('ES256'), algs.join());
    assert.ok(!algs.includes('none'));
  });
});
