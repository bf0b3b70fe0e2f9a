import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import type { ClientAuthentication } from '../../src/core/applications/application.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

const ENV = BOOTSTRAP.environmentId;
const apps = `/v1/environments/${ENV}/applications`;
const ISSUER = `http://tessera.test/${ENV}/as`;
const TOKEN_URL = `${ISSUER}/token`;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are read loosely
type Body = Record<string, any>;

async function tokenCall(server: TestServer, form: Record<string, string>, basic?: [string, string]) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = 'Basic ' + Buffer.from(basic.join(':')).toString('base64');
  const response = await server.app.server.inject({
    method: 'POST',
    url: `/${ENV}/as/token`,
    headers,
    payload: new URLSearchParams({ grant_type: 'client_credentials', ...form }).toString(),
  });
  return { status: response.statusCode, body: response.json<Body>() };
}

/** A worker using `method`, with one role so the PingOne token endpoint serves it. */
async function worker(server: TestServer, extra: Record<string, unknown>) {
  const created = await server.createWorker(apps, {
    body: { name: `client ${Math.random()}`, type: 'WORKER', ...extra },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  const assigned = await server.request('POST', `${apps}/${id}/roleAssignments`, {
    body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { type: 'ENVIRONMENT', id: ENV } },
  });
  assert.equal(assigned.status, 201, assigned.text);
  const secret = await server.request('GET', `${apps}/${id}/secret`);
  return { id, secret: secret.body.secret as string };
}

function assertion(
  server: TestServer,
  clientId: string,
  claims: { aud?: string; jti?: string; exp?: number; iss?: string } = {},
) {
  const now = Math.floor(server.clock.now() / 1000);
  return new SignJWT({})
    .setIssuer(claims.iss ?? clientId)
    .setSubject(clientId)
    .setAudience(claims.aud ?? TOKEN_URL)
    .setIssuedAt(now)
    .setExpirationTime(claims.exp ?? now + 60)
    .setJti(claims.jti ?? `${Math.random()}`);
}

const secretKey = (secret: string) => new TextEncoder().encode(secret);

describeStores('client authentication', (server) => {
  let keys: { privateKey: CryptoKey; publicJwk: JWK };
  let jwksServer: Server;
  let jwksUrl: string;

  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    keys = { privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid: 'k1' } };
    jwksServer = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [keys.publicJwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
  });
  after(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

  it('client_secret_basic and client_secret_post: only the configured one', async () => {
    const basic = await worker(server(), {});
    assert.equal((await tokenCall(server(), {}, [basic.id, basic.secret])).status, 200);
    const posted = await tokenCall(server(), { client_id: basic.id, client_secret: basic.secret });
    assert.equal(posted.status, 401);
    assert.equal(posted.body.error, 'invalid_client');

    const post = await worker(server(), { tokenEndpointAuthMethod: 'CLIENT_SECRET_POST' });
    assert.equal((await tokenCall(server(), { client_id: post.id, client_secret: post.secret })).status, 200);
    assert.equal((await tokenCall(server(), {}, [post.id, post.secret])).status, 401);
  });

  it('refuses two methods in one request with invalid_request', async () => {
    const basic = await worker(server(), {});
    const both = await tokenCall(server(), { client_secret: basic.secret }, [basic.id, basic.secret]);
    assert.equal(both.status, 400);
    assert.equal(both.body.error, 'invalid_request');
    const jwt = await assertion(server(), basic.id)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secretKey(basic.secret));
    const mixed = await tokenCall(server(), {
      client_id: basic.id,
      client_secret: basic.secret,
      client_assertion: jwt,
      client_assertion_type: ASSERTION_TYPE,
    });
    assert.equal(mixed.status, 400);
    assert.equal(mixed.body.error, 'invalid_request');
    const wrongType = await tokenCall(server(), { client_assertion: jwt, client_assertion_type: 'jwt' });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.error, 'invalid_request');
  });

  it('client_secret_jwt: HMAC with the secret, aud and exp checked, a replay refused', async () => {
    const client = await worker(server(), { tokenEndpointAuthMethod: 'CLIENT_SECRET_JWT' });
    const signed = await assertion(server(), client.id, { jti: 'once' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secretKey(client.secret));
    const form = { client_assertion: signed, client_assertion_type: ASSERTION_TYPE };
    const first = await tokenCall(server(), form);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const replay = await tokenCall(server(), form);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'invalid_client');

    const hs512 = await assertion(server(), client.id)
      .setProtectedHeader({ alg: 'HS512' })
      .sign(secretKey(client.secret));
    assert.equal(
      (
        await tokenCall(server(), {
          client_id: client.id,
          client_assertion: hs512,
          client_assertion_type: ASSERTION_TYPE,
        })
      ).status,
      200,
    );

    for (const bad of [
      await assertion(server(), client.id)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(secretKey('not-the-secret-at-all-000000000')),
      await assertion(server(), client.id, { aud: 'https://elsewhere.example' })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(secretKey(client.secret)),
      await assertion(server(), client.id, { exp: Math.floor(server().clock.now() / 1000) - 1 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(secretKey(client.secret)),
      await assertion(server(), client.id, { iss: BOOTSTRAP.clientId })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(secretKey(client.secret)),
    ]) {
      const refused = await tokenCall(server(), {
        client_id: client.id,
        client_assertion: bad,
        client_assertion_type: ASSERTION_TYPE,
      });
      assert.equal(refused.status, 401, JSON.stringify(refused.body));
      assert.equal(refused.body.error, 'invalid_client');
    }
    // A client_secret_basic request from this client is the wrong method.
    assert.equal((await tokenCall(server(), {}, [client.id, client.secret])).status, 401);
  });

  it('private_key_jwt with jwks and with jwksUrl; an HMAC assertion is the wrong method', async () => {
    for (const keySource of [{ jwks: JSON.stringify({ keys: [keys.publicJwk] }) }, { jwksUrl }]) {
      const client = await worker(server(), { tokenEndpointAuthMethod: 'PRIVATE_KEY_JWT', ...keySource });
      const signed = await assertion(server(), client.id)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .sign(keys.privateKey);
      const form = { client_assertion: signed, client_assertion_type: ASSERTION_TYPE };
      const granted = await tokenCall(server(), form);
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      assert.equal((await tokenCall(server(), form)).status, 401, 'a replay is refused');

      const other = await generateKeyPair('ES256');
      const forged = await assertion(server(), client.id)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .sign(other.privateKey);
      assert.equal(
        (await tokenCall(server(), { client_assertion: forged, client_assertion_type: ASSERTION_TYPE }))
          .status,
        401,
      );
      const hmac = await assertion(server(), client.id)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(secretKey(client.secret));
      assert.equal(
        (await tokenCall(server(), { client_assertion: hmac, client_assertion_type: ASSERTION_TYPE })).status,
        401,
      );
    }
  });

  it('a replayed assertion is refused by another process on the same store', async () => {
    const client = await worker(server(), { tokenEndpointAuthMethod: 'CLIENT_SECRET_JWT' });
    const signed = await assertion(server(), client.id)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secretKey(client.secret));
    const auth: ClientAuthentication = {
      method: 'CLIENT_SECRET_JWT',
      clientId: undefined,
      assertion: signed,
    };
    const app = await server().services.applications.authenticateClient(ENV, auth, { audience: [TOKEN_URL] });
    assert.equal(app.id, client.id);
    // The jti is kept in the store, not in this process: a fresh service over the same store refuses it.
    const { createApplicationsService } = await import('../../src/core/applications/applications.service.js');
    const other = createApplicationsService({
      store: server().app.store,
      clock: server().clock,
      environments: server().services.environments,
      secretKey: server().services.config.secretKey,
      apiAudience: 'http://tessera.test',
    });
    await assert.rejects(other.authenticateClient(ENV, auth, { audience: [TOKEN_URL] }), {
      error: 'invalid_client',
    });
  });

  it('NONE: the client id alone authenticates a public client, which may not use client_credentials', async () => {
    const created = await server().request('POST', apps, {
      body: {
        name: 'public',
        type: 'NATIVE_APP',
        tokenEndpointAuthMethod: 'NONE',
        grantTypes: ['AUTHORIZATION_CODE'],
        redirectUris: ['com.example.app:/callback'],
      },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const app = await server().services.applications.authenticateClient(
      ENV,
      { method: 'NONE', clientId: id },
      { audience: [TOKEN_URL] },
    );
    assert.equal(app.id, id);
    await assert.rejects(
      server().services.applications.authenticateClient(
        ENV,
        { method: 'CLIENT_SECRET_POST', clientId: id, clientSecret: 'x' },
        { audience: [] },
      ),
      { error: 'invalid_client' },
    );
    const token = await tokenCall(server(), { client_id: id });
    assert.equal(token.status, 400);
    assert.equal(token.body.error, 'unauthorized_client');
    // A confidential client cannot skip its secret.
    assert.equal((await tokenCall(server(), { client_id: BOOTSTRAP.clientId })).status, 401);
  });

  it('keeps the previous secret working until previous.expiresAt, and records its last use', async () => {
    const client = await worker(server(), {});
    const expiresAt = new Date(server().clock.now() + 10 * 60_000).toISOString();
    const rotated = await server().request('POST', `${apps}/${client.id}/secret`, {
      body: { previous: { expiresAt } },
    });
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.body.secret, client.secret);
    assert.equal(rotated.body.previous.secret, client.secret);
    assert.equal(rotated.body.previous.expiresAt, expiresAt);
    assert.equal(rotated.body.previous.lastUsed, undefined);

    assert.equal((await tokenCall(server(), {}, [client.id, client.secret])).status, 200);
    assert.equal((await tokenCall(server(), {}, [client.id, rotated.body.secret as string])).status, 200);
    const read = await server().request('GET', `${apps}/${client.id}/secret`);
    assert.equal(read.body.previous.lastUsed, new Date(server().clock.now()).toISOString());

    server().clock.advance(10 * 60_000 + 1);
    assert.equal((await tokenCall(server(), {}, [client.id, client.secret])).status, 401);
    assert.equal((await tokenCall(server(), {}, [client.id, rotated.body.secret as string])).status, 200);
    const expired = await server().request('GET', `${apps}/${client.id}/secret`);
    assert.equal(expired.body.previous, undefined);
  });

  it('DELETE …/secret drops the previous secret at once', async () => {
    const client = await worker(server(), {});
    const expiresAt = new Date(server().clock.now() + 3_600_000).toISOString();
    await server().request('POST', `${apps}/${client.id}/secret`, { body: { previous: { expiresAt } } });
    assert.equal((await tokenCall(server(), {}, [client.id, client.secret])).status, 200);
    assert.equal((await server().request('DELETE', `${apps}/${client.id}/secret`)).status, 204);
    assert.equal((await tokenCall(server(), {}, [client.id, client.secret])).status, 401);
    assert.equal((await server().request('GET', `${apps}/${client.id}/secret`)).body.previous, undefined);
  });

  it('a previous secret also signs CLIENT_SECRET_JWT assertions until it expires', async () => {
    const client = await worker(server(), { tokenEndpointAuthMethod: 'CLIENT_SECRET_JWT' });
    const expiresAt = new Date(server().clock.now() + 120_000).toISOString();
    await server().request('POST', `${apps}/${client.id}/secret`, { body: { previous: { expiresAt } } });
    const sign = async () =>
      await assertion(server(), client.id)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(secretKey(client.secret));
    assert.equal(
      (await tokenCall(server(), { client_assertion: await sign(), client_assertion_type: ASSERTION_TYPE }))
        .status,
      200,
    );
    server().clock.advance(120_001);
    assert.equal(
      (await tokenCall(server(), { client_assertion: await sign(), client_assertion_type: ASSERTION_TYPE }))
        .status,
      401,
    );
  });
});
