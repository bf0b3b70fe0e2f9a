import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { executeRecurring, inOneTrip, prepareQuery, prepareWrite } from '../../src/db/prepared.js';
import type { Db } from '../../src/db/schema.js';
import { STORES, openTestStore, useOpenedStore } from '../support/harness.js';

const organization = prepareQuery(1, (db: Db, id: string) =>
  db.selectFrom('organizations').selectAll().where('id', '=', id),
);

/** Runs the prepared read on (about) every pooled connection at once. */
const onEveryConnection = (db: Db, id: string) =>
  Promise.all(Array.from({ length: 12 }, () => organization(db, id)));

for (const kind of STORES) {
  describe(`prepared statements across schema changes [${kind}]`, () => {
    const opened = useOpenedStore(kind, async (store) => {
      await store.db.insertInto('organizations').values({ id: 'o1', name: 'Acme', created_at: 10 }).execute();
    });

    it('keeps answering a prepared `select *` after another process adds a column', async () => {
      for (const rows of await onEveryConnection(opened.store.db, 'o1')) assert.equal(rows[0]?.name, 'Acme');
      // A second store on the same database stands for another Tessera process migrating it.
      const other = await openTestStore(opened.location);
      try {
        await sql`alter table organizations add column note text default 'added'`.execute(other.db);
      } finally {
        await other.close();
      }
      for (const rows of await onEveryConnection(opened.store.db, 'o1')) {
        assert.equal(rows[0]?.name, 'Acme');
        assert.equal((rows[0] as Record<string, unknown>).note, 'added');
      }
      const inTransaction = await opened.store.transaction((trx) => organization(trx, 'o1'));
      assert.equal((inTransaction[0] as Record<string, unknown>).note, 'added');
    });
  });
}

if (STORES.includes('postgres')) {
  describe('named statements [postgres]', () => {
    const opened = useOpenedStore('postgres');

    it('runs prepared queries as statements the connection keeps, and other queries unnamed', async () => {
      const kept = await opened.store.transaction(async (trx) => {
        await organization(trx, 'nobody');
        await trx.selectFrom('organizations').select('name').where('name', '=', 'Unprepared').execute();
        const { rows } = await sql<{ statement: string }>`
          select statement from pg_prepared_statements where from_sql = false
        `.execute(trx);
        return rows.map((row) => row.statement);
      });
      assert.ok(kept.some((text) => text.startsWith('select * from "organizations" where "id" = $1')));
      assert.ok(kept.includes('begin'), 'BEGIN is named too');
      assert.ok(!kept.some((text) => text.includes('Unprepared') || text.includes('"name" = $1')));
    });
  });
}

for (const kind of STORES) {
  describe(`recurring statements [${kind}]`, () => {
    const opened = useOpenedStore(kind, async (store) => {
      await store.db
        .insertInto('organizations')
        .values({ id: 'r1', name: 'Recurring', created_at: 20 })
        .execute();
    });
    /** The statements this connection keeps (PostgreSQL). */
    const kept = async (db: Db) =>
      (
        await sql<{
          statement: string;
        }>`select statement from pg_prepared_statements where from_sql = false`.execute(db)
      ).rows.map((row) => row.statement);

    it('answers with the values of each run, named on PostgreSQL from its second run on', async () => {
      const read = (db: Db, createdAfter: number) =>
        executeRecurring(
          db,
          db.selectFrom('organizations').select(['id', 'created_at']).where('created_at', '>', createdAfter),
        );
      await opened.store.transaction(async (trx) => {
        assert.deepEqual(await read(trx, 10), [{ id: 'r1', created_at: 20 }]);
        if (kind === 'postgres') assert.ok(!(await kept(trx)).some((t) => t.includes('"created_at" > $1')));
        assert.deepEqual(await read(trx, 20), []);
        assert.deepEqual(await read(trx, 19), [{ id: 'r1', created_at: 20 }]);
        if (kind === 'postgres') assert.ok((await kept(trx)).some((t) => t.includes('"created_at" > $1')));
      });
    });

    if (kind === 'postgres')
      it('names a bounded number of texts, and still runs the others', async () => {
        const texts = 80;
        await opened.store.transaction(async (trx) => {
          const before = (await kept(trx)).length;
          for (let round = 0; round < 3; round += 1)
            for (let i = 0; i < texts; i += 1) {
              const rows = await executeRecurring(
                trx,
                trx
                  .selectFrom('organizations')
                  .select(sql<number>`${sql.lit(i)}`.as(`n${i}`))
                  .where('id', '=', 'r1'),
              );
              assert.deepEqual(rows, [{ [`n${i}`]: i }]);
            }
          const named = (await kept(trx)).length - before;
          assert.ok(named > 0 && named <= 64, `${named} texts named`);
        });
      });

    if (kind === 'postgres')
      it('counts and names per store: another store’s uses and budget are not this one’s', async () => {
        /** A text of its own for each `n`, recurring with the bound id only. */
        const numbered = (db: Db, n: number) =>
          db
            .selectFrom('organizations')
            .select(sql<number>`${sql.lit(n)}`.as(`store_${n}`))
            .where('id', '=', 'r1');
        const runs = (db: Db, n: number) => executeRecurring(db, numbered(db, n));
        const isKept = async (db: Db, n: number) =>
          (await kept(db)).some((t) => t.includes(`as "store_${n}"`));
        // Two stores of one process (the test runs many), each with a pool of its own.
        const first = await openTestStore(opened.location);
        const second = await openTestStore(opened.location);
        try {
          await first.transaction(async (trx) => {
            await runs(trx, 1000);
            await runs(trx, 1000);
            assert.ok(await isKept(trx, 1000), 'named in the first store from its second use');
            await runs(trx, 1002);
          });
          await second.transaction(async (trx) => {
            await runs(trx, 1000);
            assert.ok(!(await isKept(trx, 1000)), 'one use in the second store: not named there yet');
            await runs(trx, 1000);
            assert.ok(await isKept(trx, 1000), 'named from its second use in the second store');
            await runs(trx, 1002);
            assert.ok(!(await isKept(trx, 1002)), 'a use in the first store is not one in the second');
          });
          await first.transaction(async (trx) => {
            for (let n = 0; n < 80; n += 1) for (let round = 0; round < 2; round += 1) await runs(trx, n);
            await runs(trx, 1001);
            await runs(trx, 1001);
            assert.ok(!(await isKept(trx, 1001)), 'the first store has named all it may');
          });
          await second.transaction(async (trx) => {
            await runs(trx, 1001);
            await runs(trx, 1001);
            assert.ok(await isKept(trx, 1001), 'the second store’s budget is its own');
            assert.deepEqual(await runs(trx, 1001), [{ store_1001: 1001 }]);
          });
        } finally {
          await second.close();
          await first.close();
        }
      });
  });
}

if (STORES.includes('postgres')) {
  describe('a transaction’s begin sent with its first read [postgres]', () => {
    const opened = useOpenedStore('postgres');
    const xact = (db: Db) =>
      sql<{ x: string }>`select pg_current_xact_id()::text as x`.execute(db).then((r) => r.rows[0]!.x);

    it('runs the first select inside the transaction', async () => {
      const [first, second] = await opened.store.transaction(async (trx) => [
        await xact(trx),
        await xact(trx),
      ]);
      assert.equal(first, second, 'both statements in one transaction');
      // Outside a transaction each statement is a transaction of its own.
      assert.notEqual(await xact(opened.store.db), await xact(opened.store.db));
    });

    it('ends transactions that ran nothing, and those that failed before any statement', async () => {
      assert.equal(await opened.store.transaction(() => Promise.resolve(7)), 7);
      await assert.rejects(
        opened.store.transaction(() => Promise.reject(new Error('before any statement'))),
        /before any statement/,
      );
      const [first, second] = await opened.store.transaction(async (trx) => [
        await xact(trx),
        await xact(trx),
      ]);
      assert.equal(first, second);
    });

    it('inOneTrip: a failing statement fails the transaction and rolls back the ones before it', async () => {
      const insert = prepareWrite(2, (db: Db, id: string, name: string) =>
        db.insertInto('organizations').values({ id, name, created_at: 1 }),
      );
      await assert.rejects(
        opened.store.transaction((trx) =>
          inOneTrip(insert.step(trx, 'trip-1', 'One'), insert.step(trx, 'trip-1', 'Again')),
        ),
        (error: Error & { code?: string }) => error.code === '23505',
      );
      assert.deepEqual(await organization(opened.store.db, 'trip-1'), []);
      const answers = await opened.store.transaction((trx) =>
        inOneTrip(insert.step(trx, 'trip-2', 'Two'), organization.step(trx, 'trip-2')),
      );
      assert.equal(answers[0], 1);
      assert.equal(answers[1][0]?.name, 'Two', 'the second statement sees the first one’s write');
    });
  });
}
