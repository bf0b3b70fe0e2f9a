import { sql } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Db } from './schema.js';

/** Rows of every table, in table creation order (so a parent table comes before its children). */
export interface StoreSnapshot {
  readonly tables: ReadonlyArray<{ readonly name: string; readonly rows: Record<string, unknown>[] }>;
  /** The tables with an `environment_id` column (what a per-environment reset goes by). */
  readonly environmentKeyed: ReadonlySet<string>;
}

/**
 * Tables a reset leaves alone: the migration bookkeeping, the instance's own key material
 * (signing keys, the sealing key) so tokens issued before a reset stay verifiable, and replay
 * guards.
 */
const KEPT = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  'signing_keys',
  'instance_settings',
  'client_assertion_jtis',
]);

async function tablesInCreationOrder(db: Db): Promise<string[]> {
  const names = isPostgres(db)
    ? (
        await sql<{ name: string }>`select c.relname as name from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          where c.relkind = 'r' and n.nspname = current_schema() order by c.oid`.execute(db)
      ).rows
    : (
        await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%' order by rowid`.execute(db)
      ).rows;
  return names.map((r) => r.name).filter((name) => !KEPT.has(name));
}

async function tablesWithEnvironmentId(db: Db): Promise<Set<string>> {
  const names = isPostgres(db)
    ? (
        await sql<{ name: string }>`select table_name as name from information_schema.columns
          where table_schema = current_schema() and column_name = 'environment_id'`.execute(db)
      ).rows
    : (
        await sql<{ name: string }>`select m.name as name from sqlite_master m
          join pragma_table_info(m.name) c where m.type = 'table' and c.name = 'environment_id'`.execute(db)
      ).rows;
  return new Set(names.map((r) => r.name));
}

/** Generated columns by table (migration 0015's on PostgreSQL): computed, so never inserted. */
async function generatedColumns(db: Db): Promise<Map<string, string[]>> {
  const found = isPostgres(db)
    ? (
        await sql<{ name: string; column: string }>`select table_name as name, column_name as column
          from information_schema.columns
          where table_schema = current_schema() and is_generated = 'ALWAYS'`.execute(db)
      ).rows
    : // hidden: 2 and 3 are generated columns (virtual and stored).
      (
        await sql<{ name: string; column: string }>`select m.name as name, c.name as column
          from sqlite_master m join pragma_table_xinfo(m.name) c
          where m.type = 'table' and c.hidden in (2, 3)`.execute(db)
      ).rows;
  const byTable = new Map<string, string[]>();
  for (const { name, column } of found) byTable.set(name, [...(byTable.get(name) ?? []), column]);
  return byTable;
}

/** Reads the whole store (small test stores only: it is held in memory). */
export async function takeSnapshot(db: Db): Promise<StoreSnapshot> {
  const tables = [];
  const generated = await generatedColumns(db);
  for (const name of await tablesInCreationOrder(db)) {
    // Table names come from the catalogue, never from a caller.
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    for (const column of generated.get(name) ?? []) for (const row of rows) delete row[column];
    tables.push({ name, rows });
  }
  return { tables, environmentKeyed: await tablesWithEnvironmentId(db) };
}

/** Replaces the content of every snapshotted table with the snapshot, inside `trx`. */
export async function restoreSnapshot(trx: Db, snapshot: StoreSnapshot): Promise<void> {
  for (const { name } of [...snapshot.tables].reverse()) {
    await sql`delete from ${sql.table(name)}`.execute(trx);
  }
  for (const { name, rows } of snapshot.tables) await insertRows(trx, name, rows);
}

/** Inserts snapshot rows into a table, 100 to a statement. */
export async function insertRows(
  trx: Db,
  name: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    const columns = Object.keys(chunk[0] ?? {});
    if (columns.length === 0) continue;
    const values = chunk.map(
      (row) => sql`(${sql.join(columns.map((column) => sql`${row[column] ?? null}`))})`,
    );
    await sql`insert into ${sql.table(name)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(values)}`.execute(
      trx,
    );
  }
}
