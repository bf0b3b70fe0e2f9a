import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeStores } from '../support/harness.js';
import { createEnvironment, createPopulation, createUser, defaultPopulation } from '../support/fixtures.js';

describeStores('user state sub-resources and account actions', (server) => {
  let env: string;
  let pop: string;
  const user = (id: string, sub = '') => `/v1/environments/${env}/users/${id}${sub}`;

  before(async () => {
    env = await createEnvironment(server());
    pop = await defaultPopulation(server(), env);
  });

  it('reads and sets enabled', async () => {
    const u = await createUser(server(), env, { username: 'toggle' });
    const read = await server().request('GET', user(u.id, '/enabled'));
    assert.equal(read.status, 200);
    assert.equal(read.body.enabled, true);
    assert.equal(read.body._links.self.href, `http://tessera.test${user(u.id, '/enabled')}`);
    const off = await server().request('PUT', user(u.id, '/enabled'), { body: { enabled: false } });
    assert.equal(off.status, 200);
    assert.equal(off.body.enabled, false);
    const full = await server().request('GET', user(u.id));
    assert.equal(full.body.enabled, false);
    assert.equal(full.body.account.canAuthenticate, false, 'a disabled user cannot authenticate');
    const bad = await server().request('PUT', user(u.id, '/enabled'), { body: { enabled: 'no' } });
    assert.equal(bad.status, 400);
  });

  it('reads and sets mfaEnabled', async () => {
    const u = await createUser(server(), env, { username: 'mfa', mfaEnabled: true });
    assert.equal(u.mfaEnabled, true, 'settable on create');
    const off = await server().request('PUT', user(u.id, '/mfaEnabled'), { body: { mfaEnabled: false } });
    assert.equal(off.status, 200);
    assert.equal(off.body.mfaEnabled, false);
    const read = await server().request('GET', user(u.id, '/mfaEnabled'));
    assert.equal(read.body.mfaEnabled, false);
  });

  it('moves a user to another population; population groups of the old one are left', async () => {
    const target = await createPopulation(server(), env);
    const u = await createUser(server(), env, { username: 'mover' });
    const popGroup = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: 'Old population group', population: { id: pop } },
    });
    const envGroup = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: 'Environment group' },
    });
    for (const g of [popGroup, envGroup]) {
      assert.equal(
        (await server().request('POST', user(u.id, '/memberOfGroups'), { body: { id: g.body.id } })).status,
        201,
      );
    }
    const moved = await server().request('PUT', user(u.id, '/population'), { body: { id: target } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.id, target);
    assert.ok(moved.body._links.population.href.endsWith(`/populations/${target}`));
    const read = await server().request('GET', user(u.id, '/population'));
    assert.equal(read.body.id, target);
    assert.deepEqual((await server().request('GET', user(u.id))).body.population, { id: target });
    const groups = await server().request('GET', `${user(u.id)}?include=memberOfGroupIDs`);
    assert.deepEqual(groups.body.memberOfGroupIDs, [envGroup.body.id]);

    const missing = await server().request('PUT', user(u.id, '/population'), {
      body: { id: '7b3c5a5e-0000-4000-8000-000000000000' },
    });
    assert.equal(missing.status, 400);
  });

  it('locks (optionally until unlockAt) and unlocks the account', async () => {
    const u = await createUser(server(), env, { username: 'lockable' });
    const lock = await server().request('POST', user(u.id), {
      contentType: 'application/vnd.pingidentity.account.lock+json',
    });
    assert.equal(lock.status, 200, lock.text);
    assert.equal(lock.body.account.status, 'LOCKED');
    assert.equal(lock.body.account.canAuthenticate, false);
    assert.ok(lock.body.account.lockedAt);
    assert.equal(lock.body.account.unlockAt, undefined);
    assert.equal(lock.body.id, u.id);

    const unlock = await server().request('POST', user(u.id), {
      contentType: 'application/vnd.pingidentity.account.unlock+json',
    });
    assert.equal(unlock.status, 200);
    assert.deepEqual(unlock.body.account, { canAuthenticate: true, status: 'OK' });

    const unlockAt = new Date(server().clock.now() + 60_000).toISOString();
    const timed = await server().request('POST', user(u.id), {
      contentType: 'application/vnd.pingidentity.account.lock+json; charset=UTF-8',
      body: { unlockAt },
    });
    assert.equal(timed.status, 200, timed.text);
    assert.equal(timed.body.account.status, 'LOCKED');
    assert.equal(timed.body.account.unlockAt, unlockAt);
    assert.equal(timed.body.account.secondsUntilUnlock, 60);
    server().clock.advance(61_000);
    const later = await server().request('GET', user(u.id));
    assert.deepEqual(
      later.body.account,
      { canAuthenticate: true, status: 'OK' },
      'the lock expired on its own',
    );

    const past = await server().request('POST', user(u.id), {
      contentType: 'application/vnd.pingidentity.account.lock+json',
      body: { unlockAt: '2000-01-01T00:00:00Z' },
    });
    assert.equal(past.status, 400);
    const unknown = await server().request('POST', user(u.id), {
      contentType: 'application/vnd.pingidentity.user.nope+json',
    });
    assert.equal(unknown.status, 415);
    const extra = await server().request('POST', user(u.id), {
      contentType: 'application/vnd.pingidentity.account.lock+json',
      body: { until: 'x' },
    });
    assert.equal(extra.status, 400);
  });
});
