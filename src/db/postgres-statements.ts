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
 * of the code (the same for every store and connection), so it may live at module level. Texts
 * that recur at run time (list pages of one filter shape, `RecurringStatements`) depend on what
 * clients send, so each store counts and names them itself: one store's clients never decide
 * what another store (tests open many in one process) names. Other queries (lists with other
 * filters, migrations) stay unnamed, so a connection holds a bounded set of statements.
 *
 * A named statement whose result columns change under it (another process's migration added a
 * column to a table read with `select *`) fails once with "cached plan must not change result
 * type". The connection then re-prepares it under a new name, and runs it again at once when no
 * transaction is open (inside one, the transaction has failed already; the error goes up).
 *
 * A transaction's `begin` is held back and written together with the statement after it, in one
 * write and one round trip (the pool's clients run in pg's pipeline mode, which sends a query
 * without waiting for the answer to the one before), when that statement is a `select`: every
 * row-locked transaction (a PATCH's `FOR UPDATE` read) starts with one. PostgreSQL runs them in
 * order, so the select runs inside the transaction as before. Should the `begin` fail, the select
 * may have run outside one; it only read (and locked a row until its own end), and the error goes
 * up, so the caller's transaction fails as it would have. Before any other statement the `begin`
 * is sent alone first, as before; a transaction with no statement at all sends nothing.
 */

/** What this module needs of a pg client (kept structural: only dialect.ts imports pg). */
export interface PgClientLike {
  query(textOrConfig: unknown, values?: unknown[]): Promise<unknown>;
  release(error?: Error | boolean): void;
  /** pg's connection: corking its socket lets two queries leave in one write. */
  readonly connection?: { readonly stream?: { cork?(): void; uncork?(): void } };
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

/** At most this many recurring texts are named per store, whatever filters clients send. */
const RECURRING_LIMIT = 64;

/**
 * One store's statements built per request whose text recurs with new values only (a user list
 * page of one filter shape, its values bound as parameters): each is named from its second use
 * on, up to `RECURRING_LIMIT` texts, later ones stay unnamed. Parsing and planning a list page
 * cost PostgreSQL about as much as running it (docs/benchmarks.md, "PostgreSQL lists (session
 * 14)"); named, each connection parses it once and PostgreSQL may keep a generic plan, so only
 * texts whose best plan does not depend on the values (the caller's judgement) belong here.
 * Its names (`tessera_r<N>`) never meet the registry's (`tessera_<N>`) on a connection.
 */
export class RecurringStatements {
  readonly #names = new Map<string, string>();
  /** Texts seen once so far: bounded too, cleared when full. */
  readonly #seenOnce = new Set<string>();

  /** Counts one use of `text` (`executeRecurring`, prepared.ts): named from its second one. */
  use(text: string): void {
    if (this.#names.has(text) || this.#names.size >= RECURRING_LIMIT || names.has(text)) return;
    if (this.#seenOnce.delete(text)) {
      this.#names.set(text, `tessera_r${this.#names.size + 1}`);
      return;
    }
    if (this.#seenOnce.size >= 4 * RECURRING_LIMIT) this.#seenOnce.clear();
    this.#seenOnce.add(text);
  }

  nameOf(text: string): string | undefined {
    return this.#names.get(text);
  }
}

/** What this module needs of a Kysely handle (kept structural, as `PgClientLike`). */
interface HandleLike {
  getExecutor(): { readonly adapter: object };
}

const RECURRING = Symbol('tessera.recurringStatements');

/**
 * Gives every handle of `db`'s store the store's recurring statements (`recurringStatementsOf`).
 * They are kept on its Kysely adapter, not on the handle: Kysely makes one adapter per `Kysely`
 * instance and hands that object to every handle built from it (transactions, `withPlugin`
 * handles), which it builds as new objects without the handle's own properties.
 */
export function nameRecurringWith(db: HandleLike, recurring: RecurringStatements | undefined): void {
  if (recurring) Object.defineProperty(db.getExecutor().adapter, RECURRING, { value: recurring });
}

/** The recurring statements of `db`'s store; undefined on SQLite. */
export function recurringStatementsOf(db: HandleLike): RecurringStatements | undefined {
  return (db.getExecutor().adapter as { [RECURRING]?: RecurringStatements })[RECURRING];
}

/** PostgreSQL's "cached plan must not change result type" (feature_not_supported). */
function isResultTypeChange(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '0A000' &&
    error.message.includes('cached plan must not change result type')
  );
}

/** What pg answers for a statement that returns no rows (Kysely reads `command` and `rows`). */
const noRows = (command: string) => ({ command, rowCount: null, rows: [], fields: [] });

class NamingClient implements PgClientLike {
  /** Texts this connection re-prepared under another name (after a result-type change). */
  #renamed: Map<string, string> | undefined;
  #inTransaction = false;
  #renames = 0;
  /** A `begin` answered but not yet sent (it leaves with the next statement). */
  #beginHeld = false;
  /** Settles once the statement after a `begin` sent alone is on its way (`#afterBegin`). */
  #beginSent: Promise<void> | undefined;
  /** The socket is corked until the current tick's end (`#corkUntilTickEnds`). */
  #corked = false;

  constructor(
    readonly client: PgClientLike,
    /** The client runs in pipeline mode: a held `begin` may share a round trip. */
    readonly pipelined: boolean,
    /** The store's recurring texts, named besides the registry's. */
    readonly recurring: RecurringStatements | undefined,
  ) {}

  async query(textOrConfig: unknown, values?: unknown[]): Promise<unknown> {
    // A held `begin` on its way alone: what comes after it (inOneTrip's next statements) waits.
    if (this.#beginSent) await this.#beginSent;
    if (this.#beginHeld) {
      this.#beginHeld = false;
      if (textOrConfig === 'commit' || textOrConfig === 'rollback') {
        // Nothing ran inside the transaction: there is nothing to end.
        this.#inTransaction = false;
        return noRows(textOrConfig.toUpperCase());
      }
      if (typeof textOrConfig === 'string' && textOrConfig.startsWith('select')) {
        return this.#withBegin(textOrConfig, values);
      }
      return this.#afterBegin(() => this.#dispatch(textOrConfig, values));
    }
    if (textOrConfig === 'begin' && this.pipelined) {
      this.#inTransaction = true;
      this.#beginHeld = true;
      return noRows('BEGIN');
    }
    return this.#dispatch(textOrConfig, values);
  }

  #dispatch(textOrConfig: unknown, values?: unknown[]): Promise<unknown> {
    if (typeof textOrConfig === 'string') return this.#send(textOrConfig, values);
    this.#corkUntilTickEnds();
    return this.client.query(textOrConfig, values);
  }

  /**
   * Sends the held `begin` alone and, once it is answered, hands `next` its statement. Queries
   * handed over meanwhile wait until that statement is on its way (`#beginSent`), keeping order.
   */
  async #afterBegin(next: () => Promise<unknown>): Promise<unknown> {
    let release = () => {};
    const sent = new Promise<void>((resolve) => (release = resolve));
    this.#beginSent = sent;
    let answered: Promise<unknown>;
    try {
      await this.#send('begin');
      answered = next();
    } finally {
      if (this.#beginSent === sent) this.#beginSent = undefined;
      release();
    }
    return answered;
  }

  /** Sends the held `begin` and `text` in one write; answers `text`'s result. */
  async #withBegin(text: string, values: unknown[] | undefined): Promise<unknown> {
    const [begin, result] = await Promise.allSettled([this.#send('begin'), this.#send(text, values)]);
    if (begin.status === 'rejected') throw begin.reason;
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  }

  /**
   * In pipeline mode, queries handed over in the same tick (a held `begin` and the statement
   * after it, `inOneTrip`'s statements) leave in one write: the socket stays corked until the
   * tick's synchronous code is done. pg corks each query's messages itself; this spans queries.
   */
  #corkUntilTickEnds(): void {
    if (!this.pipelined || this.#corked) return;
    const stream = this.client.connection?.stream;
    if (!stream?.cork || !stream.uncork) return;
    stream.cork();
    this.#corked = true;
    queueMicrotask(() => {
      this.#corked = false;
      stream.uncork!();
    });
  }

  /**
   * A statement its caller sends by itself on a connection outside any transaction (a GET's
   * read, `readPooled`): written at once, without the cork that lets others join it.
   */
  queryAlone(text: string, values: unknown[]): Promise<unknown> {
    return this.#send(text, values, false);
  }

  async #send(text: string, values?: unknown[], joinable = true): Promise<unknown> {
    if (joinable) this.#corkUntilTickEnds();
    if (text === 'begin' || text.startsWith('start transaction')) this.#inTransaction = true;
    else if (text === 'commit' || text === 'rollback') this.#inTransaction = false;
    const name = this.#renamed?.get(text) ?? names.get(text) ?? this.recurring?.nameOf(text);
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
    this.#beginHeld = false;
    this.#beginSent = undefined;
    this.client.release(error);
  }
}

/**
 * The pool Kysely is given on PostgreSQL: each of `pool`'s clients runs registered texts, and
 * the texts `options.recurring` (the store's own) named, as named statements. One wrapper per
 * client, so Kysely's per-client state stays attached to it.
 */
export function namingStatements<C extends PgClientLike>(
  pool: PgPoolLike<C>,
  options: { pipelined: boolean; recurring?: RecurringStatements },
): PgPoolLike<NamingClient> {
  const wrappers = new WeakMap<C, NamingClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = new NamingClient(client, options.pipelined, options.recurring);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
