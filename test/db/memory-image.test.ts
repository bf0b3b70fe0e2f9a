// An in-memory SQLite store opened from the migrated image another one kept (the library's
// later instances): the same schema and migration record, none of the other store's rows, and
// its own writes stay its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { MigratedMemoryImage, openStore, type Store } from '../../src/db/store.js';

const MEMORY = { kind: 'sqlite', filename: ':memory:' } as const;

async function schemaOf(store: Store) {
  const { rows } = await sql<{
    type: string;
    name: string;
    sql: string | null;
  }>`select type, name, sql from sqlite_master order by name`.execute(store.db);
  return rows;
}

const migrationsOf = (store: Store) =>
  sql<{ name: string }>`select name from kysely_migration order by name`
    .execute(store.db)
    .then((r) => r.rows.map((row) => row.name));

const settings = (store: Store) =>
  store.db
    .selectFrom('instance_settings')
    .select(['name', 'value'])
    .execute()
    .then((rows) => rows.map((row) => row.name));

describe('in-memory SQLite from a migrated image', () => {
  it('gives each store its own copy of the migrated, empty schema', async () => {
    const image = new MigratedMemoryImage();
    const first = await openStore(MEMORY, { memoryImage: image });
    try {
      assert.ok(image.bytes, 'the first in-memory store keeps its migrated image');
      await first.db.insertInto('instance_settings').values({ name: 'first-only', value: '1' }).execute();
      const second = await openStore(MEMORY, { memoryImage: image });
      try {
        assert.deepEqual(await schemaOf(second), await schemaOf(first));
        assert.deepEqual(await migrationsOf(second), await migrationsOf(first));
        assert.ok((await migrationsOf(second)).length > 0);
        assert.deepEqual(await settings(second), []);
        await second.db.insertInto('instance_settings').values({ name: 'second-only', value: '2' }).execute();
        assert.deepEqual(await settings(first), ['first-only']);
        assert.deepEqual(await settings(second), ['second-only']);
        // Foreign keys are on in a store from an image too (a per-connection setting).
        const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(second.db);
        assert.equal(rows[0]?.foreign_keys, 1);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });
});
