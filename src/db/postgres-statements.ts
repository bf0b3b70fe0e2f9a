/**
 * Named (server-side prepared) statements on PostgreSQL for the hot queries.
 *
 * Kysely's pg driver sends every query unnamed, so the server parses, analyses and plans the same
 * text again on every call: about 150 µs of the database's CPU for the user read of a GET, more
 * than the read itself (docs/benchmarks.md). A text registered here (`prepareQuery` and
 * `prepareWrite` register the SQL they compiled, `src/db/prepared.ts`) is sent under a name
 * instead: each connection parses it once, and after a few runs PostgreSQL keeps a generic plan.
 *
 * The registry maps SQL text to a name, like prepared.ts's compiled texts it is a pure function
 * of the code (the same for every store and connection), so it may live at module level. Other
 * queries (lists with a client's filter, migrations) stay unnamed, so a connection holds a
 * bounded set of statements.
 *
 * A named statement whose result columns change under it (another process's migration added a
 * column to a table read with `select *`) fails once with "cached plan must not change result
 * type". The connection then re-prepares it under a new name, and runs it again at once when no
 * transaction is open (inside one, the transaction has failed already; the error goes up).
 */

/** What this module needs of a pg client (kept structural: only dialect.ts imports pg). */
export interface PgClientLike {
  query(textOrConfig: unknown, values?: unknown[]): Promise<unknown>;
  release(error?: Error | boolean): void;
}

export interface PgPoolLike<C extends PgClientLike> {
  connect(): Promise<C>;
  end(): Promise<void>;
}

const names = new Map<string, string>();

/** Runs `text` as a named statement from now on (idempotent). */
export function registerNamedStatement(text: string): void {
  if (!names.has(text)) names.set(text, `tessera_${names.size + 1}`);
}

// Every write transaction pays these two; Kysely sends them as these exact texts.
registerNamedStatement('begin');
registerNamedStatement('commit');

/** PostgreSQL's "cached plan must not change result type" (feature_not_supported). */
function isResultTypeChange(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '0A000' &&
    error.message.includes('cached plan must not change result type')
  );
}

class NamingClient implements PgClientLike {
  /** Texts this connection re-prepared under another name (after a result-type change). */
  #renamed: Map<string, string> | undefined;
  #inTransaction = false;
  #renames = 0;

  constructor(readonly client: PgClientLike) {}

  async query(textOrConfig: unknown, values?: unknown[]): Promise<unknown> {
    if (typeof textOrConfig !== 'string') return this.client.query(textOrConfig, values);
    const text = textOrConfig;
    if (text === 'begin' || text.startsWith('start transaction')) this.#inTransaction = true;
    else if (text === 'commit' || text === 'rollback') this.#inTransaction = false;
    const name = this.#renamed?.get(text) ?? names.get(text);
    if (name === undefined) return this.client.query(text, values);
    try {
      return await this.client.query({ name, text, values });
    } catch (error) {
      if (!isResultTypeChange(error)) throw error;
      this.#renames += 1;
      const fresh = `${name}_r${this.#renames}`;
      (this.#renamed ??= new Map()).set(text, fresh);
      if (this.#inTransaction) throw error;
      return this.client.query({ name: fresh, text, values });
    }
  }

  release(error?: Error | boolean): void {
    // A connection goes back to the pool outside any transaction (Kysely ends each one first).
    this.#inTransaction = false;
    this.client.release(error);
  }
}

/**
 * The pool Kysely is given on PostgreSQL: each of `pool`'s clients runs registered texts as named
 * statements. One wrapper per client, so Kysely's per-client state stays attached to it.
 */
export function namingStatements<C extends PgClientLike>(pool: PgPoolLike<C>): PgPoolLike<NamingClient> {
  const wrappers = new WeakMap<C, NamingClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = new NamingClient(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
