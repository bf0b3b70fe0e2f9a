// The SQLite read pool sends rows between threads as column names and one flat array of values
// (src/db/read-rows.ts): the rows it hands back must be the ones the main connection gives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serialize } from 'node:v8';
import { sql } from 'kysely';
import { flattenRows, rowsOf } from '../../src/db/read-rows.js';
import type { Store } from '../../src/db/store.js';
import { createTestStore, openTestStore, type TestStore } from '../support/harness.js';

describe('read pool rows', () => {
  it('rebuilds row objects from flat values, in column order, a repeated name keeping its last value', () => {
    const columns = ['id', 'n', 'id', 'we"ird\\\n', '1', '__proto__'];
    const rows = [
      ['a', 1, 'b', null, 2.5, 'x'],
      ['c', null, 'd', 'e', 0, null],
    ];
    const values = flattenRows(rows, columns.length);
    assert.equal(values.length, 12);
    // Packed, so structured clone writes it as a dense array ('A'), not a sparse one ('a', each
    // value with its index), which costs far more to read back. v8.serialize: 0xff, version, tag.
    assert.equal(String.fromCharCode(serialize(values)[2]!), 'A');
    const built = rowsOf(columns, values);
    const expected = rows.map((row) => {
      const object: Record<string, unknown> = {};
      columns.forEach((name, i) => (object[name] = row[i]));
      return object;
    });
    assert.deepEqual(built, expected);
    assert.deepEqual(
      built.map((row) => Object.keys(row)),
      expected.map((row) => Object.keys(row)),
    );
    assert.deepEqual(rowsOf(['a', 'b'], []), []);
    // The same columns twice share one builder and still read their own offsets.
    assert.deepEqual(rowsOf(['p', 'q'], [1, 2, 3, 4]), [
      { p: 1, q: 2 },
      { p: 3, q: 4 },
    ]);
  });

  describe('on a SQLite file', () => {
    let location: TestStore;
    let store: Store;
    before(async () => {
      location = await createTestStore('sqlite');
      store = await openTestStore(location, { sqliteReadWorkers: 1 });
    });
    after(async () => {
      await store.close();
      await location.drop();
    });

    it('gives the rows the main connection gives', async () => {
      const statement = sql`select 1 as "a", 'x' as "b", null as "c", 2.5 as "d", x'00ff' as "e",
        9007199254740991 as "f", 'later' as "a", 'q"\\' as "we""ird"
        union all select 2, 'y', 'z', -1, x'', 0, 'two', ''`;
      const onPool = await statement.execute(store.readDb);
      const onMain = await statement.execute(store.db);
      const plain = (rows: readonly unknown[]) =>
        rows.map((row) =>
          Object.fromEntries(
            Object.entries(row as Record<string, unknown>).map(([k, v]) => [
              k,
              v instanceof Uint8Array ? [...v] : v,
            ]),
          ),
        );
      assert.deepEqual(plain(onPool.rows), plain(onMain.rows));
      assert.deepEqual(Object.keys(onPool.rows[0]!), ['a', 'b', 'c', 'd', 'e', 'f', 'we"ird']);
      assert.equal((onPool.rows[0] as Record<string, unknown>).a, 'later');
      assert.deepEqual(await sql`select 1 as n where 0`.execute(store.readDb).then((r) => r.rows), []);
    });
  });
});
