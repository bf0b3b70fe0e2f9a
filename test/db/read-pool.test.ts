// Reads a client can make expensive (filtered lists) run through `store.readDb`: on a SQLite file
// that is a pool of worker threads, so the event loop keeps serving others while one scans.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Store } from '../../src/db/store.js';
import { STORES, createTestStore, openTestStore, type TestStore } from '../support/harness.js';

/** A statement that computes for a long while (a recursive count to three million) in the store. */
const longScan = (store: Store) =>
  sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000)
    select count(*) as n from c`.execute(store.readDb);

for (const kind of STORES) {
  describe(`reads off the event loop [${kind}]`, () => {
    let location: TestStore;
    let store: Store;
    before(async () => {
      location = await createTestStore(kind);
      store = await openTestStore(location, { sqliteReadWorkers: 2 });
    });
    after(async () => {
      await store.close();
      await location.drop();
    });

    it('keeps the event loop free while a long read runs', async () => {
      let done = false;
      const scan = longScan(store).then((result) => {
        done = true;
        return result;
      });
      // A timer only fires while the event loop is free: on the main connection the scan would
      // have held it until the scan's end.
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(done, false, 'the timer fired before the long read ended');
      assert.equal(Number((await scan).rows[0]!.n), 3_000_000);
    });

    it('sees every committed write at once, and its parameters bind like the main connection', async () => {
      await store.transaction((trx) =>
        trx
          .insertInto('organizations')
          .values({ id: 'read-pool', name: 'Read pool', created_at: 7 })
          .execute(),
      );
      const rows = await store.readDb
        .selectFrom('organizations')
        .select(['id', 'created_at'])
        .where('id', '=', 'read-pool')
        .where(sql<boolean>`${true}`)
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, Number(r.created_at)]),
        [['read-pool', 7]],
      );
    });

    it('reports a statement error as the main connection would', async () => {
      await assert.rejects(
        sql`select * from no_such_table`.execute(store.readDb),
        /no_such_table|no such table/,
      );
    });

    if (kind === 'sqlite') {
      it('runs only statements that read', async () => {
        await assert.rejects(
          sql`delete from organizations`.execute(store.readDb),
          /only statements that return rows/,
        );
      });
    }
  });
}
