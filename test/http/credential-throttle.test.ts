import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { createWorker } from '../support/fixtures.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

const PINGONE_TOKEN = `/${BOOTSTRAP.environmentId}/as/token`;
const UIPATH_TOKEN = '/identity_/connect/token';

/** A worker that may get a token on both faces: a role for PingOne, a PM scope for UiPath. */
async function twoFacedClient(server: TestServer): Promise<{ id: string; secret: string }> {
  const worker = await createWorker(server, BOOTSTRAP.environmentId, { scopes: ['PM.User.Read'] });
  const assigned = await server.request(
    'POST',
    `/v1/environments/${BOOTSTRAP.environmentId}/applications/${worker.id}/roleAssignments`,
    {
      body: {
        role: { id: ROLE_IDS.identityDataReadOnly },
        scope: { type: 'ENVIRONMENT', id: BOOTSTRAP.environmentId },
      },
    },
  );
  assert.equal(assigned.status, 201, assigned.text);
  return worker;
}

async function tokenAttempt(
  server: TestServer,
  url: string,
  client: { id: string; secret: string },
  remoteAddress: string,
) {
  // PingOne workers default to client_secret_basic; UiPath clients post their credentials.
  const basic = url === PINGONE_TOKEN;
  const response = await server.app.server.inject({
    method: 'POST',
    url,
    remoteAddress,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic
        ? { authorization: 'Basic ' + Buffer.from(`${client.id}:${client.secret}`).toString('base64') }
        : {}),
    },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      ...(basic ? {} : { client_id: client.id, client_secret: client.secret }),
    }).toString(),
  });
  return {
    status: response.statusCode,
    retryAfter: response.headers['retry-after'],
    body: JSON.parse(response.body) as { error: string; error_description?: string; access_token?: string },
  };
}

/** 30 wrong secrets in a burst from one address: 401 until the budget is spent, then 429 only. */
async function burst(server: TestServer, url: string, clientId: string, address: string) {
  const statuses: number[] = [];
  let limited: Awaited<ReturnType<typeof tokenAttempt>> | undefined;
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const response = await tokenAttempt(server, url, { id: clientId, secret: `wrong-${attempt}` }, address);
    statuses.push(response.status);
    if (response.status === 429) limited ??= response;
  }
  const firstLimited = statuses.indexOf(429);
  assert.ok(firstLimited > 0, statuses.join(','));
  assert.deepEqual(new Set(statuses.slice(0, firstLimited)), new Set([401]), statuses.join(','));
  assert.deepEqual(new Set(statuses.slice(firstLimited)), new Set([429]), statuses.join(','));
  assert.ok(limited);
  const retryAfter = Number(limited.retryAfter);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, String(limited.retryAfter));
  assert.equal(limited.body.error, 'too_many_requests');
  return { limited, retryAfter };
}

describeStores('credential throttling at the token endpoints', (server) => {
  it('answers 429 with Retry-After on the PingOne face, without locking out the client elsewhere', async () => {
    const client = await twoFacedClient(server());
    const { limited, retryAfter } = await burst(server(), PINGONE_TOKEN, client.id, '10.1.0.1');
    assert.match(limited.body.error_description ?? '', /\(Correlation ID: [0-9a-f-]+\)$/);
    // The attacker's address is blocked even with the right secret; another address is not.
    assert.equal((await tokenAttempt(server(), PINGONE_TOKEN, client, '10.1.0.1')).status, 429);
    const elsewhere = await tokenAttempt(server(), PINGONE_TOKEN, client, '10.1.0.2');
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
    assert.equal(typeof elsewhere.body.access_token, 'string');
    // The block lapses with time.
    server().clock.advance(retryAfter * 1000);
    assert.equal((await tokenAttempt(server(), PINGONE_TOKEN, client, '10.1.0.1')).status, 200);
  });

  it("answers 429 with Retry-After in UiPath's format, without locking out the client elsewhere", async () => {
    const client = await twoFacedClient(server());
    const { limited } = await burst(server(), UIPATH_TOKEN, client.id, '10.2.0.1');
    // IdentityServer's wording: no correlation suffix, nothing of the request echoed.
    assert.deepEqual(Object.keys(limited.body).sort(), ['error', 'error_description']);
    assert.doesNotMatch(limited.body.error_description ?? '', /Correlation|wrong-/);
    assert.equal((await tokenAttempt(server(), UIPATH_TOKEN, client, '10.2.0.1')).status, 429);
    const elsewhere = await tokenAttempt(server(), UIPATH_TOKEN, client, '10.2.0.2');
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
  });

  it('counts failures on one face against the other, per address', async () => {
    const client = await twoFacedClient(server());
    const wrong = { id: client.id, secret: 'wrong' };
    for (let attempt = 0; attempt < 5; attempt += 1) {
      assert.equal((await tokenAttempt(server(), PINGONE_TOKEN, wrong, '10.3.0.1')).status, 401);
      assert.equal((await tokenAttempt(server(), UIPATH_TOKEN, wrong, '10.3.0.1')).status, 401);
    }
    assert.equal((await tokenAttempt(server(), UIPATH_TOKEN, client, '10.3.0.1')).status, 429);
    assert.equal((await tokenAttempt(server(), PINGONE_TOKEN, client, '10.3.0.1')).status, 429);
  });

  it('gives a client one looser budget across faces and addresses', async () => {
    const client = await twoFacedClient(server());
    const wrong = { id: client.id, secret: 'wrong' };
    // 50 failures (the per-client default) from 10 addresses, 5 each, half on each face.
    for (let address = 0; address < 10; address += 1) {
      const url = address % 2 === 0 ? PINGONE_TOKEN : UIPATH_TOKEN;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const response = await tokenAttempt(server(), url, wrong, `10.4.0.${address}`);
        assert.equal(response.status, 401, JSON.stringify(response.body));
      }
    }
    const pingOne = await tokenAttempt(server(), PINGONE_TOKEN, client, '10.4.1.1');
    assert.equal(pingOne.status, 429);
    assert.equal((await tokenAttempt(server(), UIPATH_TOKEN, client, '10.4.1.1')).status, 429);
    // Another client from the same addresses is not affected.
    const other = await twoFacedClient(server());
    assert.equal((await tokenAttempt(server(), UIPATH_TOKEN, other, '10.4.0.1')).status, 200);
    server().clock.advance(Number(pingOne.retryAfter) * 1000);
    assert.equal((await tokenAttempt(server(), PINGONE_TOKEN, client, '10.4.1.1')).status, 200);
  });
});
