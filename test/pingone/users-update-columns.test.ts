import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { findUser, updateUser } from '../../src/core/users/users.repository.js';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';
import { describeStores, openTestStore } from '../support/harness.js';

/**
 * A user write SETs only the columns whose value changes (SQLite rewrites every index over a SET
 * column, even to the same value): what changes is stored and indexed, what does not is left
 * alone, and the write is durable.
 */
describeStores('user updates write only the changed columns', (server) => {
  let env: string;
  const users = () => `/v1/environments/${env}/users`;
  const row = (id: string) =>
    server().app.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const found = async (filter: string) => {
    const res = await server().request('GET', `${users()}?filter=${encodeURIComponent(filter)}`);
    assert.equal(res.status, 200, res.text);
    return (res.body._embedded.users as Array<{ id: string }>).map((u) => u.id);
  };

  before(async () => {
    env = await createEnvironment(server());
  });

  it('a profile change SETs the profile, updated_at and revision only', async () => {
    const user = await createUser(server(), env, { username: unique('keep'), email: 'keep@example.com' });
    const db = server().app.store.db;
    const read = await findUser(db, env, user.id);
    assert.ok(read);
    // Changed after the read, without a revision bump: a write of every column would undo it.
    await db.updateTable('users').set({ last_sign_on_at: 12345 }).where('id', '=', user.id).execute();
    const next = { ...read, profile: { ...read.profile, photo: { href: 'https://example.com/new.png' } } };
    assert.equal(await updateUser(db, { ...next, updatedAt: read.updatedAt + 1 }, read.revision, read), true);
    const after = await row(user.id);
    assert.equal(after.last_sign_on_at, 12345);
    assert.equal(after.revision, read.revision + 1);
    assert.equal(after.updated_at, read.updatedAt + 1);
    assert.deepEqual(JSON.parse(after.profile).photo, { href: 'https://example.com/new.png' });
    // Without the row as read, every column is written (the stale read's empty sign-on included).
    assert.equal(await updateUser(db, { ...next, revision: after.revision }, after.revision), true);
    assert.equal((await row(user.id)).last_sign_on_at, null);
    // A stale revision changes nothing.
    assert.equal(await updateUser(db, next, read.revision, read), false);
  });

  it('a user read for update is compared with its profile as stored, not as serialized again', async () => {
    const user = await createUser(server(), env, { username: unique('spelled'), nickname: 'Spelled' });
    const db = server().app.store.db;
    // The same profile in another spelling (as another writer may have stored it).
    const canonical = (await row(user.id)).profile;
    const spelled = JSON.stringify(JSON.parse(canonical), null, 1);
    const respell = () =>
      db.updateTable('users').set({ profile: spelled }).where('id', '=', user.id).execute();
    await respell();
    // Read without the lock, no stored text is kept: the old profile is serialized again, equals
    // the new one, and the column is left as it is.
    const plain = await findUser(db, env, user.id);
    assert.ok(plain);
    assert.equal(
      await updateUser(db, { ...plain, updatedAt: plain.updatedAt + 1 }, plain.revision, plain),
      true,
    );
    assert.equal((await row(user.id)).profile, spelled);
    // Read for update, the stored text is what the new one is compared with: it differs, so the
    // profile is written (in the one spelling Tessera writes).
    const locked = await findUser(db, env, user.id, { forUpdate: true });
    assert.ok(locked);
    assert.deepEqual(locked.profile, plain.profile);
    assert.equal(
      await updateUser(db, { ...locked, updatedAt: locked.updatedAt + 1 }, locked.revision, locked),
      true,
    );
    assert.equal((await row(user.id)).profile, canonical);
    // A changed profile is written, whichever way the old one was read.
    await respell();
    const again = await findUser(db, env, user.id, { forUpdate: true });
    assert.ok(again);
    const changed = { ...again, profile: { ...again.profile, nickname: 'Respelled' } };
    assert.equal(await updateUser(db, changed, again.revision, again), true);
    assert.deepEqual(JSON.parse((await row(user.id)).profile), changed.profile);
  });

  it('a PATCH of the photo keeps username and email and bumps the revision', async () => {
    const user = await createUser(server(), env, { username: unique('photo'), email: 'photo@example.com' });
    const before = await row(user.id);
    const patched = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { photo: { href: 'https://example.com/new.png' } },
    });
    assert.equal(patched.status, 200, patched.text);
    const after = await row(user.id);
    assert.equal(after.revision, before.revision + 1);
    assert.deepEqual(JSON.parse(after.profile).photo, { href: 'https://example.com/new.png' });
    assert.equal(after.username, before.username);
    assert.equal(after.email, before.email);
  });

  it('changed username, email and name are stored and found through their indexes, the old values not', async () => {
    const old = unique('old');
    const user = await createUser(server(), env, {
      username: old,
      email: `${old}@example.com`,
      name: { given: `${old}-given`, family: 'Family' },
    });
    const next = unique('new');
    const patched = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { username: next, email: `${next}@example.com`, name: { given: `${next}-given` } },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.username, next);
    for (const filter of [
      `username eq "${next}"`,
      `email eq "${next}@example.com"`,
      `name.given eq "${next}-given"`,
    ])
      assert.deepEqual(await found(filter), [user.id], filter);
    for (const filter of [
      `username eq "${old}"`,
      `email eq "${old}@example.com"`,
      `name.given eq "${old}-given"`,
    ])
      assert.deepEqual(await found(filter), [], filter);
    assert.deepEqual(await found(`name.family eq "Family"`), [user.id]);
  });

  it('a username taken by another user is still refused', async () => {
    const taken = unique('taken');
    await createUser(server(), env, { username: taken });
    const user = await createUser(server(), env, { username: unique('mover') });
    const res = await server().request('PATCH', `${users()}/${user.id}`, { body: { username: taken } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.details?.[0]?.code, 'UNIQUENESS_VIOLATION', res.text);
  });

  it('an acknowledged update is read back by a store opened afterwards', async () => {
    const user = await createUser(server(), env, { username: unique('durable') });
    const patched = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { photo: { href: 'https://example.com/durable.png' } },
    });
    assert.equal(patched.status, 200, patched.text);
    const reopened = await openTestStore(server().store);
    try {
      const stored = await reopened.db
        .selectFrom('users')
        .select(['profile', 'revision'])
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(stored.profile).photo, { href: 'https://example.com/durable.png' });
      assert.equal(stored.revision, (await row(user.id)).revision);
    } finally {
      await reopened.close();
    }
  });
});
