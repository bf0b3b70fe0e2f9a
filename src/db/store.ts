import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator } from 'kysely';
import type { StoreConfig } from '../config/config.js';
import { createStoreDialect, type StoreDialect } from './dialect.js';
import { SqliteGroupCommit, type GroupCommitUnit } from './group-commit.js';
import { SqliteReadPoolDialect } from './sqlite-read-dialect.js';
import { SqliteReadPool } from './sqlite-read-pool.js';
import { requireCurrentSchema, waitForPostgres, type ConnectRetry } from './store-startup.js';
import { migrations } from './migrations/index.js';
import { nameRecurringWith } from './postgres-statements.js';
import { readDirectlyWith, runDirectlyWith } from './prepared.js';
import { TableWriteRecorder, WriteWatcher } from './write-watcher.js';
import type { Database, Db } from './schema.js';

export interface Store {
  readonly db: Db;
  /**
   * For reads whose cost a client controls (filtered lists), outside transactions. On a SQLite
   * file it runs them on worker threads (sqlite-read-pool.ts) so they never stall the event loop;
   * elsewhere it is `db`. It sees what has been committed.
   */
  readonly readDb: Db;
  readonly dialect: StoreDialect;
  /** SQLite only: how many transactions each fsync'ed COMMIT carried. */
  readonly groupCommit: SqliteGroupCommit['stats'] | undefined;
  /** PostgreSQL: the connection pool's figures (metrics); undefined on SQLite. */
  poolStats(): { total: number; idle: number; waiting: number } | undefined;
  /**
   * Settles once every commit made so far is durable; undefined when it already is. Only a
   * SQLite file store that syncs its commits off the event loop ever waits (wal-sync.ts): what a
   * response shows must wait for it (src/http/durable-responses.ts).
   */
  untilDurable(): Promise<void> | undefined;
  /** This process's writes per table, for read caches. */
  readonly writes: WriteWatcher;
  /**
   * Runs `work` in one transaction: all of it is committed, or none of it. `afterDeferredWrites`:
   * `work` reads or deletes rows that other transactions may have deferred until their commit
   * (`deferUntilCommit`: activities), so those are written first.
   */
  transaction<T>(work: (trx: Db) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  readonly afterDeferredWrites?: boolean;
}

export interface OpenStoreOptions {
  /** PostgreSQL schema to use (tests isolate themselves in their own schema). */
  readonly postgresSchema?: string | undefined;
  /** How long to keep retrying an unreachable PostgreSQL (default: no retry). */
  readonly connectTimeoutMs?: number;
  readonly onConnectRetry?: (retry: ConnectRetry) => void;
  /** SQLite: told the units of each group COMMIT (metrics). */
  readonly onGroupCommit?: (units: number) => void;
  /** SQLite file: worker threads for `readDb` (0: reads run on the main connection). */
  readonly sqliteReadWorkers?: number;
  /** An in-memory SQLite store starts from this migrated image when it holds one (see below). */
  readonly memoryImage?: MigratedMemoryImage;
  /**
   * SQLite file: commits are made durable by an fsync on the thread pool, not in COMMIT on the
   * event loop (wal-sync.ts). Only for a process that waits for `untilDurable()` before showing
   * what it read (the server); otherwise every COMMIT syncs.
   */
  readonly syncCommitsOffLoop?: boolean;
}

/**
 * The freshly migrated, still empty schema of an in-memory SQLite store, kept by the first such
 * store opened with it, so that later ones (library instances in one process) start from a copy
 * of its bytes instead of running every migration again. Each store gets its own copy: nothing
 * is shared once it is open. Only the migrations of this build made it, so it is never stale.
 */
export class MigratedMemoryImage {
  #bytes: Buffer | undefined;
  get bytes(): Buffer | undefined {
    return this.#bytes;
  }
  keep(bytes: Buffer | undefined): void {
    this.#bytes ??= bytes;
  }
}

export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  if (config.kind === 'sqlite' && config.filename !== ':memory:') {
    mkdirSync(dirname(config.filename), { recursive: true });
  }
  const inMemory = config.kind === 'sqlite' && config.filename === ':memory:';
  const image = inMemory ? options.memoryImage?.bytes : undefined;
  const dialect = createStoreDialect(config, { ...options, sqliteImage: image });
  const writes = new WriteWatcher();
  const db = new Kysely<Database>({
    dialect: dialect.kysely,
    plugins: [new TableWriteRecorder((table) => writes.bump(table))],
  });
  readDirectlyWith(db, { readNow: dialect.readNow, readPooled: dialect.readPooled });
  nameRecurringWith(db, dialect.recurring);
  try {
    if (config.kind === 'postgres') {
      await waitForPostgres(db, config, options.connectTimeoutMs ?? 0, options.onConnectRetry ?? (() => {}));
    }
    if (!image) {
      await migrate(db, dialect);
      if (inMemory) options.memoryImage?.keep(dialect.image());
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // PostgreSQL commits concurrent transactions in parallel on its own; SQLite needs help.
  const groupCommit =
    dialect.kind === 'sqlite'
      ? new SqliteGroupCommit(db, options.onGroupCommit, dialect.runNow, dialect.durability)
      : undefined;
  const readPool =
    config.kind === 'sqlite' && config.filename !== ':memory:' && (options.sqliteReadWorkers ?? 0) > 0
      ? new SqliteReadPool(config.filename, options.sqliteReadWorkers!)
      : undefined;
  const readDb = readPool ? new Kysely<Database>({ dialect: new SqliteReadPoolDialect(readPool) }) : db;
  let closed = false;
  return {
    db,
    readDb,
    dialect,
    writes,
    groupCommit: groupCommit?.stats,
    poolStats: () => dialect.poolStats(),
    untilDurable: dialect.durability ? () => dialect.durability!.pending() : () => undefined,
    async transaction(work, transactionOptions) {
      const written = new Set<string>();
      const recorded = async (trx: Db, unit?: GroupCommitUnit) => {
        const handle = trx.withPlugin(new TableWriteRecorder((table) => written.add(table)));
        if (!groupCommit || !dialect.runNow) return work(handle);
        // A group-commit unit holds SQLite's connection alone: its prepared statements run on
        // the spot (prepared.ts), until the unit ends; it may defer writes to its batch.
        const deferring = unit && {
          defer: unit.defer.bind(unit),
          wrote: (table: string) => written.add(table),
        };
        const end = runDirectlyWith(handle, dialect.runNow, deferring);
        try {
          return await work(handle);
        } finally {
          end();
        }
      };
      const result = groupCommit
        ? await groupCommit.run(recorded, transactionOptions)
        : await db.transaction().execute((trx) => recorded(trx));
      for (const table of written) writes.bump(table);
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await readPool?.close();
      await db.destroy();
      await dialect.close();
    },
  };
}

async function migrate(db: Db, dialect: StoreDialect): Promise<void> {
  // Kysely looks for its migration tables in *every* PostgreSQL schema unless told which one:
  // another schema's kysely_migration (a second Tessera, a parallel test) would make it skip
  // creating ours. Name the schema the store really uses.
  const migrationTableSchema = dialect.kind === 'postgres' ? await requireCurrentSchema(db) : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed`, { cause: error });
  }
}
