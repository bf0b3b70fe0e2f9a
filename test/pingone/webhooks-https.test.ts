import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';
import { STORES, startTessera, type TestServer } from '../support/harness.js';
import { selfSignedCertificate, WebhookReceiver } from '../support/webhook-receiver.js';

// The scheduler only runs when a test says so (runOnce), so every attempt is deterministic.
const QUIET = { TESSERA_SCHEDULER_INTERVAL_MS: '3600000' };

const subscriptionPath = (env: string, id: string) => `/v1/environments/${env}/subscriptions/${id}`;

const readSubscription = async (server: TestServer, env: string, id: string) =>
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- the harness's JSON body
  (await server.request('GET', subscriptionPath(env, id))).body;

for (const kind of STORES) {
  describe(`webhook delivery to an HTTPS receiver with a self-signed certificate [${kind}]`, () => {
    it('verifyTlsCertificates true fails visibly and keeps the activity; false then delivers it', async () => {
      const receiver = await new WebhookReceiver(selfSignedCertificate()).start();
      assert.match(receiver.url, /^https:\/\/127\.0\.0\.1:/);
      const server = await startTessera(kind, { env: QUIET });
      try {
        const env = await createEnvironment(server);
        const created = await server.request('POST', `/v1/environments/${env}/subscriptions`, {
          body: {
            name: unique('tls-hook'),
            enabled: true,
            format: 'ACTIVITY',
            verifyTlsCertificates: true,
            httpEndpoint: { url: receiver.url },
            filterOptions: { includedActionTypes: ['USER.CREATED'] },
          },
        });
        assert.equal(created.status, 201, created.text);
        const id = created.body.id as string;
        const user = await createUser(server, env, { username: unique('tls') });

        await server.services.scheduler.runOnce();
        assert.equal(receiver.received.length, 0, 'a self-signed certificate is not trusted');
        let state = await readSubscription(server, env, id);
        assert.equal(state.deliveryStatus.lastStatus, 'FAILED');
        assert.match(state.deliveryStatus.lastError, /TLS certificate was not accepted/);
        assert.equal(state.deliveryStatus.pending, 1, 'nothing is lost');

        const body = { ...state, verifyTlsCertificates: false };
        delete body._links;
        delete body.deliveryStatus;
        const replaced = await server.request('PUT', subscriptionPath(env, id), { body });
        assert.equal(replaced.status, 200, replaced.text);
        assert.equal(replaced.body.verifyTlsCertificates, false);
        server.clock.advance(60_000);
        await server.services.scheduler.runOnce();
        assert.deepEqual(
          receiver.activities().map((a) => `${a.action.type} ${a.resources[0]!.id}`),
          [`USER.CREATED ${user.id}`],
        );
        state = await readSubscription(server, env, id);
        assert.equal(state.deliveryStatus.lastStatus, 'SUCCESS');
        assert.equal(state.deliveryStatus.pending, 0);
      } finally {
        await server.close();
        await receiver.stop();
      }
    });
  });
}
