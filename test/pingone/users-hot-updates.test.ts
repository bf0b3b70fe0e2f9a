import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createEnvironment, createUser } from '../support/fixtures.js';
import { POSTGRES_URL, STORES, describeStores, startTessera, type TestServer } from '../support/harness.js';

/**
 * Migration 0015: on PostgreSQL the filtered profile attributes live in generated columns, so an
 * index never reads `profile` and a profile change that keeps them is a HOT update. The filters
 * must follow every change of those attributes, on both stores.
 */
describeStores('users: filtered profile attributes follow every write', (server) => {
  let env: string;
  let userId: string;

  const usernames = async (filter: string) => {
    const res = await server().request(
      'GET',
      `/v1/environments/${env}/users?filter=${encodeURIComponent(filter)}`,
    );
    assert.equal(res.status, 200, `${filter}: ${res.text}`);
    return (res.body._embedded.users as Array<{ username: string }>).map((u) => u.username);
  };

  const patch = async (body: unknown) => {
    const res = await server().request('PATCH', `/v1/environments/${env}/users/${userId}`, { body });
    assert.equal(res.status, 200, res.text);
  };

  before(async () => {
    env = await createEnvironment(server());
    const user = await createUser(server(), env, {
      username: 'hot.one',
      name: { given: 'Hana', family: 'Okafor' },
      externalId: 'EXT-1',
    });
    userId = user.id;
    await createUser(server(), env, { username: 'hot.two', name: { given: 'Hana', family: 'Other' } });
  });

  it('finds a user by the new values after a PATCH changes them, and not by the old ones', async () => {
    await patch({ name: { given: 'Ines', family: 'Quist' }, externalId: 'ext-2' });
    assert.deepEqual(await usernames('name.given eq "ines"'), ['hot.one']);
    assert.deepEqual(await usernames('name.family sw "QU"'), ['hot.one']);
    assert.deepEqual(await usernames('externalId eq "EXT-2"'), ['hot.one']);
    assert.deepEqual(await usernames('name.given eq "Hana"'), ['hot.two']);
    assert.deepEqual(await usernames('name.family eq "Okafor"'), []);
    assert.deepEqual(await usernames('externalId eq "EXT-1"'), []);
  });

  it('keeps them through a PATCH of other attributes, and drops a removed one', async () => {
    await patch({ photo: { href: 'https://example.com/hot.png' } });
    assert.deepEqual(await usernames('name.family eq "quist"'), ['hot.one']);
    await patch({ externalId: null });
    assert.deepEqual(await usernames('externalId eq "ext-2"'), []);
    assert.deepEqual(await usernames('name.given eq "INES"'), ['hot.one']);
  });
});

// Only PostgreSQL has HOT updates and fill factors; with TESSERA_TEST_STORES=sqlite nothing runs.
const describePostgres = STORES.includes('postgres') ? describe : () => undefined;

void describePostgres('users: no index reads the profile [postgres]', () => {
  let server: TestServer | undefined;
  before(async () => {
    server = await startTessera('postgres');
  });
  after(async () => {
    await server?.close();
  });

  it('indexes the generated columns, and pages keep room for new versions', async () => {
    const schema = server!.store.postgresSchema;
    assert.ok(schema);
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const indexes = await client.query<{ name: string; definition: string }>(
        `select indexname as name, indexdef as definition from pg_indexes
         where schemaname = $1 and tablename = 'users'`,
        [schema],
      );
      assert.ok(indexes.rows.length >= 9, 'the users indexes are there');
      for (const { name, definition } of indexes.rows)
        assert.doesNotMatch(definition, /profile/, `${name} reads the profile: ${definition}`);
      assert.ok(indexes.rows.some((row) => /lower\(name_family\)/.test(row.definition)));
      const options = await client.query<{ options: string[] | null }>(
        `select c.reloptions as options from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = $1 and c.relname = 'users'`,
        [schema],
      );
      assert.deepEqual(options.rows[0]?.options, ['fillfactor=80']);
    } finally {
      await client.end();
    }
  });
});
