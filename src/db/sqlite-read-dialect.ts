import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { SqliteReadPool } from './sqlite-read-pool.js';

/** A Kysely connection that sends each statement to the read pool (reads only, no transactions). */
class PooledReadConnection implements DatabaseConnection {
  constructor(private readonly pool: SqliteReadPool) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return { rows: (await this.pool.all(query.sql, query.parameters)) as R[] };
  }

  // eslint-disable-next-line require-yield -- an async generator that only refuses
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the SQLite read pool does not stream');
  }
}

class PooledReadDriver implements Driver {
  private readonly connection: PooledReadConnection;
  constructor(pool: SqliteReadPool) {
    this.connection = new PooledReadConnection(pool);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  beginTransaction(): Promise<void> {
    return Promise.reject(new Error('reads on the SQLite read pool run outside transactions'));
  }
  commitTransaction(): Promise<void> {
    return this.beginTransaction();
  }
  rollbackTransaction(): Promise<void> {
    return this.beginTransaction();
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** Kysely's SQLite dialect with its statements run by the worker-thread read pool. */
export class SqliteReadPoolDialect implements Dialect {
  constructor(private readonly pool: SqliteReadPool) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new PooledReadDriver(this.pool);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
