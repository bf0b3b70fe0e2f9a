import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

const ADMIN_ENV = BOOTSTRAP.environmentId;

/** Sends a raw request to the token endpoint (the harness helper only knows the happy path). */
async function tokenCall(
  server: TestServer,
  options: {
    env?: string;
    basic?: [string, string];
    form?: Record<string, string>;
    body?: string;
    contentType?: string;
  },
) {
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
  };
  if (options.basic) {
    headers.authorization = 'Basic ' + Buffer.from(options.basic.join(':')).toString('base64');
  }
  const response = await server.app.server.inject({
    method: 'POST',
    url: `/${options.env ?? ADMIN_ENV}/as/token`,
    headers,
    payload: options.body ?? new URLSearchParams(options.form ?? {}).toString(),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are read loosely
    body: response.json<Record<string, any>>(),
  };
}

/** Creates a worker in `env` with the given role assignments (scoped to that environment). */
async function createWorker(
  server: TestServer,
  env: string,
  roles: string[],
  extra: Record<string, unknown> = {},
) {
  const created = await server.createWorker(`/v1/environments/${env}/applications`, {
    body: { name: `worker ${Math.random()}`, type: 'WORKER', ...extra },
  });
  assert.equal(created.status, 201, created.text);
  for (const roleId of roles) {
    const assigned = await server.request(
      'POST',
      `/v1/environments/${env}/applications/${created.body.id}/roleAssignments`,
      { body: { role: { id: roleId }, scope: { type: 'ENVIRONMENT', id: env } } },
    );
    assert.equal(assigned.status, 201, assigned.text);
  }
  const secret = await server.request(
    'GET',
    `/v1/environments/${env}/applications/${created.body.id}/secret`,
  );
  assert.equal(secret.status, 200, secret.text);
  return { id: created.body.id as string, secret: secret.body.secret as string };
}

describeStores('token endpoint', (server) => {
  it('issues an RS256 token with client_secret_basic whose claims verify against the JWKS', async () => {
    const response = await tokenCall(server(), {
      basic: [BOOTSTRAP.clientId, BOOTSTRAP.clientSecret],
      form: { grant_type: 'client_credentials' },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.token_type, 'Bearer');
    assert.equal(response.body.expires_in, 3600);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.ok(response.headers['correlation-id']);

    const jwks = await server().app.server.inject({ method: 'GET', url: `/${ADMIN_ENV}/as/jwks` });
    assert.equal(jwks.statusCode, 200);
    const keys = jwks.json<{ keys: Array<Record<string, unknown>> }>();
    assert.ok(keys.keys.length >= 1);
    for (const key of keys.keys) {
      assert.equal(key.d, undefined, 'the JWKS must not publish private key material');
      assert.equal(key.kty, 'RSA');
    }
    const { payload, protectedHeader } = await jwtVerify(
      response.body.access_token as string,
      createLocalJWKSet(keys),
      {
        algorithms: ['RS256'],
        issuer: `http://tessera.test/${ADMIN_ENV}/as`,
        audience: 'http://tessera.test',
        currentDate: new Date(server().clock.now()),
      },
    );
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.client_id, BOOTSTRAP.clientId);
    assert.equal(payload.env, ADMIN_ENV);
    assert.equal(typeof payload.org, 'string');
    assert.equal(payload.exp! - payload.iat!, 3600);
    assert.equal(payload.iat, Math.floor(server().clock.now() / 1000));
  });

  it('issues a token with client_secret_post to a worker configured for it', async () => {
    const worker = await createWorker(server(), ADMIN_ENV, [ROLE_IDS.identityDataReadOnly], {
      tokenEndpointAuthMethod: 'CLIENT_SECRET_POST',
    });
    const posted = await tokenCall(server(), {
      form: { grant_type: 'client_credentials', client_id: worker.id, client_secret: worker.secret },
    });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.equal(decodeJwt(posted.body.access_token as string).client_id, worker.id);
    // The application is configured for POST: Basic is refused.
    const basic = await tokenCall(server(), {
      basic: [worker.id, worker.secret],
      form: { grant_type: 'client_credentials' },
    });
    assert.equal(basic.status, 401);
    assert.equal(basic.body.error, 'invalid_client');
  });

  it('answers a wrong secret or unknown client with 401 invalid_client in RFC 6749 form', async () => {
    for (const basic of [
      [BOOTSTRAP.clientId, 'not-the-secret'],
      ['0b0b0b0b-0000-4000-8000-00000000ffff', BOOTSTRAP.clientSecret],
    ] as Array<[string, string]>) {
      const response = await tokenCall(server(), { basic, form: { grant_type: 'client_credentials' } });
      assert.equal(response.status, 401);
      assert.deepEqual(Object.keys(response.body).sort(), ['error', 'error_description']);
      assert.equal(response.body.error, 'invalid_client');
      assert.match(
        response.body.error_description as string,
        new RegExp(`\\(Correlation ID: ${String(response.headers['correlation-id'])}\\)$`),
      );
      assert.equal(response.headers['cache-control'], 'no-store');
    }
    const noCredentials = await tokenCall(server(), { form: { grant_type: 'client_credentials' } });
    assert.equal(noCredentials.status, 401);
    assert.equal(noCredentials.body.error, 'invalid_client');
    const unknownEnv = await tokenCall(server(), {
      env: '0b0b0b0b-0000-4000-8000-00000000eeee',
      basic: [BOOTSTRAP.clientId, BOOTSTRAP.clientSecret],
      form: { grant_type: 'client_credentials' },
    });
    assert.equal(unknownEnv.status, 401);
    assert.equal(unknownEnv.body.error, 'invalid_client');
  });

  it('refuses an unsupported or missing grant type and a JSON body', async () => {
    const basic: [string, string] = [BOOTSTRAP.clientId, BOOTSTRAP.clientSecret];
    const password = await tokenCall(server(), { basic, form: { grant_type: 'password' } });
    assert.equal(password.status, 400);
    assert.equal(password.body.error, 'unsupported_grant_type');
    const missing = await tokenCall(server(), { basic, form: {} });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
    const json = await tokenCall(server(), {
      basic,
      body: JSON.stringify({ grant_type: 'client_credentials' }),
      contentType: 'application/json',
    });
    assert.equal(json.status, 400);
    assert.equal(json.body.error, 'invalid_request');
    const both = await tokenCall(server(), {
      basic,
      form: { grant_type: 'client_credentials', client_id: basic[0], client_secret: basic[1] },
    });
    assert.equal(both.status, 400);
    assert.equal(both.body.error, 'invalid_request');
  });

  it('refuses a token to a worker without any role assignment', async () => {
    const worker = await createWorker(server(), ADMIN_ENV, []);
    const listed = await server().request(
      'GET',
      `/v1/environments/${ADMIN_ENV}/applications/${worker.id}/roleAssignments`,
    );
    // Remove anything the worker may have been given, so it holds no role at all.
    for (const assignment of listed.body._embedded.roleAssignments as Array<{ id: string }>) {
      await server().request(
        'DELETE',
        `/v1/environments/${ADMIN_ENV}/applications/${worker.id}/roleAssignments/${assignment.id}`,
      );
    }
    const response = await tokenCall(server(), {
      basic: [worker.id, worker.secret],
      form: { grant_type: 'client_credentials' },
    });
    assert.ok(response.status === 400 || response.status === 401, String(response.status));
    assert.equal(response.body.error, 'unauthorized_client');
    assert.equal(response.body.access_token, undefined);
  });

  it('answers 401 INVALID_TOKEN to an expired token and to a forged one', async () => {
    const token = await server().token(ADMIN_ENV, BOOTSTRAP.clientId, BOOTSTRAP.clientSecret);
    assert.equal((await server().request('GET', '/v1/environments', { token })).status, 200);

    // Forged: same header and claims, signature from another key (flip the signature bytes).
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forgedSignature = Buffer.from(signature, 'base64url').reverse().toString('base64url');
    for (const forged of [
      `${header}.${payload}.${forgedSignature}`,
      // An unsigned token (alg none) with valid-looking claims.
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`,
      'not-a-jwt',
    ]) {
      const refused = await server().request('GET', '/v1/environments', { token: forged });
      assert.equal(refused.status, 401, forged);
      assert.equal(refused.body.code, 'ACCESS_FAILED');
      assert.equal(refused.body.details[0].code, 'INVALID_TOKEN');
    }

    server().clock.advance(3601 * 1000);
    const expired = await server().request('GET', '/v1/environments', { token });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, 'ACCESS_FAILED');
    assert.equal(expired.body.details[0].code, 'INVALID_TOKEN');
    assert.equal(expired.body.details[0].target, 'Authentication Credentials');
    // A fresh token works again.
    const fresh = await server().token(ADMIN_ENV, BOOTSTRAP.clientId, BOOTSTRAP.clientSecret);
    assert.equal((await server().request('GET', '/v1/environments', { token: fresh })).status, 200);
  });

  it('answers GET /as/jwks of an unknown environment without keys of other environments', async () => {
    const response = await server().app.server.inject({
      method: 'GET',
      url: '/0b0b0b0b-0000-4000-8000-00000000dddd/as/jwks',
    });
    assert.ok(response.statusCode === 404 || response.statusCode === 200, String(response.statusCode));
    if (response.statusCode === 200) assert.deepEqual(response.json(), { keys: [] });
  });
});
