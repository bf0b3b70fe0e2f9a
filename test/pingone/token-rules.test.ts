import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { it } from 'node:test';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { createSigningKeys } from '../../src/core/tokens/signing-keys.js';
import { BOOTSTRAP, describeStores } from '../support/harness.js';

const ENV = `/v1/environments/${BOOTSTRAP.environmentId}`;

describeStores('access token rules (exp, iat, nbf, typ, crit)', (server) => {
  /** Signs `claims` with the environment's own key: only the rules under test can refuse it. */
  async function forge(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const keys = createSigningKeys(server().app.store, server().clock);
    const key = await keys.forEnvironment(BOOTSTRAP.environmentId);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header })
      .sign(key.privateKey);
  }

  async function genuineClaims(): Promise<JWTPayload> {
    return decodeJwt(await server().adminToken());
  }

  const status = async (token: string) => (await server().request('GET', ENV, { token })).status;

  it('accepts a token re-signed with the same claims (the forge itself is sound)', async () => {
    assert.equal(await status(await forge(await genuineClaims())), 200);
  });

  it('refuses a token without exp', async () => {
    const { exp: _exp, ...claims } = await genuineClaims();
    assert.equal(await status(await forge(claims)), 401);
  });

  it('refuses iat far in the future, tolerates a small clock skew on iat and nbf', async () => {
    const claims = await genuineClaims();
    const now = Math.floor(server().clock.now() / 1000);
    assert.equal(await status(await forge({ ...claims, iat: now + 3600 })), 401);
    assert.equal(await status(await forge({ ...claims, iat: now + 5, nbf: now + 5 })), 200);
    assert.equal(await status(await forge({ ...claims, nbf: now + 3600 })), 401);
  });

  it('refuses an unknown typ or a crit header', async () => {
    const claims = await genuineClaims();
    assert.equal(await status(await forge(claims, { typ: 'something-else' })), 401);
    // jose will not sign an unknown crit itself: the token is put together by hand (and the
    // same hand-made token without crit is accepted, so only crit can refuse it).
    const keys = createSigningKeys(server().app.store, server().clock);
    const key = await keys.forEnvironment(BOOTSTRAP.environmentId);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const handSigned = async (header: Record<string, unknown>) => {
      const input = `${part({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header })}.${part(claims)}`;
      const signature = await webcrypto.subtle.sign(
        'RSASSA-PKCS1-v1_5',
        key.privateKey,
        new TextEncoder().encode(input),
      );
      return `${input}.${Buffer.from(signature).toString('base64url')}`;
    };
    assert.equal(await status(await handSigned({})), 200);
    assert.equal(await status(await handSigned({ crit: ['x-unknown'], 'x-unknown': true })), 401);
  });

  it('refuses an expired token exactly at expiry (the leeway is not for exp)', async () => {
    const claims = await genuineClaims();
    const now = Math.floor(server().clock.now() / 1000);
    assert.equal(await status(await forge({ ...claims, exp: now - 1 })), 401);
  });
});
