import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { newEnvironment, newUser, pw, STRONG, STRONG2 } from '../pingone/password-helpers.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

interface MailboxMessage {
  template: string;
  to: string;
  locale: string;
  code?: string;
  body: string;
  status: string;
  user?: { id: string };
}

async function mailbox(server: TestServer, env: string, query = '') {
  const res = await server.request<{ messages: MailboxMessage[]; size: number }>(
    'GET',
    `/tessera/testing/environments/${env}/messages${query}`,
  );
  assert.equal(res.status, 200, res.text);
  return res.body.messages;
}

async function emailOf(server: TestServer, env: string, user: string): Promise<string> {
  return (await server.request('GET', `/v1/environments/${env}/users/${user}`)).body.email as string;
}

const moveClock = (server: TestServer, body: unknown) =>
  server.request('POST', '/tessera/testing/clock', { body });

it('TESSERA_TEST_MODE turns test mode on; TESSERA_TEST_MAILBOX is its alias; off by default', () => {
  assert.equal(loadConfig({}).testMode, false);
  assert.equal(loadConfig({ TESSERA_TEST_MODE: 'true' }).testMode, true);
  assert.equal(loadConfig({ TESSERA_TEST_MAILBOX: '1' }).testMode, true);
  assert.equal(loadConfig({ TESSERA_TEST_MODE: 'false', TESSERA_TEST_MAILBOX: 'true' }).testMode, false);
  assert.throws(() => loadConfig({ TESSERA_TEST_MODE: 'maybe' }), /TESSERA_TEST_MODE/);
});

describeStores(
  'test mode',
  (server) => {
    it('lists a recovery message at once, with the code as a field; filters by recipient; DELETE clears', async () => {
      const env = await newEnvironment(server());
      const [a, b] = [await newUser(server(), env), await newUser(server(), env)];
      for (const user of [a, b]) {
        await pw(server(), env, user).set(STRONG);
        const sent = await pw(server(), env, user).post('password.sendRecoveryCode+json');
        assert.equal(sent.status, 200, sent.text);
      }
      const emailA = await emailOf(server(), env, a);
      const forA = await mailbox(server(), env, `?to=${encodeURIComponent(emailA)}`);
      assert.equal(forA.length, 1);
      const [message] = forA;
      assert.equal(message?.template, 'recovery_code_template');
      assert.equal(message?.to, emailA);
      assert.equal(message?.locale, 'en');
      assert.equal(message?.user?.id, a);
      // Not yet delivered (the scheduler is idle in this suite), yet listed with its code.
      assert.equal(message?.status, 'QUEUED');
      assert.match(message?.code ?? '', /^[A-Z0-9]{8}$/);
      assert.ok(message?.body.includes(message.code ?? '?'));
      const recovered = await pw(server(), env, a).post('password.recover+json', {
        recoveryCode: message?.code,
        newPassword: STRONG2,
      });
      assert.equal(recovered.status, 200, recovered.text);

      assert.equal((await mailbox(server(), env)).length, 2);
      const cleared = await server().request(
        'DELETE',
        `/tessera/testing/environments/${env}/messages?to=${encodeURIComponent(emailA)}`,
      );
      assert.equal(cleared.status, 204, cleared.text);
      const left = await mailbox(server(), env);
      assert.deepEqual(
        left.map((m) => m.to),
        [await emailOf(server(), env, b)],
      );
      assert.equal(
        (await server().request('DELETE', `/tessera/testing/environments/${env}/messages`)).status,
        204,
      );
      assert.deepEqual(await mailbox(server(), env), []);
      const anonymous = await server().request('DELETE', `/tessera/testing/environments/${env}/messages`, {
        token: null,
      });
      assert.equal(anonymous.status, 401);
    });

    it('moves the clock: lockouts end, recovery codes expire, and the scheduler runs at the new time', async () => {
      const initial = await server().request('GET', '/tessera/testing/clock');
      assert.equal(initial.status, 200, initial.text);
      const startOffset = initial.body.offsetSeconds as number;

      const env = await newEnvironment(server());
      const user = await newUser(server(), env);
      const p = pw(server(), env, user);
      await p.set(STRONG);
      await p.post('password.sendRecoveryCode+json');
      const [message] = await mailbox(server(), env);
      assert.equal(message?.status, 'QUEUED');
      for (let i = 0; i < 5; i += 1) assert.equal((await p.check('wrong')).status, 400);
      const locked = await p.check(STRONG);
      assert.equal(locked.body.details[0].code, 'PASSWORD_LOCKED_OUT');

      const moved = await moveClock(server(), { advanceSeconds: 901 });
      assert.equal(moved.status, 200, moved.text);
      assert.equal(moved.body.offsetSeconds, startOffset + 901);
      assert.equal(Date.parse(moved.body.now as string), server().clock.now() + (startOffset + 901) * 1000);
      assert.equal((await p.check(STRONG)).status, 200);
      // The recovery code lived 5 minutes.
      const expired = await p.post('password.recover+json', {
        recoveryCode: message?.code,
        newPassword: STRONG2,
      });
      assert.equal(expired.status, 400);
      assert.equal(expired.body.details[0].target, 'recoveryCode');
      // The outbox pass ran before the clock answer (the background scheduler is idle here).
      const [after] = await mailbox(server(), env);
      assert.equal(after?.status, 'SENT');

      const read = await server().request('GET', '/tessera/testing/clock');
      assert.equal(read.body.offsetSeconds, startOffset + 901);
      const target = Date.parse('2031-01-01T00:00:00.000Z');
      const absolute = await moveClock(server(), { at: new Date(target).toISOString() });
      assert.equal(absolute.status, 200, absolute.text);
      assert.equal(Date.parse(absolute.body.now as string), target);
      Object.assign(server(), { adminTokenCache: undefined });
      const back = await moveClock(server(), { at: new Date(server().clock.now()).toISOString() });
      assert.equal(back.body.offsetSeconds, 0);
    });

    it('reset puts the store back as it was at start and clears the clock offset', async () => {
      const env = await newEnvironment(server());
      const user = await newUser(server(), env);
      const admin = BOOTSTRAP.environmentId;
      const population = await server().request('POST', `/v1/environments/${admin}/populations`, {
        body: { name: 'made-after-start' },
      });
      assert.equal(population.status, 201, population.text);
      await moveClock(server(), { advanceSeconds: 120 });
      Object.assign(server(), { adminTokenCache: undefined });

      const reset = await server().request('POST', '/tessera/testing/reset');
      assert.equal(reset.status, 204, reset.text);
      assert.equal((await server().request('GET', `/v1/environments/${env}`)).status, 404);
      assert.equal((await server().request('GET', `/v1/environments/${env}/users/${user}`)).status, 404);
      const populations = await server().request('GET', `/v1/environments/${admin}/populations`);
      assert.equal(populations.status, 200, populations.text);
      assert.ok(
        !(populations.body._embedded.populations as Array<{ name: string }>).some(
          (p) => p.name === 'made-after-start',
        ),
      );
      assert.equal((await server().request('GET', '/tessera/testing/clock')).body.offsetSeconds, 0);
      // The bootstrap worker still gets tokens, and the store works as before.
      Object.assign(server(), { adminTokenCache: undefined });
      assert.ok(await newEnvironment(server()));
    });

    it('rejects a bad clock move and callers without the right', async () => {
      for (const body of [{}, { advanceSeconds: 1, at: '2030-01-01T00:00:00Z' }, { advanceSeconds: 1e12 }]) {
        const res = await moveClock(server(), body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.code, 'INVALID_DATA');
      }
      assert.equal((await moveClock(server(), { advanceSeconds: 'soon' })).status, 400);
      const anonymous = await server().request('GET', '/tessera/testing/clock', { token: null });
      assert.equal(anonymous.status, 401);
    });
  },
  { env: { TESSERA_TEST_MODE: 'true', TESSERA_SCHEDULER_INTERVAL_MS: '3600000' } },
);

describeStores('without test mode', (server) => {
  it('has no testing routes', async () => {
    assert.equal((await server().request('GET', '/tessera/testing/clock')).status, 404);
    assert.equal((await moveClock(server(), { advanceSeconds: 60 })).status, 404);
  });
});
