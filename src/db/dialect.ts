import Database from 'better-sqlite3';
import pg from 'pg';
import {
  PostgresAdapter,
  type PostgresPool,
  SqliteDialect,
  sql,
  type Dialect as KyselyDialect,
  type Driver,
  type QueryExecutorProvider,
  type Expression,
  type RawBuilder,
} from 'kysely';
import type { StoreConfig } from '../config/config.js';
import { SchemaScopedPostgresDialect } from './postgres-introspector.js';
import { RecurringStatements, namingStatements } from './postgres-statements.js';
import { WalSync, type CommitDurability } from './wal-sync.js';
import { MAIN_CONNECTION_AUTOCHECKPOINT, WalCheckpointer } from './wal-checkpointer.js';

// Over 300 lines: both stores' connection setup must stay in the one module allowed to import
// the drivers.

/**
 * Everything that differs between SQLite and PostgreSQL lives here: connection setup, value
 * conversions, JSON access, row locking and constraint-error detection. Repositories call these
 * helpers and stay dialect-free.
 */
export interface StoreDialect {
  readonly kind: StoreConfig['kind'];
  readonly kysely: KyselyDialect;
  /** Extracts a string at a dotted path from a JSON text column. */
  jsonText(column: string, path: readonly string[]): RawBuilder<string | null>;
  /**
   * The text expression compared byte by byte (code point order), so that a prefix is one index
   * range: SQLite's default BINARY collation already is; PostgreSQL gets `COLLATE "C"` (its
   * database collation may be linguistic). Migration 0012's filter indexes are built on it.
   */
  byteOrder(expression: Expression<unknown>): RawBuilder<unknown>;
  /** True when `error` is a unique-constraint violation, optionally of the named index. */
  isUniqueViolation(error: unknown, indexName?: string): boolean;
  /** PostgreSQL locks selected rows for the transaction; SQLite already serialises writers. */
  readonly supportsRowLocks: boolean;
  /** PostgreSQL: the connection pool's figures (for metrics); undefined on SQLite. */
  poolStats(): { total: number; idle: number; waiting: number } | undefined;
  /**
   * SQLite: runs a read statement synchronously when nothing holds the connection (no open
   * transaction, no query in flight), else answers undefined (`prepareQuery`'s fast path).
   */
  readonly readNow?: (sqlText: string, parameters: readonly unknown[]) => unknown[] | undefined;
  /**
   * SQLite: runs any statement at once, for a caller that holds the connection alone (a
   * group-commit unit: prepared.ts, runDirectlyWith). Answers its rows (a reader) or changes.
   */
  readonly runNow?: (sqlText: string, parameters: readonly unknown[]) => { rows: unknown[]; changes: number };
  /**
   * SQLite: a number that changes whenever another connection to the file (another process, such
   * as the CLI's import) has committed since the last call: `PRAGMA data_version`. This
   * connection's own commits do not change it (the store's write watcher sees those). Undefined
   * while a transaction or query holds the connection. Absent on PostgreSQL (no cheap check).
   */
  readonly commitsByOthers?: () => number | undefined;
  /**
   * PostgreSQL: runs a read statement on a pooled connection, outside any transaction, without
   * Kysely's executor (its connection provider, driver and plugin promises: 5–9 µs of a GET's
   * one read). `prepareQuery`'s path for the store's own handle; it reads what Kysely's would.
   */
  readonly readPooled?: (sqlText: string, parameters: readonly unknown[]) => Promise<unknown[]>;
  /**
   * PostgreSQL: this store's texts named because they recur (`executeRecurring`, prepared.ts);
   * its pool's connections run them as named statements.
   */
  readonly recurring?: RecurringStatements;
  /** PostgreSQL: every row has a version that any write to it changes (`rowVersion`). */
  readonly rowVersions: boolean;
  /**
   * SQLite file whose commits are synced off the event loop (wal-sync.ts): what must settle
   * before anything read from the store is shown. Absent when every COMMIT is durable at once.
   */
  readonly durability?: CommitDurability;
  /** SQLite: the whole database as bytes (`sqlite3_serialize`); undefined on PostgreSQL. */
  image(): Buffer | undefined;
  close(): Promise<void>;
}

interface SqliteStatementLike {
  readonly reader: boolean;
  all(parameters: readonly unknown[]): unknown[];
  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
}

/** better-sqlite3 cannot bind booleans; store them as 0/1 like SQLite itself does. */
function sqliteParameters(parameters: readonly unknown[]): unknown[] {
  return parameters.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

/** Prepared statements kept per SQL text: preparing costs more than running most of our queries. */
const STATEMENT_CACHE_SIZE = 500;

/** `onCommit`: told right after each statement that committed (WalSync counts them). */
function wrapSqlite(database: Database.Database, onCommit?: () => void) {
  const wrap = (text: string, statement: Database.Statement): SqliteStatementLike => {
    // SQLite calls COMMIT read-only (it changes no page itself); a write outside a transaction
    // commits on its own. Only those two can commit: the rest pays nothing.
    const commits = text === 'commit';
    const noted =
      onCommit && (commits || !statement.readonly)
        ? <R>(result: R): R => {
            if (commits || !database.inTransaction) onCommit();
            return result;
          }
        : undefined;
    return {
      reader: statement.reader,
      all: noted
        ? (parameters) => noted(statement.all(...sqliteParameters(parameters)))
        : (parameters) => statement.all(...sqliteParameters(parameters)),
      run: noted
        ? (parameters) => noted(statement.run(...sqliteParameters(parameters)))
        : (parameters) => statement.run(...sqliteParameters(parameters)),
      // A statement being iterated is busy until the iteration ends: stream on a private one.
      iterate: (parameters) => database.prepare(text).iterate(...sqliteParameters(parameters)),
    };
  };
  const cache = new Map<string, SqliteStatementLike>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sqlText: string): SqliteStatementLike {
      // Kysely begins with a deferred `begin`. A transaction that reads before it writes would
      // then fail with SQLITE_BUSY_SNAPSHOT when another process (a CLI import next to a running
      // server) committed in between; taking the write lock at the start makes it wait
      // (busy_timeout) instead. One process serializes its writers anyway (group commit).
      const text = sqlText === 'begin' ? 'begin immediate' : sqlText;
      let statement = cache.get(text);
      if (statement) {
        // Map order is insertion order: re-insert to mark it recently used.
        cache.delete(text);
      } else {
        statement = wrap(text, database.prepare(text));
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

/**
 * `image`: open an in-memory database holding a copy of these bytes (from `image()`).
 * `syncOffLoop`: a file database's commits are made durable off the event loop (wal-sync.ts).
 */
function sqliteDialect(filename: string, image?: Buffer, syncOffLoop = false): StoreDialect {
  const database = new Database(image ?? filename);
  database.pragma('busy_timeout = 5000');
  const wal = database.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  let walSync: WalSync | undefined;
  let checkpointer: WalCheckpointer | undefined;
  if (wal && syncOffLoop) {
    // A first read creates the WAL file of a new database.
    database.prepare('select count(*) from sqlite_master').get();
    walSync = new WalSync(`${filename}-wal`);
    database.pragma('synchronous = NORMAL');
    checkpointer = new WalCheckpointer(filename);
    database.pragma(`wal_autocheckpoint = ${MAIN_CONNECTION_AUTOCHECKPOINT}`);
  } else {
    // FULL: every COMMIT waits for its fsync (NORMAL alone could lose the last commits on power loss).
    database.pragma('synchronous = FULL');
  }
  database.pragma('foreign_keys = ON');
  const wrapped = wrapSqlite(
    database,
    walSync &&
      (() => {
        walSync.committed();
        checkpointer?.committed();
      }),
  );
  // About 3.7 µs of CPU (it opens a read transaction: the WAL read-mark lock), a third or less of
  // the one-row user read it lets a warm cache skip.
  const dataVersion = database.prepare('pragma data_version').pluck();
  // Kysely serialises the one connection with a mutex; `held` mirrors it (acquired until
  // released), so readNow never runs inside someone's transaction.
  let held = 0;
  const kysely = new (class extends SqliteDialect {
    override createDriver(): Driver {
      const driver = super.createDriver();
      const acquire = driver.acquireConnection.bind(driver);
      const release = driver.releaseConnection.bind(driver);
      driver.acquireConnection = async () => {
        const connection = await acquire();
        held += 1;
        return connection;
      };
      driver.releaseConnection = (connection) => {
        held -= 1;
        return release(connection);
      };
      return driver;
    }
  })({ database: wrapped });
  return {
    kind: 'sqlite',
    kysely,
    readNow(sqlText, parameters) {
      if (held !== 0) return undefined;
      const statement = wrapped.prepare(sqlText);
      return statement.reader ? statement.all(parameters) : undefined;
    },
    runNow(sqlText, parameters) {
      const statement = wrapped.prepare(sqlText);
      if (statement.reader) return { rows: statement.all(parameters), changes: 0 };
      return { rows: [], changes: Number(statement.run(parameters).changes) };
    },
    commitsByOthers: () => (held === 0 && database.open ? (dataVersion.get() as number) : undefined),
    jsonText(column, path) {
      return sql<
        string | null
      >`json_extract(${sql.ref(column)}, ${sql.lit('$.' + path.map((p) => `"${p}"`).join('.'))})`;
    },
    // A literal path, not a parameter: only then can SQLite match the expression indexes.
    byteOrder: (expression) => sql`${expression}`,
    isUniqueViolation(error, indexName) {
      if (!(error instanceof Error) || !('code' in error)) return false;
      const code = (error as { code?: unknown }).code;
      if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
      return indexName === undefined || error.message.includes(indexName);
    },
    supportsRowLocks: false,
    rowVersions: false,
    poolStats: () => undefined,
    image: () => database.serialize(),
    ...(walSync ? { durability: walSync } : {}),
    close: async () => {
      try {
        await checkpointer?.close();
        await walSync?.close();
      } finally {
        if (database.open) database.close();
      }
    },
  };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** pg's own parser for every other type (pg types it loosely; it returns the parsed value). */
const defaultParser = pg.types.getTypeParser as (
  oid: number,
  format?: 'text' | 'binary',
) => (value: string) => unknown;

function postgresDialect(url: string, searchPath?: string): StoreDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Queries are written without waiting for the previous answer (postgres-statements.ts sends
    // a transaction's `begin` with its first read). Kysely still runs one statement at a time
    // per connection, and nothing here streams rows through a cursor (refused in this mode).
    pipeline: true,
    ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
    // Our BIGINT columns hold epoch milliseconds and counters, all far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (value: string) => Number(value)
          : defaultParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Registered hot texts, and this store's recurring ones, run as named statements (parsed and
  // planned once per connection).
  const recurring = new RecurringStatements();
  const naming = namingStatements(pool, { pipelined: true, recurring });
  return {
    kind: 'postgres',
    recurring,
    kysely: new SchemaScopedPostgresDialect({ pool: naming as unknown as PostgresPool }),
    async readPooled(sqlText, parameters) {
      const client = await naming.connect();
      try {
        // As Kysely's driver sends it (a copy of the parameters), so it is named alike.
        return ((await client.queryAlone(sqlText, [...parameters])) as { rows?: unknown[] }).rows ?? [];
      } finally {
        client.release();
      }
    },
    jsonText(column, path) {
      return sql<string | null>`(${sql.ref(column)}::jsonb #>> ${sql.lit('{' + path.join(',') + '}')})`;
    },
    byteOrder: (expression) => sql`(${expression} COLLATE "C")`,
    isUniqueViolation(error, indexName) {
      if (!(error instanceof Error) || !('code' in error)) return false;
      if ((error as { code?: unknown }).code !== '23505') return false;
      return indexName === undefined || (error as { constraint?: string }).constraint === indexName;
    },
    supportsRowLocks: true,
    rowVersions: true,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    image: () => undefined,
    close: async () => {
      // Kysely's destroy() ends the pool; nothing else holds connections.
    },
  };
}

export function createStoreDialect(
  store: StoreConfig,
  options: {
    postgresSchema?: string | undefined;
    sqliteImage?: Buffer | undefined;
    syncCommitsOffLoop?: boolean | undefined;
  } = {},
): StoreDialect {
  return store.kind === 'sqlite'
    ? sqliteDialect(store.filename, options.sqliteImage, options.syncCommitsOffLoop)
    : postgresDialect(store.url, options.postgresSchema);
}

/** Anything that runs queries: a Kysely handle, a transaction, or a migration's `Kysely<any>`. */
type DialectProbe = QueryExecutorProvider;

/** True when `db` (a handle, transaction or migration handle) talks to PostgreSQL. */
export function isPostgres(db: DialectProbe): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Locks the rows `query` selects for the rest of the transaction on PostgreSQL. SQLite has no
 * row locks: its single writer connection already serialises transactions.
 */
export function lockingRows<Q extends { forUpdate(): Q }>(db: DialectProbe, query: Q): Q {
  return isPostgres(db) ? query.forUpdate() : query;
}

/**
 * The version of a row of `table` as text: PostgreSQL's `xmin` (the transaction that wrote this
 * version of the row), which every UPDATE, and every delete and insert again, changes, whoever
 * writes it (another process, a restore, SQL typed by hand); with the `revision` counter of the
 * users row, so that even a transaction id that came round again (after 2^32 of them) and a
 * restored revision would both have to coincide. Only PostgreSQL has it (`rowVersions`).
 */
export function rowVersion(db: DialectProbe, table: 'users'): RawBuilder<string> {
  if (!isPostgres(db)) throw new Error('row versions exist on PostgreSQL only');
  return sql<string>`(${sql.ref(`${table}.xmin`)}::text || ':' || ${sql.ref(`${table}.revision`)})`;
}

/**
 * Holds the rows `query` selects against deletion (and key changes) for the rest of the
 * transaction on PostgreSQL, without blocking other readers or sharers (`FOR KEY SHARE`, the lock
 * a foreign key check takes). SQLite's single writer connection already serialises transactions.
 */
export function keySharingRows<Q extends { forKeyShare(): Q }>(db: DialectProbe, query: Q): Q {
  return isPostgres(db) ? query.forKeyShare() : query;
}

/** Like `lockingRows`, skipping rows another transaction holds (work-queue claims). */
export function claimingRows<Q extends { forUpdate(): Q; skipLocked(): Q }>(db: DialectProbe, query: Q): Q {
  return isPostgres(db) ? query.forUpdate().skipLocked() : query;
}

/**
 * Refreshes the planner's statistics of `tables` after a bulk write. Right after a large import,
 * before autovacuum's own ANALYZE, PostgreSQL had no idea of the new rows and sorted a whole
 * environment for an unfiltered page instead of reading it in id order (96 ms against 0.2 ms per
 * page at 20,000 users). SQLite keeps no statistics unless asked, and the list statements are
 * shaped to need none (indexes in id order, migration 0013), so nothing is done there.
 */
export async function refreshPlannerStatistics(db: DialectProbe, tables: readonly string[]): Promise<void> {
  if (!isPostgres(db)) return;
  for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db);
}

/**
 * Serialises the transactions that take the same `key` until each ends, for rules no database
 * constraint enforces. PostgreSQL takes a transaction-scoped advisory lock; SQLite's single
 * writer already serialises transactions.
 */
export async function lockKey(db: DialectProbe, key: string): Promise<void> {
  if (isPostgres(db)) await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
}
