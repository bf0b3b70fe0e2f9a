import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStores, type TestServer } from '../support/harness.js';
import {
  createPolicy,
  newEnvironment,
  newUser,
  populationWithPolicy,
  pw,
  STRONG,
  unique,
} from './password-helpers.js';

/**
 * password.check's write paths (issue 11): a match that changes nothing records its activity
 * only; a match after failures clears them; a mismatch counts and locks out. The effective
 * policy is cached between requests, and a policy change is seen by the very next request.
 */

async function activityTypes(server: TestServer, env: string, res: { headers: Record<string, unknown> }) {
  const found = await server.request('POST', `/v1/environments/${env}/activities`, {
    body: { filter: `correlationId eq "${String(res.headers['correlation-id'])}"` },
  });
  assert.equal(found.status, 200, found.text);
  return (found.body._embedded.activities as { action: { type: string }; result: { status: string } }[]).map(
    (a) => `${a.action.type}:${a.result.status}`,
  );
}

const lockoutPolicy = (failureCount: number) => ({
  lockout: { failureCount, durationSeconds: 60 },
});

describeStores('password.check', (server) => {
  it('a match without failures answers OK and records exactly one CHECK_SUCCEEDED, every time', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const p = pw(server(), env, user);
    assert.equal((await p.set(STRONG)).status, 200);
    const before = (await p.get()).body;
    for (let i = 0; i < 3; i += 1) {
      const ok = await p.check(STRONG);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.status, 'OK');
      assert.equal(ok.body.failuresRemaining, undefined);
      assert.deepEqual(await activityTypes(server(), env, ok), ['PASSWORD.CHECK_SUCCEEDED:SUCCESS']);
    }
    // Nothing about the password changed.
    const after = (await p.get()).body;
    assert.equal(after.lastChangedAt, before.lastChangedAt);
    assert.equal(after.status, 'OK');
  });

  it('a match after failures clears them: the next failure counts from one again', async () => {
    const env = await newEnvironment(server());
    const policy = await createPolicy(server(), env, lockoutPolicy(4));
    const population = await populationWithPolicy(server(), env, policy);
    const user = await newUser(server(), env, { population: { id: population } });
    const p = pw(server(), env, user);
    assert.equal((await p.set(STRONG)).status, 200);
    for (const remaining of [3, 2]) {
      const wrong = await p.check('wrong');
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.details[0].innerError.failuresRemaining, remaining);
      assert.deepEqual(await activityTypes(server(), env, wrong), ['PASSWORD.CHECK_FAILED:FAILED']);
    }
    assert.equal((await p.get()).body.failuresRemaining, 2);
    const ok = await p.check(STRONG);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.failuresRemaining, undefined);
    assert.deepEqual(await activityTypes(server(), env, ok), ['PASSWORD.CHECK_SUCCEEDED:SUCCESS']);
    assert.equal((await p.get()).body.failuresRemaining, undefined);
    const again = await p.check('wrong');
    assert.equal(again.body.details[0].innerError.failuresRemaining, 3);
  });

  it('failures lock the password out; the right password is then refused, and counted nowhere', async () => {
    const env = await newEnvironment(server());
    const policy = await createPolicy(server(), env, lockoutPolicy(2));
    const population = await populationWithPolicy(server(), env, policy);
    const user = await newUser(server(), env, { population: { id: population } });
    const p = pw(server(), env, user);
    assert.equal((await p.set(STRONG)).status, 200);
    assert.equal((await p.check('wrong')).body.details[0].innerError.failuresRemaining, 1);
    const locking = await p.check('wrong');
    assert.equal(locking.body.details[0].innerError.failuresRemaining, 0);
    assert.deepEqual((await activityTypes(server(), env, locking)).sort(), [
      'PASSWORD.CHECK_FAILED:FAILED',
      'USER.LOCKED:SUCCESS',
    ]);
    const refused = await p.check(STRONG);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.details[0].code, 'PASSWORD_LOCKED_OUT');
    assert.deepEqual(await activityTypes(server(), env, refused), []);
    assert.equal((await p.get()).body.status, 'PASSWORD_LOCKED_OUT');
  });

  it('sees a population moved to another policy at the next request (the policy cache is dropped)', async () => {
    const env = await newEnvironment(server());
    const strict = await createPolicy(server(), env, lockoutPolicy(2));
    const lenient = await createPolicy(server(), env, lockoutPolicy(6));
    const population = await populationWithPolicy(server(), env, strict);
    const user = await newUser(server(), env, { population: { id: population } });
    const p = pw(server(), env, user);
    assert.equal((await p.set(STRONG)).status, 200);
    assert.equal((await p.get('?expand=passwordPolicy')).body.passwordPolicy.id, strict);
    assert.equal((await p.check('wrong')).body.details[0].innerError.failuresRemaining, 1);
    const moved = await server().request('PUT', `/v1/environments/${env}/populations/${population}`, {
      body: { name: unique('pop'), passwordPolicy: { id: lenient } },
    });
    assert.equal(moved.status, 200, moved.text);
    const state = await p.get('?expand=passwordPolicy');
    assert.equal(state.body.passwordPolicy.id, lenient);
    assert.equal(state.body.failuresRemaining, 5);
    assert.equal((await p.check('wrong')).body.details[0].innerError.failuresRemaining, 4);
    assert.equal((await p.check(STRONG)).body.passwordPolicy.id, lenient);
  });
});
