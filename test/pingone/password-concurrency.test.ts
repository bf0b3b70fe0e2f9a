import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStores, describeTwoPostgresServers, type TestServer } from '../support/harness.js';
import { newEnvironment, newUser, pw, STRONG } from './password-helpers.js';

/** Fires `count` wrong checks at once (spread over the servers) and tallies the answers. */
async function wrongChecksInParallel(servers: TestServer[], env: string, user: string, count: number) {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) => pw(servers[i % servers.length]!, env, user).check(`wrong-${i}`)),
  );
  const mismatches = answers.filter(
    (a) => a.status === 400 && a.body.details[0].code === 'INVALID_VALUE',
  ).length;
  const locked = answers.filter(
    (a) => a.status === 400 && a.body.details[0].code === 'PASSWORD_LOCKED_OUT',
  ).length;
  assert.equal(mismatches + locked, count, answers.map((a) => a.text).join('\n'));
  return { mismatches, locked };
}

describeStores('password concurrency', (server) => {
  it('parallel wrong checks never let more than failureCount failures through before the lock', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    await pw(server(), env, user).set(STRONG);
    const { mismatches, locked } = await wrongChecksInParallel([server()], env, user, 20);
    assert.equal(mismatches, 5); // Standard: lockout.failureCount 5
    assert.equal(locked, 15);
    assert.equal((await pw(server(), env, user).get()).body.status, 'PASSWORD_LOCKED_OUT');
    assert.equal((await pw(server(), env, user).check(STRONG)).status, 400);
  });

  it('parallel password changes each land in one transaction and keep every history entry', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const p = pw(server(), env, user);
    await p.set('Initial#Pass0');
    const values = Array.from({ length: 5 }, (_, i) => `Parallel#Pass${i + 1}x`);
    const answers = await Promise.all(values.map((value) => p.set(value)));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200],
    );
    const history = await server()
      .services.store.db.selectFrom('user_password_history')
      .select('hash')
      .where('user_id', '=', user)
      .execute();
    assert.equal(history.length, 5);
    const matches = await Promise.all(values.map(async (value) => (await p.check(value)).status === 200));
    assert.equal(matches.filter(Boolean).length, 1);
  });
});

describeTwoPostgresServers(
  'password concurrency across two Tessera servers on one PostgreSQL schema',
  (servers) => {
    it('never lets more than failureCount failures through', async () => {
      const [a, b] = servers();
      const env = await newEnvironment(a);
      const user = await newUser(a, env);
      await pw(a, env, user).set(STRONG);
      const { mismatches } = await wrongChecksInParallel([a, b], env, user, 24);
      assert.equal(mismatches, 5);
      assert.equal((await pw(b, env, user).get()).body.status, 'PASSWORD_LOCKED_OUT');
      assert.equal((await pw(a, env, user).check(STRONG)).status, 400);
    });
  },
);
