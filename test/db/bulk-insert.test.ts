import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BULK_ROWS, prepareBulkInsert } from '../../src/db/bulk-insert.js';
import { STORES, useOpenedStore } from '../support/harness.js';

const insertOrganizations = prepareBulkInsert('organizations', ['id', 'name', 'created_at']);

const rows = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(4, '0')}`,
    name: `Org ${prefix} ${i}`,
    created_at: 1000 + i,
  }));

for (const kind of STORES) {
  describe(`bulk inserts [${kind}]`, () => {
    const opened = useOpenedStore(kind);

    it('writes every row and value, in full chunks and a shorter last one, again with new values', async () => {
      for (const [prefix, count] of [
        ['a', 2 * BULK_ROWS + 7],
        ['b', 2 * BULK_ROWS + 7],
        ['c', 3],
      ] as const) {
        const written = rows(prefix, count);
        await insertOrganizations(opened.store.db, written);
        const read = await opened.store.db
          .selectFrom('organizations')
          .select(['id', 'name', 'created_at'])
          .where('id', 'like', `${prefix}-%`)
          .orderBy('id')
          .execute();
        assert.deepEqual(
          read.map((r) => ({ ...r, created_at: Number(r.created_at) })),
          written,
        );
      }
    });

    it('runs inside a transaction (rolled back with it) and tells the write watcher', async () => {
      const before = opened.store.writes.version(['organizations']);
      await assert.rejects(
        opened.store.transaction(async (trx) => {
          await insertOrganizations(trx, rows('rolled', 5));
          throw new Error('undo');
        }),
        /undo/,
      );
      const left = await opened.store.db
        .selectFrom('organizations')
        .select('id')
        .where('id', 'like', 'rolled-%')
        .execute();
      assert.deepEqual(left, []);
      await opened.store.transaction((trx) => insertOrganizations(trx, rows('kept', 5)));
      assert.ok(opened.store.writes.version(['organizations']) > before);
    });

    it('refuses the whole statement when one row breaks a constraint', async () => {
      await assert.rejects(insertOrganizations(opened.store.db, [...rows('dup', 3), rows('dup', 1)[0]!]));
      const left = await opened.store.db
        .selectFrom('organizations')
        .select('id')
        .where('id', 'like', 'dup-%')
        .execute();
      assert.deepEqual(left, []);
    });
  });
}
