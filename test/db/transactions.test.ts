import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { STORES, openTestStore, useOpenedStore } from '../support/harness.js';

const organization = (id: string) => ({ id, name: `Org ${id}`, created_at: 1 });

for (const kind of STORES) {
  describe(`concurrent transactions [${kind}]`, () => {
    const opened = useOpenedStore(kind);

    it('commits every successful transaction and rolls back each failed one alone', async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 24 }, (_, i) =>
          opened.store.transaction(async (trx) => {
            await trx
              .insertInto('organizations')
              .values(organization(`c${i}`))
              .execute();
            // Each transaction sees its own write before it ends.
            const own = await trx
              .selectFrom('organizations')
              .select('id')
              .where('id', '=', `c${i}`)
              .execute();
            assert.equal(own.length, 1);
            if (i % 3 === 0) throw new Error(`unit ${i} fails`);
            await trx
              .insertInto('organizations')
              .values(organization(`c${i}-second`))
              .execute();
            return i;
          }),
        ),
      );
      outcomes.forEach((outcome, i) => assert.equal(outcome.status, i % 3 === 0 ? 'rejected' : 'fulfilled'));
      const ids = (
        await opened.store.db.selectFrom('organizations').select('id').where('id', 'like', 'c%').execute()
      )
        .map((row) => row.id)
        .sort();
      const expected = Array.from({ length: 24 }, (_, i) => i)
        .filter((i) => i % 3 !== 0)
        .flatMap((i) => [`c${i}`, `c${i}-second`])
        .sort();
      assert.deepEqual(ids, expected);
    });

    it('answers only once the change is committed (another connection sees it)', async () => {
      await Promise.all(
        ['d1', 'd2', 'd3'].map((id) =>
          opened.store.transaction((trx) =>
            trx.insertInto('organizations').values(organization(id)).execute(),
          ),
        ),
      );
      const other = await openTestStore(opened.location);
      try {
        const seen = await other.db
          .selectFrom('organizations')
          .select('id')
          .where('id', 'in', ['d1', 'd2', 'd3'])
          .execute();
        assert.equal(seen.length, 3);
      } finally {
        await other.close();
      }
    });
  });
}

if (STORES.includes('sqlite')) {
  void describe('SQLite group commit [sqlite]', () => {
    const opened = useOpenedStore('sqlite');

    it('makes concurrent transactions durable with fewer COMMITs than transactions', async () => {
      const before = { ...opened.store.groupCommit! };
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          opened.store.transaction((trx) =>
            trx
              .insertInto('organizations')
              .values(organization(`g${i}`))
              .execute(),
          ),
        ),
      );
      const commits = opened.store.groupCommit!.commits - before.commits;
      assert.equal(opened.store.groupCommit!.units - before.units, 20);
      assert.ok(commits >= 1 && commits < 20, `${commits} commits for 20 transactions`);
      // A separate connection reads the file: the rows are there, not only in this connection.
      const reader = new Database(opened.location.databaseUrl.slice('sqlite:'.length), { readonly: true });
      try {
        const row = reader.prepare(`select count(*) as n from organizations where id like 'g%'`).get() as {
          n: number;
        };
        assert.equal(row.n, 20);
      } finally {
        reader.close();
      }
    });

    it('commits a lone transaction at once', async () => {
      const before = opened.store.groupCommit!.commits;
      await opened.store.transaction((trx) =>
        trx.insertInto('organizations').values(organization('alone')).execute(),
      );
      assert.equal(opened.store.groupCommit!.commits, before + 1);
    });

    it('fails every transaction of a batch whose physical transaction is lost, and recovers', async () => {
      const first = opened.store.transaction((trx) =>
        trx.insertInto('organizations').values(organization('lost-1')).execute(),
      );
      const breaking = opened.store.transaction(async (trx) => {
        await trx.insertInto('organizations').values(organization('lost-2')).execute();
        await sql`rollback`.execute(trx);
        throw new Error('the transaction was rolled back underneath');
      });
      const [a, b] = await Promise.allSettled([first, breaking]);
      assert.equal(b.status, 'rejected');
      assert.equal(a.status, 'rejected', 'a unit must not be acknowledged when its batch never committed');
      const left = await opened.store.db
        .selectFrom('organizations')
        .select('id')
        .where('id', 'in', ['lost-1', 'lost-2'])
        .execute();
      assert.deepEqual(left, []);
      await opened.store.transaction((trx) =>
        trx.insertInto('organizations').values(organization('after')).execute(),
      );
      const after = await opened.store.db
        .selectFrom('organizations')
        .select('id')
        .where('id', '=', 'after')
        .execute();
      assert.equal(after.length, 1);
    });
  });
}
