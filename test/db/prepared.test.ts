import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { prepareQuery, prepareWrite } from '../../src/db/prepared.js';
import type { Db } from '../../src/db/schema.js';
import type { Store } from '../../src/db/store.js';
import { STORES, createTestStore, openTestStore, type TestStore } from '../support/harness.js';

const byName = (db: Db, name: string, createdAfter: number) =>
  db
    .selectFrom('organizations')
    .select(['id', 'name'])
    .where('name', '=', name)
    .where('created_at', '>', createdAfter)
    .orderBy('id');

for (const kind of STORES) {
  describe(`prepared queries [${kind}]`, () => {
    let location: TestStore;
    let store: Store;
    before(async () => {
      location = await createTestStore(kind);
      store = await openTestStore(location);
      await store.db
        .insertInto('organizations')
        .values([
          { id: 'o1', name: 'Acme', created_at: 10 },
          { id: 'o2', name: 'Acme', created_at: 20 },
          { id: 'o3', name: 'Other', created_at: 30 },
        ])
        .execute();
    });
    after(async () => {
      await store.close();
      await location.drop();
    });

    it('answers exactly what the built query answers, for any arguments, also in a transaction', async () => {
      const prepared = prepareQuery(2, byName);
      for (const [name, after] of [
        ['Acme', 0],
        ['Acme', 15],
        ['Other', 0],
        ['Nobody', 0],
      ] as const) {
        assert.deepEqual(
          await prepared(store.db, name, after),
          await byName(store.db, name, after).execute(),
        );
      }
      const inTransaction = await store.transaction((trx) => prepared(trx, 'Acme', 15));
      assert.deepEqual(inTransaction, [{ id: 'o2', name: 'Acme' }]);
    });

    it('runs prepared writes, counts the rows they change and reports them to the write watcher', async () => {
      const rename = prepareWrite(2, (db: Db, id: string, name: string) =>
        db.updateTable('organizations').set({ name }).where('id', '=', id),
      );
      const before = store.writes.version(['organizations']);
      assert.equal(await rename(store.db, 'o3', 'Renamed'), 1);
      assert.equal(await rename(store.db, 'missing', 'Nobody'), 0);
      assert.ok(store.writes.version(['organizations']) > before);
      const row = await store.db
        .selectFrom('organizations')
        .select('name')
        .where('id', '=', 'o3')
        .executeTakeFirst();
      assert.equal(row?.name, 'Renamed');
    });

    it('refuses a builder that does not bind every argument as a value', async () => {
      const careless = prepareQuery(2, (db: Db, name: string, _unused: string) => byName(db, name, 0));
      await assert.rejects(careless(store.db, 'Acme', 'unused'), /does not bind argument 1/);
    });
  });
}
