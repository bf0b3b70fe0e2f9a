// Two processes on one SQLite file (a CLI import next to a running server): a transaction that
// reads before it writes must not fail because the other process committed in between.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/db/store.js';
import { createTestStore, openTestStore, type TestStore } from '../support/harness.js';

/** Another process that inserts one organization into the file and exits 0, or 1 on an error. */
function otherProcessWrites(filename: string) {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 20000');
    console.log('writing');
    db.prepare("insert into organizations (id, name, created_at) values ('other', 'Other', 1)").run();
    db.close();`;
  const child = spawn(process.execPath, ['-e', script, filename], { stdio: ['ignore', 'pipe', 'inherit'] });
  const writing = once(child.stdout, 'data');
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { writing, exited };
}

describe('SQLite transactions next to another process', () => {
  let location: TestStore;
  let store: Store;
  before(async () => {
    location = await createTestStore('sqlite');
    store = await openTestStore(location);
  });
  after(async () => {
    await store.close();
    await location.drop();
  });

  it('take the write lock at the start, so a read-then-write transaction waits for no one', async () => {
    let other: ReturnType<typeof otherProcessWrites> | undefined;
    await store.transaction(async (trx) => {
      await trx.selectFrom('organizations').select('id').execute();
      other = otherProcessWrites(location.databaseUrl.slice('sqlite:'.length));
      await other.writing;
      // Give the other process time to try its insert (it waits for our lock).
      await sleep(300);
      await trx.insertInto('organizations').values({ id: 'ours', name: 'Ours', created_at: 1 }).execute();
    });
    assert.equal(await other!.exited, 0, 'the other process wrote once the lock was free');
    const ids = (await store.db.selectFrom('organizations').select('id').execute()).map((r) => r.id);
    assert.ok(ids.includes('ours') && ids.includes('other'), ids.join());
  });
});
