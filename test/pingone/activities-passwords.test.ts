import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';
import { newEnvironment, newUser, pw, STRONG, STRONG2 } from './password-helpers.js';

interface ActivityWire {
  correlationId?: string;
  actors: { client?: { id: string } };
  action: { type: string };
  resources: Array<{ type: string; id: string }>;
  result: { status: string };
}

async function typesFor(server: TestServer, env: string, res: { headers: Record<string, unknown> }) {
  const correlationId = String(res.headers['correlation-id']);
  const found = await server.request('POST', `/v1/environments/${env}/activities`, {
    body: { filter: `correlationId eq "${correlationId}"` },
  });
  assert.equal(found.status, 200, found.text);
  const list = found.body._embedded.activities as ActivityWire[];
  for (const activity of list) {
    assert.equal(activity.correlationId, correlationId);
    assert.equal(activity.actors.client?.id, BOOTSTRAP.clientId);
  }
  return list;
}

const types = async (server: TestServer, env: string, res: { headers: Record<string, unknown> }) =>
  (await typesFor(server, env, res)).map((a) => `${a.action.type}:${a.result.status}`);

describeStores('audit activities of password events', (server) => {
  it('records set, check, force change and reset about the user, in the same request', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const p = pw(server(), env, user);
    const set = await p.set(STRONG);
    assert.equal(set.status, 200, set.text);
    const [setActivity] = await typesFor(server(), env, set);
    assert.equal(setActivity?.action.type, 'PASSWORD.SET');
    assert.deepEqual(
      setActivity?.resources.map((r) => [r.type, r.id]),
      [['USER', user]],
    );
    assert.deepEqual(await types(server(), env, await p.check(STRONG)), ['PASSWORD.CHECK_SUCCEEDED:SUCCESS']);
    assert.deepEqual(await types(server(), env, await p.check('wrong')), ['PASSWORD.CHECK_FAILED:FAILED']);
    const forced = await p.post('password.forceChange');
    assert.equal(forced.status, 200, forced.text);
    assert.deepEqual(await types(server(), env, forced), ['PASSWORD.FORCE_CHANGE:SUCCESS']);
    const changed = await p.put('password.reset+json', { currentPassword: STRONG, newPassword: STRONG2 });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(await types(server(), env, changed), ['PASSWORD.RESET:SUCCESS']);
    const temporary = await p.put('password.reset+json', { newPassword: 'temporary-1' });
    assert.equal(temporary.status, 200, temporary.text);
    assert.deepEqual(await types(server(), env, temporary), ['PASSWORD.RESET:SUCCESS']);
  });

  it('records the lockout as USER.LOCKED with the failed check, and the unlock', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const p = pw(server(), env, user);
    await p.set(STRONG);
    for (let i = 0; i < 4; i += 1) assert.equal((await p.check('wrong')).status, 400);
    const fifth = await p.check('wrong');
    assert.equal(fifth.status, 400);
    assert.deepEqual(await types(server(), env, fifth), [
      'PASSWORD.CHECK_FAILED:FAILED',
      'USER.LOCKED:SUCCESS',
    ]);
    // Refused while locked out: nothing changed, nothing recorded.
    const refused = await p.check(STRONG);
    assert.equal(refused.status, 400);
    assert.deepEqual(await types(server(), env, refused), []);
    const unlocked = await p.post('password.unlock');
    assert.equal(unlocked.status, 200, unlocked.text);
    assert.deepEqual(await types(server(), env, unlocked), [
      'PASSWORD.UNLOCKED:SUCCESS',
      'USER.UNLOCKED:SUCCESS',
    ]);
  });

  it('never stores a password value in an activity', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const p = pw(server(), env, user);
    const values = [STRONG, STRONG2, 'Wrong-Guess-12345'];
    await p.set(STRONG);
    await p.check(values[2]!);
    const reset = await p.put('password.reset+json', { newPassword: STRONG2 });
    assert.equal(reset.status, 200, reset.text);
    const stored = await server()
      .services.store.db.selectFrom('activities')
      .select('document')
      .where('environment_id', '=', env)
      .execute();
    assert.ok(stored.length >= 4, `activities recorded: ${stored.length}`);
    for (const row of stored)
      for (const value of values) assert.ok(!row.document.includes(value), 'no password value stored');
    const hashes = await server()
      .services.store.db.selectFrom('activities')
      .select('document')
      .where('document', 'like', '%$argon2%')
      .execute();
    assert.equal(hashes.length, 0, 'no hash stored');
  });
});
