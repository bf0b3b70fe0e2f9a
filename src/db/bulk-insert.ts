import { createQueryId, type CompiledQuery, type Insertable } from 'kysely';
import { isPostgres } from './dialect.js';
import { registerNamedStatement } from './postgres-statements.js';
import { runNowOf } from './prepared.js';
import type { Database, Db } from './schema.js';

/** Rows per multi-row INSERT: well under both stores' bound-parameter limits for our tables. */
export const BULK_ROWS = 200;

/** Stands for the i-th value while the statement is compiled; never sent to a database. */
const slot = (index: number) => `\u0000tessera-bulk-slot-${index}\u0000`;

interface Compiled {
  readonly query: CompiledQuery;
  /** For each SQL parameter: the value index it takes, or -1 to keep the compiled value. */
  readonly sources: readonly number[];
}

type Row<T extends keyof Database> = Required<Insertable<Database[T]>>;

/**
 * Inserts many rows of `table` (bulk import), `BULK_ROWS` per statement. Kysely builds and
 * compiles the INSERT for a given number of rows once per dialect; later chunks of that size only
 * bind new values, and the SQLite driver reuses the statement it prepared for the same text.
 * Building and compiling a 200-row INSERT cost more than the database's own work on it. Every
 * column is written (a missing value is NULL, never a column default); plugins still see each
 * statement (the store's write watcher keeps read caches honest).
 */
export function prepareBulkInsert<T extends keyof Database>(
  table: T,
  columns: readonly (keyof Row<T> & string)[],
): (db: Db, rows: readonly Row<T>[]) => Promise<void> {
  const compiled = new Map<string, Compiled>();
  const compile = (db: Db, rowCount: number): Compiled => {
    const slotIndex = new Map<string, number>();
    const values = Array.from({ length: rowCount }, (_, row) =>
      Object.fromEntries(
        columns.map((column, c) => {
          const index = row * columns.length + c;
          slotIndex.set(slot(index), index);
          return [column, slot(index)];
        }),
      ),
    );
    const query = db
      .insertInto(table)
      .values(values as never)
      .compile();
    const sources = query.parameters.map((value) =>
      typeof value === 'string' ? (slotIndex.get(value) ?? -1) : -1,
    );
    if (new Set(sources).size - (sources.includes(-1) ? 1 : 0) !== rowCount * columns.length)
      throw new Error(`bulk insert into ${table} does not bind every value`);
    return { query, sources };
  };
  return async (db, rows) => {
    const kind = isPostgres(db) ? 'postgres' : 'sqlite';
    for (let start = 0; start < rows.length; start += BULK_ROWS) {
      const chunk = rows.slice(start, start + BULK_ROWS);
      const key = `${kind}:${chunk.length}`;
      let entry = compiled.get(key);
      if (!entry) {
        entry = compile(db, chunk.length);
        // One row is the hot case (an activity about one resource): a named statement on
        // PostgreSQL (postgres-statements.ts). Larger chunks (imports) stay unnamed.
        if (kind === 'postgres' && chunk.length === 1) registerNamedStatement(entry.query.sql);
        compiled.set(key, entry);
      }
      const { query, sources } = entry;
      const values = chunk.flatMap((row) =>
        columns.map((column) => (row as Record<string, unknown>)[column] ?? null),
      );
      db.getExecutor().transformQuery(query.query, createQueryId());
      const parameters = sources.map((source, index) =>
        source === -1 ? query.parameters[index] : values[source],
      );
      // A group-commit unit on SQLite runs it on the spot (prepared.ts, runDirectlyWith).
      const now = runNowOf(db);
      if (now) now(query.sql, parameters);
      else await db.executeQuery({ ...query, parameters });
    }
  };
}
