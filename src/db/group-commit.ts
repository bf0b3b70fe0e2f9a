import type { ControlledTransaction, Kysely } from 'kysely';
import type { Database, Db } from './schema.js';
import type { RunNow } from './prepared.js';

/** Units of work committed together at most; bounds how long readers wait for a commit. */
const MAX_UNITS_PER_COMMIT = 32;
const SAVEPOINT = 'tessera_unit' as const;

interface Batch {
  readonly trx: ControlledTransaction<Database>;
  units: number;
  /** Settles when the batch's COMMIT is durable (or has failed). */
  readonly committed: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for SQLite. With `synchronous=FULL`, every COMMIT waits for an fsync, and
 * SQLite has one writer: under concurrent writes the fsyncs, not the work, bound throughput.
 * Transactions that arrive while another runs join one physical transaction, each inside its
 * own SAVEPOINT (a failed one is rolled back alone), and one COMMIT makes them all durable.
 * Each caller is answered only after that COMMIT, so an acknowledged write is still on disk,
 * and a failed COMMIT fails every unit of the batch: nothing is half-written or reported
 * done when it is not. An idle store commits at once, after one turn of the event loop.
 */
export class SqliteGroupCommit {
  private batch: Batch | undefined;
  private busy = false;
  private readonly waiting: Array<() => void> = [];
  /** Physical COMMITs issued and units they carried (benchmarks and tests read these). */
  readonly stats = { commits: 0, units: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    /** Told the units of each COMMIT that succeeded (metrics). */
    private readonly onCommit: (units: number) => void = () => undefined,
    /**
     * Runs SAVEPOINT and RELEASE on the spot: a unit holds the connection alone (one unit at a
     * time, and the batch's transaction holds Kysely's connection mutex). Without it they take
     * Kysely's path.
     */
    private readonly runNow?: RunNow,
  ) {}

  async run<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    await this.acquire();
    let batch: Batch | undefined;
    let result: T;
    try {
      batch = this.batch ??= await this.open();
      batch.units += 1;
      result = this.runNow ? await this.runDirect(batch, work) : await this.runUnit(batch, work);
    } finally {
      void this.handOver();
    }
    await batch.committed;
    return result;
  }

  /** One unit in a SAVEPOINT through Kysely. */
  private async runUnit<T>(batch: Batch, work: (trx: Db) => Promise<T>): Promise<T> {
    const unit = await batch.trx.savepoint(SAVEPOINT).execute();
    try {
      const result = await work(unit);
      await unit.releaseSavepoint(SAVEPOINT).execute();
      return result;
    } catch (error) {
      await this.undo(batch, () =>
        unit
          .rollbackToSavepoint(SAVEPOINT)
          .execute()
          .then(() => unit.releaseSavepoint(SAVEPOINT).execute()),
      );
      throw error;
    }
  }

  /** One unit whose SAVEPOINT and RELEASE run on the spot (store.ts lets its statements too). */
  private async runDirect<T>(batch: Batch, work: (trx: Db) => Promise<T>): Promise<T> {
    const runNow = this.runNow!;
    runNow(`savepoint ${SAVEPOINT}`, []);
    try {
      const result = await work(batch.trx);
      runNow(`release ${SAVEPOINT}`, []);
      return result;
    } catch (error) {
      await this.undo(batch, async () => {
        runNow(`rollback to ${SAVEPOINT}`, []);
        runNow(`release ${SAVEPOINT}`, []);
      });
      throw error;
    }
  }

  private async acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Called with the lock held after a unit: let the next unit join, or commit. */
  private async handOver(): Promise<void> {
    if (this.waiting.length === 0 && this.batch) {
      // Requests already read from their sockets reach `run` within this turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const next = this.waiting.shift();
    if (next && this.batch && this.batch.units < MAX_UNITS_PER_COMMIT) return next();
    await this.commit();
    if (next) return next();
    this.busy = false;
  }

  private async open(): Promise<Batch> {
    const trx = await this.db.startTransaction().execute();
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Units await it after their work; one that failed before never does.
    committed.catch(() => undefined);
    return { trx, units: 0, committed, resolve, reject };
  }

  private async commit(): Promise<void> {
    const batch = this.batch;
    this.batch = undefined;
    if (!batch) return;
    try {
      this.stats.commits += 1;
      this.stats.units += batch.units;
      await batch.trx.commit().execute();
      this.onCommit(batch.units);
      batch.resolve();
    } catch (error) {
      await batch.trx
        .rollback()
        .execute()
        .catch(() => undefined);
      batch.reject(error);
    }
  }

  /** Rolls one unit back; if the whole transaction is gone, the batch fails with it. */
  private async undo(batch: Batch, rollBack: () => Promise<unknown>): Promise<void> {
    try {
      await rollBack();
    } catch (error) {
      if (this.batch === batch) this.batch = undefined;
      await batch.trx
        .rollback()
        .execute()
        .catch(() => undefined);
      batch.reject(error);
    }
  }
}
