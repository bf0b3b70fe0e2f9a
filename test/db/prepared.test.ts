import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareQuery, prepareWrite, prepareWriteReturning, runNowOf } from '../../src/db/prepared.js';
import type { Db } from '../../src/db/schema.js';
import { STORES, useOpenedStore } from '../support/harness.js';

const byName = (db: Db, name: string, createdAfter: number) =>
  db
    .selectFrom('organizations')
    .select(['id', 'name'])
    .where('name', '=', name)
    .where('created_at', '>', createdAfter)
    .orderBy('id');

for (const kind of STORES) {
  describe(`prepared queries [${kind}]`, () => {
    const opened = useOpenedStore(kind, async (store) => {
      await store.db
        .insertInto('organizations')
        .values([
          { id: 'o1', name: 'Acme', created_at: 10 },
          { id: 'o2', name: 'Acme', created_at: 20 },
          { id: 'o3', name: 'Other', created_at: 30 },
        ])
        .execute();
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
          await prepared(opened.store.db, name, after),
          await byName(opened.store.db, name, after).execute(),
        );
      }
      const inTransaction = await opened.store.transaction((trx) => prepared(trx, 'Acme', 15));
      assert.deepEqual(inTransaction, [{ id: 'o2', name: 'Acme' }]);
    });

    it('runs prepared writes, counts the rows they change and reports them to the write watcher', async () => {
      const rename = prepareWrite(2, (db: Db, id: string, name: string) =>
        db.updateTable('organizations').set({ name }).where('id', '=', id),
      );
      const before = opened.store.writes.version(['organizations']);
      assert.equal(await rename(opened.store.db, 'o3', 'Renamed'), 1);
      assert.equal(await rename(opened.store.db, 'missing', 'Nobody'), 0);
      assert.ok(opened.store.writes.version(['organizations']) > before);
      const row = await opened.store.db
        .selectFrom('organizations')
        .select('name')
        .where('id', '=', 'o3')
        .executeTakeFirst();
      assert.equal(row?.name, 'Renamed');
    });

    it("never answers another caller's uncommitted write (SQLite's direct read waits for the transaction)", async () => {
      const nameOf = prepareQuery(1, (db: Db, id: string) =>
        db.selectFrom('organizations').select('name').where('id', '=', id),
      );
      // A row of its own: the other tests count the 'Acme' rows.
      await opened.store.db
        .insertInto('organizations')
        .values({ id: 'o9', name: 'Before', created_at: 90 })
        .execute();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let written!: () => void;
      const wrote = new Promise<void>((resolve) => (written = resolve));
      const transaction = opened.store.transaction(async (trx) => {
        await trx.updateTable('organizations').set({ name: 'After' }).where('id', '=', 'o9').execute();
        written();
        await gate;
      });
      await wrote;
      let committed = false;
      const read = nameOf(opened.store.db, 'o9').then((rows) => ({ name: rows[0]?.name, committed }));
      // Give a read that does not wait every chance to answer while the transaction is open.
      for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      committed = true;
      release();
      await transaction;
      const answer = await read;
      // An answer that arrived before the COMMIT cannot hold its write. PostgreSQL reads on another
      // connection: a slow answer may arrive after the COMMIT with either row (its snapshot may
      // predate the COMMIT). SQLite's one connection waits for the COMMIT, then reads its row.
      if (!answer.committed) assert.equal(answer.name, 'Before');
      else assert.ok(answer.name === 'After' || (kind === 'postgres' && answer.name === 'Before'));
      if (kind === 'sqlite') assert.deepEqual(answer, { name: 'After', committed: true });
      assert.deepEqual(await nameOf(opened.store.db, 'o9'), [{ name: 'After' }]);
    });

    if (kind === 'postgres')
      it('reports the tables a WITH clause inserts into, and answers the rows of the statement', async () => {
        const insertAndRead = prepareWriteReturning(2, (db: Db, id: string, name: string) =>
          db
            .with('added', (q) =>
              q.insertInto('organizations').values({ id, name, created_at: 40 }).returning('id'),
            )
            .selectFrom('organizations')
            .select('name')
            .where('name', '=', 'Acme')
            .orderBy('id'),
        );
        const before = opened.store.writes.version(['organizations']);
        const rows = await insertAndRead(opened.store.db, 'o4', 'Fourth');
        assert.deepEqual(
          rows,
          [{ name: 'Acme' }, { name: 'Acme' }],
          'the WITH insert is not visible to its own statement',
        );
        assert.ok(opened.store.writes.version(['organizations']) > before);
        const inTransaction = await opened.store.transaction((trx) => insertAndRead(trx, 'o5', 'Fifth'));
        assert.equal(inTransaction.length, 2);
        const added = await opened.store.db
          .selectFrom('organizations')
          .select('id')
          .where('id', 'in', ['o4', 'o5'])
          .execute();
        assert.equal(added.length, 2);
      });

    it('runs the prepared statements of a SQLite unit on the spot, still seen by the write watcher', async () => {
      const rename = prepareWrite(2, (db: Db, id: string, name: string) =>
        db.updateTable('organizations').set({ name }).where('id', '=', id),
      );
      const nameOf = prepareQuery(1, (db: Db, id: string) =>
        db.selectFrom('organizations').select('name').where('id', '=', id),
      );
      const before = opened.store.writes.version(['organizations']);
      let inside = 0;
      let duringUnit = 0;
      let handle: Db | undefined;
      const seen = await opened.store.transaction(async (trx) => {
        handle = trx;
        assert.equal(runNowOf(trx) !== undefined, kind === 'sqlite', 'direct only in a SQLite unit');
        assert.equal(await rename(trx, 'o1', 'Direct'), 1);
        // The root handle's recorder saw it at once (caches drop before the commit), ...
        duringUnit = opened.store.writes.version(['organizations']);
        inside = (await nameOf(trx, 'o1')).length;
        return (await nameOf(trx, 'o1'))[0]?.name;
      });
      assert.equal(seen, 'Direct', 'a unit reads its own direct write');
      assert.equal(inside, 1);
      assert.ok(duringUnit > before, 'a direct write inside a unit bumps the write watcher');
      // ... and the transaction's own recorder bumped it again after the commit.
      assert.ok(opened.store.writes.version(['organizations']) > duringUnit);
      assert.equal(runNowOf(handle!), undefined, 'the direct path ends with its unit');
      await rename(opened.store.db, 'o1', 'Acme');
    });

    it('refuses a builder that does not bind every argument as a value', async () => {
      const careless = prepareQuery(2, (db: Db, name: string, _unused: string) => byName(db, name, 0));
      await assert.rejects(careless(opened.store.db, 'Acme', 'unused'), /does not bind argument 1/);
    });
  });
}
