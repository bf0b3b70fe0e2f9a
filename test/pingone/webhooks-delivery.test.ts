import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';
import { createTestStore, STORES, startTessera, type TestServer } from '../support/harness.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

// The scheduler only runs when a test says so (runOnce), so every attempt is deterministic.
const QUIET = { TESSERA_SCHEDULER_INTERVAL_MS: '3600000' };

async function subscribe(server: TestServer, env: string, url: string) {
  const created = await server.request('POST', `/v1/environments/${env}/subscriptions`, {
    body: {
      name: unique('hook'),
      enabled: true,
      format: 'ACTIVITY',
      verifyTlsCertificates: true,
      httpEndpoint: { url },
      filterOptions: { includedActionTypes: ['USER.CREATED', 'USER.UPDATED', 'USER.DELETED'] },
    },
  });
  assert.equal(created.status, 201, created.text);
  return created.body.id as string;
}

const readSubscription = async (server: TestServer, env: string, id: string) =>
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- the harness's JSON body
  (await server.request('GET', `/v1/environments/${env}/subscriptions/${id}`)).body;

for (const kind of STORES) {
  describe(`webhook delivery through outages and restarts [${kind}]`, () => {
    it('keeps activities while the receiver is down, then delivers all of them once, in order', async () => {
      const receiver = await new WebhookReceiver().start();
      const server = await startTessera(kind, { env: QUIET });
      try {
        const env = await createEnvironment(server);
        const id = await subscribe(server, env, receiver.url);
        const first = await createUser(server, env, { username: unique('a') });
        await server.services.scheduler.runOnce();
        assert.deepEqual(
          receiver.activities().map((a) => a.resources[0]!.id),
          [first.id],
        );

        await receiver.stop();
        const expected: string[] = [];
        for (let i = 0; i < 3; i++)
          expected.push((await createUser(server, env, { username: unique('b') })).id);
        await server.services.scheduler.runOnce();
        let state = await readSubscription(server, env, id);
        assert.equal(state.deliveryStatus.lastStatus, 'FAILED');
        assert.match(state.deliveryStatus.lastError, /could not be reached/);
        assert.equal(state.deliveryStatus.failedAttempts, 1);
        assert.equal(state.deliveryStatus.pending, 3);
        assert.ok(state.deliveryStatus.lastAttemptAt);

        // A receiver answering an error keeps them queued as well (and counts another failure).
        await receiver.start();
        receiver.status = 503;
        server.clock.advance(60_000);
        await server.services.scheduler.runOnce();
        state = await readSubscription(server, env, id);
        assert.equal(state.deliveryStatus.failedAttempts, 2);
        assert.match(state.deliveryStatus.lastError, /HTTP 503/);
        // While backing off, nothing is attempted.
        await server.services.scheduler.runOnce();
        assert.equal((await readSubscription(server, env, id)).deliveryStatus.failedAttempts, 2);

        receiver.status = 200;
        const updated = await server.request('PATCH', `/v1/environments/${env}/users/${first.id}`, {
          body: { nickname: 'late' },
        });
        assert.equal(updated.status, 200, updated.text);
        server.clock.advance(60_000);
        await server.services.scheduler.runOnce();
        assert.deepEqual(
          receiver.activities().map((a) => `${a.action.type} ${a.resources[0]!.id}`),
          [
            `USER.CREATED ${first.id}`,
            ...expected.map((u) => `USER.CREATED ${u}`),
            `USER.UPDATED ${first.id}`,
          ],
        );
        state = await readSubscription(server, env, id);
        assert.equal(state.deliveryStatus.lastStatus, 'SUCCESS');
        assert.equal(state.deliveryStatus.failedAttempts, 0);
        assert.equal(state.deliveryStatus.pending, 0);
        assert.equal(state.deliveryStatus.lastError, undefined);
        // Delivered rows are gone: another pass sends nothing again.
        const count = receiver.received.length;
        await server.services.scheduler.runOnce();
        assert.equal(receiver.received.length, count);
      } finally {
        await server.close();
        await receiver.stop();
      }
    });

    it('holds deliveries of a disabled subscription and sends them when it is enabled again', async () => {
      const receiver = await new WebhookReceiver().start();
      const server = await startTessera(kind, { env: QUIET });
      try {
        const env = await createEnvironment(server);
        const id = await subscribe(server, env, receiver.url);
        const path = `/v1/environments/${env}/subscriptions/${id}`;
        const current = await readSubscription(server, env, id);
        const body = { ...current, enabled: false };
        delete body._links;
        assert.equal((await server.request('PUT', path, { body })).status, 200);
        const user = await createUser(server, env, { username: unique('held') });
        await server.services.scheduler.runOnce();
        assert.equal(receiver.received.length, 0);
        assert.equal((await readSubscription(server, env, id)).deliveryStatus.pending, 1);
        assert.equal((await server.request('PUT', path, { body: { ...body, enabled: true } })).status, 200);
        await server.services.scheduler.runOnce();
        assert.deepEqual(
          receiver.activities().map((a) => a.resources[0]!.id),
          [user.id],
        );
      } finally {
        await server.close();
        await receiver.stop();
      }
    });

    it('delivers after a restart what was accepted before it', async () => {
      const receiver = await new WebhookReceiver().start();
      const store = await createTestStore(kind);
      let first: TestServer | undefined;
      let second: TestServer | undefined;
      try {
        first = await startTessera(kind, { store, env: QUIET });
        const env = await createEnvironment(first);
        await subscribe(first, env, receiver.url);
        const users: string[] = [];
        for (let i = 0; i < 2; i++) users.push((await createUser(first, env, { username: unique('r') })).id);
        await first.close();
        first = undefined;
        assert.equal(receiver.received.length, 0, 'nothing was sent before the restart');

        second = await startTessera(kind, { store, env: QUIET });
        await second.services.scheduler.runOnce();
        assert.deepEqual(
          receiver.activities().map((a) => a.resources[0]!.id),
          users,
        );
      } finally {
        await first?.close();
        await second?.close();
        await store.drop();
        await receiver.stop();
      }
    });
  });
}
