import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';
import { describeStores } from '../support/harness.js';

/**
 * A PATCH sends its activity with the UPDATE (on PostgreSQL in one round trip, users.service
 * `write`) and reads the schema attributes with the locked user: the activity is still written
 * with the change, once, and goes with it when the UPDATE fails.
 */
describeStores('PATCH user: the activity and the UPDATE together', (server) => {
  let env: string;
  const users = () => `/v1/environments/${env}/users`;
  const recorded = async (userId: string) => {
    const db = server().app.store.db;
    return db
      .selectFrom('activities')
      .innerJoin('activity_resources', 'activity_resources.activity_id', 'activities.id')
      .select(['activities.action_type as type', 'activity_resources.resource_id as resource'])
      .where('activity_resources.resource_id', '=', userId)
      .execute();
  };

  before(async () => {
    env = await createEnvironment(server());
  });

  it('writes the change and exactly one USER.UPDATED activity about the user', async () => {
    const user = await createUser(server(), env, { username: unique('trip') });
    const res = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { photo: { href: 'https://example.com/trip.png' } },
    });
    assert.equal(res.status, 200, res.text);
    const read = await server().request('GET', `${users()}/${user.id}`);
    assert.deepEqual(read.body.photo, { href: 'https://example.com/trip.png' });
    const types = (await recorded(user.id)).map((row) => row.type).sort();
    assert.deepEqual(types, ['USER.CREATED', 'USER.UPDATED']);
  });

  it('rolls the activity back with an UPDATE that fails (a taken username)', async () => {
    const taken = unique('taken');
    await createUser(server(), env, { username: taken });
    const user = await createUser(server(), env, { username: unique('renamed') });
    const res = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { username: taken, photo: { href: 'https://example.com/never.png' } },
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.details[0].code, 'UNIQUENESS_VIOLATION');
    assert.deepEqual(
      (await recorded(user.id)).map((row) => row.type),
      ['USER.CREATED'],
    );
    const read = await server().request('GET', `${users()}/${user.id}`);
    assert.equal(read.body.photo, undefined);
    // The connection that failed is usable again: the next PATCH goes through and is recorded.
    const next = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { photo: { href: 'https://example.com/after.png' } },
    });
    assert.equal(next.status, 200, next.text);
    assert.deepEqual((await recorded(user.id)).map((row) => row.type).sort(), [
      'USER.CREATED',
      'USER.UPDATED',
    ]);
  });

  it('validates against the schema attributes read with the locked user', async () => {
    const user = await createUser(server(), env, { username: unique('attrs') });
    const unknown = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { notAnAttribute: 'x' },
    });
    assert.equal(unknown.status, 400, unknown.text);
    assert.deepEqual(
      (await recorded(user.id)).map((row) => row.type),
      ['USER.CREATED'],
    );
  });
});
