import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, it } from 'node:test';
import { newSignOnApp, newSignOnUser, startFlow, STRONG, VND } from '../pingone-auth/flows-helpers.js';
import { createEnvironment, createExternalApp, uipathToken } from '../uipath/uipath-helpers.js';
import { describeStores, type TestServer } from '../support/harness.js';

/**
 * Queued password hashing is dropped when the client's connection closes, on every face that
 * hashes for a caller: the UiPath face (create and update with a password), the Flows API
 * (`usernamePassword.check`) and the hosted sign-on page. One hashing slot; the test fills the
 * queue with its own jobs, sends a request over a real socket, waits until that request's job
 * is queued, closes the socket, and checks the job was never computed.
 */
const BLOCKERS = 12;

function sample(text: string, name: string, labels = ''): number {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(prefix.length));
}

async function hashingState(server: TestServer) {
  // Only the hashing metrics (a full scrape also reads backlogs from the store, which on SQLite
  // waits for a transaction that is hashing).
  const registry = server.app.metrics.registry;
  const text = (
    await Promise.all(
      [
        'tessera_password_hash_duration_seconds',
        'tessera_password_hash_queue_depth',
        'tessera_password_hash_active',
      ].map((name) => registry.getSingleMetricAsString(name)),
    )
  ).join('\n');
  const computed =
    sample(text, 'tessera_password_hash_duration_seconds_count', 'operation="hash"') +
    sample(text, 'tessera_password_hash_duration_seconds_count', 'operation="verify"');
  const queued = sample(text, 'tessera_password_hash_queue_depth');
  const active = sample(text, 'tessera_password_hash_active');
  return { computed, queued, active, seen: computed + queued + active };
}

/**
 * Sends a request on a real connection while the hashing slot is kept busy with the test's own
 * jobs (topped up so that some always wait), closes the connection once the request's job is
 * queued behind them, and returns how many jobs were computed in all once the queue drained and
 * how many of them were the test's (equal when the abandoned job was dropped).
 */
async function abandonWhileQueued(
  server: TestServer,
  port: number,
  send: { method: string; path: string; headers: Record<string, string>; body: string },
): Promise<{ computed: number; blockers: number }> {
  const start = await hashingState(server);
  assert.equal(start.queued + start.active, 0, 'the queue is idle before the test');
  const hasher = server.services.passwords.hasher;
  const blockers: Array<Promise<string>> = [];
  const block = (n: number) => {
    for (let i = 0; i < n; i++) blockers.push(hasher.hash(`blocker-${blockers.length}`));
  };
  block(BLOCKERS);
  const client = httpRequest({
    host: '127.0.0.1',
    port,
    method: send.method,
    path: send.path,
    headers: send.headers,
  });
  client.on('error', () => {}); // the test closes it
  client.end(send.body);
  // Wait (without a time limit of its own) until the request's job joined the queue.
  for (;;) {
    const state = await hashingState(server);
    if (state.seen >= start.computed + blockers.length + 1) break;
    if (state.queued < 4) block(4);
    await sleep(5);
  }
  client.destroy();
  await Promise.all(blockers);
  for (;;) {
    const state = await hashingState(server);
    if (state.queued + state.active === 0) {
      return { computed: state.computed - start.computed, blockers: blockers.length };
    }
    await sleep(5);
  }
}

describeStores(
  'hashing for clients that have gone is dropped (UiPath face, flows, hosted page)',
  (server) => {
    let port: number;
    let env: string;
    let token: string;

    before(async () => {
      await server().app.server.listen({ port: 0, host: '127.0.0.1' });
      port = (server().app.server.server.address() as AddressInfo).port;
      env = await createEnvironment(server());
      token = await uipathToken(server(), await createExternalApp(server(), env, ['PM.User']), 'PM.User');
    });

    it('drops the hashing of a UiPath user create whose client went away (no user is created)', async () => {
      const userName = `gone-${Date.now()}`;
      const computed = await abandonWhileQueued(server(), port, {
        method: 'POST',
        path: '/identity_/api/User',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          partitionGlobalId: env,
          userName,
          email: `${userName}@example.com`,
          password: STRONG,
        }),
      });
      assert.equal(computed.computed, computed.blockers);
      const found = await server().request(
        'GET',
        `/v1/environments/${env}/users?filter=username eq "${userName}"`,
      );
      assert.equal(found.status, 200, found.text);
      assert.equal(found.body._embedded.users.length, 0);
    });

    it('drops the password check of a flow whose client went away', async () => {
      const app = await newSignOnApp(server(), env);
      const user = await newSignOnUser(server(), env);
      const flow = await startFlow(server(), env, app);
      const computed = await abandonWhileQueued(server(), port, {
        method: 'POST',
        path: `/${env}/flows/${flow.flow.id}`,
        headers: { 'content-type': `${VND}usernamePassword.check+json` },
        body: JSON.stringify({ username: user.username, password: user.password }),
      });
      assert.equal(computed.computed, computed.blockers);
      const after = await server().request('GET', `/${env}/flows/${flow.flow.id}`, { token: null });
      assert.equal(after.body.status, 'USERNAME_PASSWORD_REQUIRED', after.text);
    });

    it('drops the password check of a hosted-page sign-on whose client went away', async () => {
      const app = await newSignOnApp(server(), env);
      const user = await newSignOnUser(server(), env);
      const flow = await startFlow(server(), env, app);
      const pagePath = `/${env}/signon/?flowId=${flow.flow.id}`;
      const page = await server().app.server.inject({ method: 'GET', url: pagePath });
      assert.equal(page.statusCode, 200, page.body);
      const csrf = /name="csrfToken" value="([^"]+)"/.exec(page.body)?.[1];
      const setCookie = String(page.headers['set-cookie']);
      const binding = /tessera_signon=([^;]+)/.exec(setCookie)?.[1];
      assert.ok(csrf && binding, 'the page gives a CSRF token and its binding cookie');
      const computed = await abandonWhileQueued(server(), port, {
        method: 'POST',
        path: pagePath,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `tessera_signon=${binding}`,
        },
        body: new URLSearchParams({
          action: 'usernamePassword.check',
          csrfToken: csrf,
          username: user.username,
          password: user.password,
        }).toString(),
      });
      assert.equal(computed.computed, computed.blockers);
      const after = await server().request('GET', `/${env}/flows/${flow.flow.id}`, { token: null });
      assert.equal(after.body.status, 'USERNAME_PASSWORD_REQUIRED', after.text);
    });
  },
  {
    // One slot, and a cost high enough that the test's own jobs keep it busy for a while.
    env: { TESSERA_HASH_CONCURRENCY: '1', TESSERA_ARGON2_MEMORY_KIB: '19456', TESSERA_ARGON2_PASSES: '2' },
  },
);
