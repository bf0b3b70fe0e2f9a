import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Store } from '../../src/db/store.js';
import {
  STORES,
  createTestStore,
  openTestStore,
  startTessera,
  type TestServer,
  type TestStore,
} from '../support/harness.js';

/**
 * fdatasync as the store sees it (wal-sync.ts imports it from node:fs; syncBuiltinESMExports
 * updates that binding): passes through, or, while held, queues each call until released.
 */
class SyncGate {
  private readonly original = fs.fdatasync;
  readonly held: Array<(error: NodeJS.ErrnoException | null) => void> = [];
  calls = 0;
  private holding = false;

  install(): void {
    fs.fdatasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      this.calls += 1;
      if (this.holding) this.held.push(callback);
      else this.original(fd, callback);
    }) as typeof fs.fdatasync;
    syncBuiltinESMExports();
  }

  uninstall(): void {
    fs.fdatasync = this.original;
    syncBuiltinESMExports();
  }

  hold(): void {
    this.holding = true;
  }

  /** Lets the held calls finish (with `error`, as a failed disk would), and stops holding. */
  release(error: NodeJS.ErrnoException | null = null): void {
    this.holding = false;
    for (const callback of this.held.splice(0)) callback(error);
  }

  async untilHeld(count: number): Promise<void> {
    for (let i = 0; i < 200 && this.held.length < count; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(this.held.length, count, `${count} fdatasync calls held`);
  }
}

const turns = () => new Promise((resolve) => setTimeout(resolve, 20));

const organization = (id: string) => ({ id, name: `Org ${id}`, created_at: 1 });

// A SQLite file's behaviour: PostgreSQL flushes its own WAL before a commit is visible.
if (STORES.includes('sqlite')) {
  describe('commits synced off the event loop [sqlite]', () => {
    const gate = new SyncGate();
    let location: TestStore;
    let store: Store;
    before(async () => {
      gate.install();
      location = await createTestStore('sqlite');
      store = await openTestStore(location, { syncCommitsOffLoop: true });
      await store.untilDurable();
    });
    afterEach(() => gate.release());
    after(async () => {
      await store.close();
      await location.drop();
      gate.uninstall();
    });

    const insert = (id: string) =>
      store.transaction((trx) => trx.insertInto('organizations').values(organization(id)).execute());

    it('commits without a sync in COMMIT, and answers only once an fdatasync after it succeeded', async () => {
      assert.deepEqual(store.dialect.runNow!('pragma synchronous', []).rows, [{ synchronous: 1 }]);
      gate.hold();
      let answered = false;
      const done = insert('a1').then(() => (answered = true));
      await gate.untilHeld(1);
      await turns();
      assert.equal(answered, false, 'not answered before its sync');
      // Committed and visible before it is durable: why every response waits (durable-responses.ts).
      const other = await openTestStore(location);
      try {
        const seen = await other.db.selectFrom('organizations').select('id').where('id', '=', 'a1').execute();
        assert.equal(seen.length, 1);
      } finally {
        await other.close();
      }
      assert.ok(store.untilDurable() instanceof Promise);
      gate.release();
      await done;
      assert.equal(store.untilDurable(), undefined);
    });

    it('lets commits made while a sync runs share the next one', async () => {
      gate.hold();
      const first = insert('b0');
      await gate.untilHeld(1);
      const later = Promise.all(['b1', 'b2', 'b3', 'b4'].map(insert));
      await turns();
      assert.equal(gate.held.length, 1, 'no second sync while one runs');
      const calls = gate.calls;
      gate.release();
      await Promise.all([first, later]);
      assert.equal(gate.calls - calls, 1, 'one sync for the commits made meanwhile');
    });

    it('fails the waiting writes, and every later wait, once a sync failed', async () => {
      const location2 = await createTestStore('sqlite');
      const broken = await openTestStore(location2, { syncCommitsOffLoop: true });
      try {
        await broken.untilDurable();
        gate.hold();
        const write = broken.transaction((trx) =>
          trx.insertInto('organizations').values(organization('c1')).execute(),
        );
        await gate.untilHeld(1);
        gate.release(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
        await assert.rejects(write, /could not make commits durable/);
        await assert.rejects(
          broken.transaction((trx) => trx.insertInto('organizations').values(organization('c2')).execute()),
          /could not make commits durable/,
        );
        await assert.rejects(broken.untilDurable()!, /could not make commits durable/);
      } finally {
        await broken.close().catch(() => undefined);
        await location2.drop();
      }
    });

    it('checkpoints on its worker thread, so the WAL is reused instead of growing', async () => {
      const walFile = location.databaseUrl.slice('sqlite:'.length) + '-wal';
      // The file keeps its largest size (the migrations'); what matters is that it stops growing.
      const pagesBefore = fs.statSync(walFile).size / 4096;
      const big = 'x'.repeat(3000);
      // 12 rounds of 100 one-page rows: about 1,200 WAL pages, more than SQLite's default
      // checkpoint (1,000 pages) and far under the main connection's own (10,000).
      for (let round = 0; round < 12; round++) {
        await store.transaction(async (trx) => {
          for (let i = 0; i < 100; i++)
            await trx
              .insertInto('organizations')
              .values({ id: `w${round}-${i}`, name: big + i, created_at: 1 })
              .execute();
        });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const grown = fs.statSync(walFile).size / 4096 - pagesBefore;
      // Without the worker it grows by about 1,300 pages (measured); a slow worker may miss rounds.
      assert.ok(grown < 800, `the WAL grew by ${Math.round(grown)} pages`);
    });

    it('syncs in COMMIT itself when not asked to (synchronous=FULL, nothing ever pending)', async () => {
      const plain = await openTestStore(location);
      try {
        assert.deepEqual(plain.dialect.runNow!('pragma synchronous', []).rows, [{ synchronous: 2 }]);
        gate.hold();
        await plain.transaction((trx) =>
          trx.insertInto('organizations').values(organization('d1')).execute(),
        );
        assert.equal(plain.untilDurable(), undefined);
        assert.equal(gate.held.length, 0);
      } finally {
        gate.release();
        await plain.close();
      }
    });
  });

  describe('responses wait for durable commits [sqlite]', () => {
    const gate = new SyncGate();
    let server: TestServer;
    let userPath: string;
    before(async () => {
      gate.install();
      server = await startTessera('sqlite');
      const environmentId = (await server.request('GET', '/v1/environments')).body._embedded.environments[0]
        .id as string;
      const population = await server.request('POST', `/v1/environments/${environmentId}/populations`, {
        body: { name: 'Durable' },
      });
      const user = await server.request('POST', `/v1/environments/${environmentId}/users`, {
        body: { username: 'durable.user', population: { id: population.body.id } },
      });
      userPath = `/v1/environments/${environmentId}/users/${user.body.id}`;
    });
    afterEach(() => gate.release());
    after(async () => {
      await server.close();
      gate.uninstall();
    });

    it('holds a read that may show a commit until that commit is durable', async () => {
      await server.adminToken();
      gate.hold();
      let patched = false;
      const patch = server
        .request('PATCH', userPath, { body: { title: 'Durable title' } })
        .then((response) => ((patched = true), response));
      await gate.untilHeld(1);
      let read = false;
      const get = server.request('GET', userPath).then((response) => ((read = true), response));
      await turns();
      assert.equal(patched, false);
      assert.equal(read, false, 'the GET that may show the commit waits for its sync');
      gate.release();
      const [patchResponse, getResponse] = await Promise.all([patch, get]);
      assert.equal(patchResponse.status, 200);
      assert.equal(getResponse.status, 200);
      assert.equal(getResponse.body.title, 'Durable title');
    });

    it('answers reads at once while nothing is pending', async () => {
      gate.hold();
      const response = await server.request('GET', userPath);
      assert.equal(response.status, 200);
      assert.equal(gate.held.length, 0);
    });

    // Last: it leaves the store broken.
    it("answers a failed sync with a server error in the face's format, never the data", async () => {
      gate.hold();
      const patch = server.request('PATCH', userPath, { body: { title: 'Never durable' } });
      await gate.untilHeld(1);
      const get = server.request('GET', userPath);
      gate.release(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
      for (const response of await Promise.all([patch, get])) {
        assert.equal(response.status, 500, response.text);
        assert.equal(response.body.code, 'UNEXPECTED_ERROR');
        assert.doesNotMatch(response.text, /Never durable/);
      }
    });
  });
}
