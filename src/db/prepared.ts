import { createQueryId, type Compilable, type CompiledQuery, type QueryResult } from 'kysely';
import { isPostgres } from './dialect.js';
import { recurringStatementsOf, registerNamedStatement } from './postgres-statements.js';
import type { DeferredFlush, GroupCommitUnit } from './group-commit.js';
import type { Db } from './schema.js';

/** Stands for the i-th argument while the query is compiled; never sent to a database. */
const slot = (index: number) => `\u0000tessera-prepared-slot-${index}\u0000`;

interface Compiled<R> {
  readonly query: CompiledQuery<R>;
  /** For each SQL parameter: the argument index it takes, or -1 to keep the compiled value. */
  readonly sources: readonly number[];
}

/**
 * A read on a hot path (every API call), built and compiled by Kysely once per dialect and then
 * run with new arguments. Building and compiling costs more than a primary-key lookup itself.
 * `build` receives one placeholder per argument and must use each as a plain bound value
 * (`where('id', '=', id)`), never inside SQL text.
 */
export function prepareQuery<A extends readonly unknown[], R>(
  arity: A['length'],
  build: (db: Db, ...args: A) => Compilable<R>,
): Prepared<A, R[]> {
  const { bind, run, step } = prepare(arity, build, false);
  return withStep(
    async (db, ...args) => {
      // A group-commit unit's handle runs it on the spot in `run` (runDirectlyWith).
      // The store's own handle (never a transaction's) reads without Kysely's executor: see
      // readDirectlyWith.
      const direct = directReadsOf(db);
      if (direct) {
        const { query, parameters } = bind(db, args);
        if (direct.readNow) {
          const rows = direct.readNow(query.sql, parameters);
          if (rows) return rows as R[];
        } else if (direct.readPooled) return (await direct.readPooled(query.sql, parameters)) as R[];
      }
      return (await run(db, args)).rows;
    },
    (db, args) => step(db, args, (result) => result.rows),
  );
}

/**
 * Runs a query built per request whose text recurs with new values only (`RecurringStatements`
 * says which belong): on PostgreSQL `db`'s store runs a recurring text as a named statement.
 */
export async function executeRecurring<R>(db: Db, query: Compilable<R>): Promise<R[]> {
  const compiled = query.compile();
  recurringStatementsOf(db)?.use(compiled.sql);
  return (await db.executeQuery(compiled)).rows;
}

/**
 * A prepared statement: run it, or (`step`) bind it to be run with others in one round trip
 * (`inOneTrip`).
 */
export type Prepared<A extends readonly unknown[], T> = ((db: Db, ...args: A) => Promise<T>) & {
  step(db: Db, ...args: A): Step<T>;
};

/** A bound statement `inOneTrip` sends, and how its answer becomes the caller's value. */
export interface Step<T> {
  readonly db: Db;
  readonly query: CompiledQuery;
  readonly isWrite: boolean;
  /** Runs it alone (SQLite, or any store where nothing is gained by sending several at once). */
  run(): Promise<T>;
  answer(result: QueryResult<unknown>): T;
}

function withStep<A extends readonly unknown[], T>(
  run: (db: Db, ...args: A) => Promise<T>,
  step: (db: Db, args: A) => Step<T>,
): Prepared<A, T> {
  return Object.assign(run, { step: (db: Db, ...args: A) => step(db, args) });
}

/** `step` with its answer turned into another value by `convert`. */
export function mapStep<T, U>(step: Step<T>, convert: (value: T) => U): Step<U> {
  return {
    db: step.db,
    query: step.query,
    isWrite: step.isWrite,
    run: async () => convert(await step.run()),
    answer: (result) => convert(step.answer(result)),
  };
}

type Answers<S extends readonly Step<unknown>[]> = { [K in keyof S]: S[K] extends Step<infer T> ? T : never };

/**
 * Runs statements of one transaction (or handle) in order, and on PostgreSQL in one round trip:
 * they are written together on its connection (pg's pipeline mode, postgres-statements.ts), so
 * a second statement that does not depend on the first's answer costs no wait, and no write and
 * read of its own on either side. PostgreSQL still runs them one after the other; once one fails
 * in a transaction, the ones after it fail too, and the first error is thrown. On SQLite each
 * runs as it would alone, in the same order.
 */
export async function inOneTrip<S extends readonly Step<unknown>[]>(...steps: S): Promise<Answers<S>> {
  const db = steps[0]?.db;
  if (!db || !isPostgres(db)) {
    const answers: unknown[] = [];
    for (const step of steps) answers.push(await step.run());
    return answers as Answers<S>;
  }
  const executor = db.getExecutor();
  for (const step of steps) if (step.isWrite) executor.transformQuery(step.query.query, createQueryId());
  const settled = await executor.provideConnection((connection) =>
    // Each query is handed to the connection before the previous one is answered.
    Promise.allSettled(steps.map((step) => connection.executeQuery(step.query))),
  );
  return settled.map((outcome, index) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return steps[index]!.answer(outcome.value);
  }) as Answers<S>;
}

/** Runs a read statement synchronously, or answers undefined when it cannot now. */
export type ReadNow = (sqlText: string, parameters: readonly unknown[]) => unknown[] | undefined;
/** Runs a read statement on a pooled connection outside any transaction. */
export type ReadPooled = (sqlText: string, parameters: readonly unknown[]) => Promise<unknown[]>;

interface DirectReads {
  readonly readNow?: ReadNow | undefined;
  readonly readPooled?: ReadPooled | undefined;
}

const DIRECT_READS = Symbol('tessera.directReads');

/**
 * Gives a store's root handle (never a transaction: Kysely builds those, and `withPlugin`
 * handles, as new objects without this property) direct readers for `prepareQuery`.
 * SQLite's `readNow` runs the statement on the spot when no transaction or query holds the one
 * connection, and so reads exactly what Kysely's queued path would read, minus its promises
 * (the connection mutex, the driver, the plugins: about half the CPU of a GET's one read).
 * PostgreSQL's `readPooled` takes a pooled connection as Kysely would, and skips the same
 * layers (5–9 µs of a GET). Reads go through no plugin: the write watcher only looks at writes.
 */
export function readDirectlyWith(db: Db, reads: DirectReads): void {
  if (reads.readNow || reads.readPooled) Object.defineProperty(db, DIRECT_READS, { value: reads });
}

function directReadsOf(db: Db): DirectReads | undefined {
  return (db as Db & { [DIRECT_READS]?: DirectReads })[DIRECT_READS];
}

/** Runs any statement synchronously on a connection its caller holds alone. */
export type RunNow = (
  sqlText: string,
  parameters: readonly unknown[],
) => { rows: unknown[]; changes: number };

const RUN_NOW = Symbol('tessera.runNow');

/** A group-commit unit as `deferUntilCommit` sees it: its batch, and its own written tables. */
export interface DeferringUnit extends GroupCommitUnit {
  wrote(table: string): void;
}

interface DirectRuns {
  readonly runNow: RunNow;
  readonly unit: DeferringUnit | undefined;
  open: boolean;
}

/**
 * Lets the prepared statements (and bulk inserts) of a SQLite group-commit unit run on the spot
 * through `runNow`, without Kysely's executor: the unit holds the one connection alone (the
 * group commit runs one unit at a time, and its transaction holds Kysely's connection mutex), so
 * nothing can come between. It skips the connection provider, driver and plugin promises of
 * each of a PATCH's statements. Writes still pass the handle's plugins first, so the write
 * watcher sees them. Answers `end`, which turns it off once the unit is over: a statement a
 * unit leaves running later takes Kysely's path and its checks again. A unit must not hold a
 * streaming query open across them (none does): better-sqlite3 would find the connection busy.
 */
export function runDirectlyWith(db: Db, runNow: RunNow, unit?: DeferringUnit): () => void {
  const runs: DirectRuns = { runNow, unit, open: true };
  Object.defineProperty(db, RUN_NOW, { value: runs });
  return () => {
    runs.open = false;
  };
}

/** The direct runner of `db` while its unit is open. */
export function runNowOf(db: Db): RunNow | undefined {
  const runs = (db as Db & { [RUN_NOW]?: DirectRuns })[RUN_NOW];
  return runs?.open ? runs.runNow : undefined;
}

/**
 * Hands `item` to the batch of the group-commit unit that `db` belongs to, for `flush` to write
 * with the items of the batch's other units right before its COMMIT (group-commit.ts). Answers
 * false when `db` is not such a unit's open handle (PostgreSQL, or the unit is over): the caller
 * then writes it itself. Only for rows that no statement of the same transaction reads, and that
 * no foreign key can refuse at the COMMIT (the batch would fail). `tables` are those `flush`
 * writes, reported as this unit's writes (read caches).
 */
export function deferUntilCommit<T>(
  db: Db,
  tables: readonly string[],
  flush: DeferredFlush<T>,
  item: T,
): boolean {
  const runs = (db as Db & { [RUN_NOW]?: DirectRuns })[RUN_NOW];
  if (!runs?.open || !runs.unit) return false;
  runs.unit.defer(flush, item);
  for (const table of tables) runs.unit.wrote(table);
  return true;
}

/**
 * Like prepareQuery, for a statement that writes and answers rows (a `returning` clause, or
 * PostgreSQL's data-modifying WITH clauses): plugins see it as a write.
 */
export function prepareWriteReturning<A extends readonly unknown[], R>(
  arity: A['length'],
  build: (db: Db, ...args: A) => Compilable<R>,
): Prepared<A, R[]> {
  const { run, step } = prepare(arity, build, true);
  return withStep(
    async (db, ...args) => (await run(db, args)).rows,
    (db, args) => step(db, args, (result) => result.rows),
  );
}

/** Like prepareQuery, for an INSERT, UPDATE or DELETE; answers the number of rows it changed. */
export function prepareWrite<A extends readonly unknown[]>(
  arity: A['length'],
  build: (db: Db, ...args: A) => Compilable<unknown>,
): Prepared<A, number> {
  const { run, step } = prepare(arity, build, true);
  const changed = (result: QueryResult<unknown>) => Number(result.numAffectedRows ?? 0);
  return withStep(
    async (db, ...args) => changed(await run(db, args)),
    (db, args) => step(db, args, changed),
  );
}

function prepare<A extends readonly unknown[], R>(
  arity: number,
  build: (db: Db, ...args: A) => Compilable<R>,
  isWrite: boolean,
) {
  const compiled = new Map<'postgres' | 'sqlite', Compiled<R>>();
  const compile = (db: Db): Compiled<R> => {
    // Every argument, whatever its type, is compiled as its slot string and replaced at run time.
    const slots = Array.from({ length: arity }, (_, index) => slot(index));
    const query = build(db, ...(slots as unknown as A)).compile();
    const sources = query.parameters.map((value) => (typeof value === 'string' ? slots.indexOf(value) : -1));
    const used = new Set(sources);
    for (let index = 0; index < arity; index += 1) {
      if (!used.has(index)) throw new Error(`prepared query does not bind argument ${index} as a value`);
    }
    return { query, sources };
  };
  /** The compiled query for `db`'s dialect and the parameters of `args`. */
  const bind = (db: Db, args: A) => {
    const kind = isPostgres(db) ? 'postgres' : 'sqlite';
    let entry = compiled.get(kind);
    if (!entry) {
      entry = compile(db);
      // PostgreSQL parses and plans it once per connection (postgres-statements.ts).
      if (kind === 'postgres') registerNamedStatement(entry.query.sql);
      compiled.set(kind, entry);
    }
    const { query, sources } = entry;
    const parameters = sources.map((source, index) =>
      source === -1 ? query.parameters[index] : args[source],
    );
    return { query, parameters };
  };
  const run = (db: Db, args: A): Promise<QueryResult<R>> => {
    const { query, parameters } = bind(db, args);
    // Plugins see every write (the store's write watcher keeps read caches honest).
    if (isWrite) db.getExecutor().transformQuery(query.query, createQueryId());
    const now = runNowOf(db);
    if (now) {
      const { rows, changes } = now(query.sql, parameters);
      return Promise.resolve({ rows: rows as R[], numAffectedRows: BigInt(changes) });
    }
    return db.executeQuery<R>({ ...query, parameters });
  };
  const step = <T>(db: Db, args: A, answer: (result: QueryResult<R>) => T): Step<T> => {
    const { query, parameters } = bind(db, args);
    return {
      db,
      query: { ...query, parameters },
      isWrite,
      run: async () => answer(await run(db, args)),
      answer: answer,
    };
  };
  return { bind, run, step };
}
