import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { backoffMs } from '../../src/core/notifications/delivery.js';
import { createTestStore, STORES, startTessera, type TestServer } from '../support/harness.js';
import { TestSmtpServer } from '../support/smtp.js';

const QUIET = { TESSERA_SCHEDULER_INTERVAL_MS: '3600000' };
const LICENSE = { id: '11111111-1111-4111-8111-111111111111' };

async function fixture(server: TestServer, name: string) {
  const env = await server.request('POST', '/v1/environments', {
    body: { name, type: 'SANDBOX', region: 'NA', license: LICENSE },
  });
  assert.equal(env.status, 201, env.text);
  const envId = env.body.id as string;
  const type = await server.request('POST', `/v1/environments/${envId}/credentialTypes`, {
    body: {
      title: 'Badge',
      management: { mode: 'MANAGED' },
      metadata: { fields: [{ id: 'f', title: 'Level', type: 'Alphanumeric Text' }] },
    },
  });
  assert.equal(type.status, 201, type.text);
  const environment = await server.services.environments.require(envId);
  const user = await server.services.store.transaction((trx) =>
    server.services.users.insertWithin(trx, environment, { username: 'olga', email: 'olga@example.test' }),
  );
  return {
    envId,
    typeId: type.body.id as string,
    userId: user.id,
    base: `/v1/environments/${envId}/users/${user.id}/credentials`,
  };
}

const outboxRows = (server: TestServer, envId: string) =>
  server.services.store.db
    .selectFrom('notification_outbox')
    .selectAll()
    .where('environment_id', '=', envId)
    .orderBy('id')
    .execute();

for (const kind of STORES) {
  describe(`notification outbox and expiry across restarts [${kind}]`, () => {
    it('keeps a message through an SMTP outage and a restart, then delivers it once', async () => {
      const store = await createTestStore(kind);
      const smtp = await new TestSmtpServer().start(0);
      await smtp.stop(); // the SMTP server is down; its port is remembered for the restart
      let first: TestServer | undefined;
      let second: TestServer | undefined;
      try {
        first = await startTessera(kind, { store, env: QUIET });
        const f = await fixture(first, 'Outage Env');
        await first.request(
          'PUT',
          `/v1/environments/${f.envId}/notificationsSettings/emailDeliverySettings`,
          { body: smtp.settings() },
        );
        const created = await first.request('POST', f.base, {
          body: {
            credentialType: { id: f.typeId },
            data: { Level: '1' },
            notification: { methods: ['EMAIL'] },
          },
        });
        assert.equal(created.status, 201, created.text);
        assert.equal(created.body.notification.results[0].sent, true);

        await first.services.scheduler.runOnce();
        let [row] = await outboxRows(first, f.envId);
        assert.equal(row!.status, 'QUEUED');
        assert.equal(row!.attempts, 1);
        assert.match(row!.last_error!, /SMTP delivery failed/);
        assert.ok(!row!.last_error!.includes(smtp.password));
        // Not due yet: backoff holds the retry.
        await first.services.scheduler.runOnce();
        [row] = await outboxRows(first, f.envId);
        assert.equal(row!.attempts, 1);
        const now = first.clock.now();
        await first.close();
        first = undefined;

        await smtp.start();
        second = await startTessera(kind, { store, env: QUIET, clock: new ManualClock(now + backoffMs(1)) });
        await second.services.scheduler.runOnce();
        assert.equal(smtp.received.length, 1);
        assert.equal(smtp.received[0]!.parsed.subject, 'Your Badge credential was issued');
        [row] = await outboxRows(second, f.envId);
        assert.equal(row!.status, 'SENT');
        assert.equal(row!.attempts, 2);
        second.clock.advance(3_600_000);
        await second.services.scheduler.runOnce();
        assert.equal(smtp.received.length, 1, 'delivered exactly once');
      } finally {
        await first?.close();
        await second?.close();
        await smtp.stop();
        await store.drop();
      }
    });

    it('revokes an expired credential after a restart and shows the message in the test mailbox', async () => {
      const store = await createTestStore(kind);
      let first: TestServer | undefined;
      let second: TestServer | undefined;
      try {
        first = await startTessera(kind, { store, env: { ...QUIET, TESSERA_TEST_MAILBOX: 'true' } });
        const f = await fixture(first, 'Expiry Restart Env');
        const expiresAt = new Date(first.clock.now() + 10_000).toISOString();
        const created = await first.request('POST', f.base, {
          body: {
            credentialType: { id: f.typeId },
            data: { Level: '2' },
            expiresAt,
            notification: { methods: ['EMAIL'] },
          },
        });
        assert.equal(created.status, 201, created.text);
        const now = first.clock.now();
        await first.close();
        first = undefined;

        second = await startTessera(kind, {
          store,
          env: { ...QUIET, TESSERA_TEST_MAILBOX: 'true' },
          clock: new ManualClock(now + 10_000),
        });
        const read = await second.request('GET', `${f.base}/${created.body.id}`);
        assert.equal(read.body.status, 'REVOKED', 'reads as REVOKED at once');
        await second.services.scheduler.runOnce();
        const row = await second.services.store.db
          .selectFrom('user_credentials')
          .select('status')
          .where('id', '=', created.body.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.status, 'REVOKED');

        const mailbox = await second.request('GET', `/tessera/testing/environments/${f.envId}/messages`);
        assert.equal(mailbox.status, 200, mailbox.text);
        const templates = mailbox.body.messages.map((m: { template: string }) => m.template).sort();
        assert.deepEqual(templates, ['credential_issued', 'credential_revoked']);
        const revoked = mailbox.body.messages.find(
          (m: { template: string }) => m.template === 'credential_revoked',
        );
        assert.equal(revoked.status, 'SENT');
        assert.equal(revoked.transport, 'TEST_MAILBOX');
        assert.equal(revoked.to, 'olga@example.test');
        assert.match(revoked.body, /Your Badge credential was revoked/);
        const anonymous = await second.request('GET', `/tessera/testing/environments/${f.envId}/messages`, {
          token: null,
        });
        assert.equal(anonymous.status, 401);
        await second.services.scheduler.runOnce();
        assert.equal((await outboxRows(second, f.envId)).length, 2, 'the expiry was processed once');
      } finally {
        await first?.close();
        await second?.close();
        await store.drop();
      }
    });

    it('has no test mailbox unless configured', async () => {
      const server = await startTessera(kind, { env: QUIET });
      try {
        const response = await server.request(
          'GET',
          `/tessera/testing/environments/${server.app.bootstrap.environmentId ?? 'x'}/messages`,
        );
        assert.equal(response.status, 404);
      } finally {
        await server.close();
      }
    });
  });
}

if (STORES.includes('postgres')) {
  describe('two Tessera processes on one PostgreSQL schema', () => {
    const smtp = new TestSmtpServer();
    before(async () => {
      await smtp.start(0);
    });
    after(async () => {
      await smtp.stop();
    });

    it('processes each expiry and sends each message exactly once', async () => {
      const store = await createTestStore('postgres');
      const clock = new ManualClock();
      const a = await startTessera('postgres', { store, clock, env: QUIET });
      const b = await startTessera('postgres', { store, clock, env: QUIET });
      try {
        const f = await fixture(a, 'Two Processes Env');
        await a.request('PUT', `/v1/environments/${f.envId}/notificationsSettings/emailDeliverySettings`, {
          body: smtp.settings(),
        });
        const expiresAt = new Date(clock.now() + 1_000).toISOString();
        const ids: string[] = [];
        for (let i = 0; i < 6; i += 1) {
          const created = await a.request('POST', f.base, {
            body: {
              credentialType: { id: f.typeId },
              data: { Level: String(i) },
              expiresAt,
              notification: { methods: ['EMAIL'] },
            },
          });
          assert.equal(created.status, 201, created.text);
          ids.push(created.body.id);
        }
        clock.advance(1_000);
        await Promise.all([
          a.services.scheduler.runOnce(),
          b.services.scheduler.runOnce(),
          a.services.scheduler.runOnce(),
          b.services.scheduler.runOnce(),
        ]);
        await Promise.all([a.services.scheduler.runOnce(), b.services.scheduler.runOnce()]);
        const rows = await outboxRows(a, f.envId);
        assert.equal(
          rows.filter((r) => r.template === 'credential_revoked').length,
          6,
          'one revocation message per expiry',
        );
        assert.equal(rows.filter((r) => r.status === 'SENT').length, 12);
        assert.equal(smtp.received.length, 12, 'every message delivered exactly once');
        const revoked = await a.services.store.db
          .selectFrom('user_credentials')
          .select('status')
          .where('id', 'in', ids)
          .execute();
        assert.ok(revoked.every((r) => r.status === 'REVOKED'));
      } finally {
        await a.close();
        await b.close();
        await store.drop();
      }
    });
  });
}
