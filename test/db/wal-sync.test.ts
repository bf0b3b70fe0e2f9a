import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { openStore } from '../../src/db/store.js';
import { WalSync } from '../../src/db/wal-sync.js';
import { STORES, useOpenedStore } from '../support/harness.js';

type Flush = (fd: number, done: (error: Error | null) => void) => void;

const organization = (id: string) => ({ id, name: `Org ${id}`, created_at: 1 });
const turns = async (n: number) => {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

const realFlushes = new WeakMap<WalSync, Flush>();

/** Replaces the store's WAL flush with one the test releases by hand; answers the held calls. */
function holdFlushes(wal: WalSync) {
  const held: Array<() => void> = [];
  const failing: Error[] = [];
  const real = realFlushes.get(wal) ?? wal['flush'];
  realFlushes.set(wal, real);
  const hold: Flush = (fd, done) =>
    held.push(() => {
      const error = failing.shift();
      if (error) done(error);
      else real(fd, done);
    });
  Object.defineProperty(wal, 'flush', { value: hold });
  return { held, failing };
}

if (STORES.includes('sqlite')) {
  void describe('SQLite WAL sync off the event loop [sqlite]', () => {
    const opened = useOpenedStore('sqlite');

    it('answers a transaction only after the WAL sync that follows its COMMIT', async () => {
      const wal = opened.store.dialect.walSync;
      assert.ok(wal, 'a SQLite file in WAL mode syncs its WAL after relaxed COMMITs');
      const { held } = holdFlushes(wal);
      let answered = false;
      const writing = opened.store
        .transaction((trx) => trx.insertInto('organizations').values(organization('w1')).execute())
        .then(() => (answered = true));
      await turns(20);
      // Committed (another connection sees it), but not answered before its sync.
      const reader = new Database(opened.location.databaseUrl.slice('sqlite:'.length), { readonly: true });
      try {
        assert.equal(
          reader.prepare(`select count(*) as n from organizations where id = 'w1'`).pluck().get(),
          1,
        );
      } finally {
        reader.close();
      }
      assert.equal(answered, false, 'answered before the WAL was synced');
      assert.equal(held.length, 1);
      // While the sync runs the loop is free: autocommit statements run, at FULL again.
      const level = await sql<{ synchronous: number }>`pragma synchronous`.execute(opened.store.db);
      assert.equal(level.rows[0]?.synchronous, 2, 'synchronous is FULL outside relaxed transactions');
      held.shift()!();
      await writing;
      assert.equal(answered, true);
    });

    it('runs the next batch while a sync is pending and answers it after its own sync', async () => {
      const { held } = holdFlushes(opened.store.dialect.walSync!);
      const first = opened.store.transaction((trx) =>
        trx.insertInto('organizations').values(organization('p1')).execute(),
      );
      await turns(20);
      assert.equal(held.length, 1);
      let secondDone = false;
      let secondRan = false;
      const second = opened.store
        .transaction(async (trx) => {
          await trx.insertInto('organizations').values(organization('p2')).execute();
          secondRan = true;
        })
        .then(() => (secondDone = true));
      await turns(20);
      assert.equal(secondRan, true, 'the next batch runs while the sync is pending');
      held.shift()!();
      await first;
      await turns(20);
      assert.equal(secondDone, false, 'the second batch is not answered by the first sync');
      assert.equal(held.length, 1, "the second batch's own sync");
      held.shift()!();
      await second;
    });

    it('fails the batch whose sync fails, and every later one', async () => {
      const location = mkdtempSync(join(tmpdir(), 'tessera-wal-'));
      const store = await openStore({ kind: 'sqlite', filename: join(location, 'db.sqlite') });
      try {
        const { held, failing } = holdFlushes(store.dialect.walSync!);
        failing.push(new Error('EIO'));
        const lost = store.transaction((trx) =>
          trx.insertInto('organizations').values(organization('f1')).execute(),
        );
        await turns(20);
        held.shift()!();
        await assert.rejects(lost, /could not be synced/);
        await assert.rejects(
          store.transaction((trx) => trx.insertInto('organizations').values(organization('f2')).execute()),
          /could not be synced/,
        );
      } finally {
        await store.close();
        rmSync(location, { recursive: true, force: true });
      }
    });

    it('keeps every COMMIT synchronous where the argument does not hold (in memory)', async () => {
      const store = await openStore({ kind: 'sqlite', filename: ':memory:' });
      try {
        assert.equal(store.dialect.walSync, undefined);
        await store.transaction((trx) =>
          trx.insertInto('organizations').values(organization('m1')).execute(),
        );
      } finally {
        await store.close();
      }
    });
  });

  void describe('WalSync', () => {
    it('covers the COMMITs made during a sync with one more sync', async () => {
      const location = mkdtempSync(join(tmpdir(), 'tessera-wal-'));
      const file = join(location, 'db-wal');
      writeFileSync(file, 'frames');
      const calls: Array<(error: Error | null) => void> = [];
      const wal = new WalSync(file, (_fd, done) => calls.push(done));
      try {
        const a = wal.afterCommit();
        const b = wal.afterCommit();
        const c = wal.afterCommit();
        assert.equal(calls.length, 1, 'one sync at a time');
        calls.shift()!(null);
        await a;
        await turns(2);
        assert.equal(calls.length, 1, 'the COMMITs made meanwhile share the next sync');
        calls.shift()!(null);
        await Promise.all([b, c]);
        assert.equal(wal.stats.syncs, 2);
      } finally {
        await wal.close();
        rmSync(location, { recursive: true, force: true });
      }
    });
  });
}
