import type { ControlledTransaction, Kysely } from 'kysely';
import type { Database, Db } from './schema.js';
import type { RunNow } from './prepared.js';
import { settleable, type Settleable } from './settleable.js';
import type { CommitDurability } from './wal-sync.js';

/** Units of work committed together at most; bounds how long readers wait for a commit. */
const MAX_UNITS_PER_COMMIT = 32;
const SAVEPOINT = 'tessera_unit' as const;

/**
 * Writes that a unit hands to its batch instead of running them itself: each flush function runs
 * once per batch, with the items of every unit that succeeded, inside the batch's transaction
 * right before its COMMIT (or before a unit that must see them: `afterDeferredWrites`).
 */
export type DeferredFlush<T> = (trx: Db, items: readonly T[]) => Promise<void>;

/** What a unit can do with its batch besides running statements. */
export interface GroupCommitUnit {
  /** Queues `item` for `flush`; dropped if the unit fails. */
  defer<T>(flush: DeferredFlush<T>, item: T): void;
}

type Deferred = Map<DeferredFlush<never>, unknown[]>;

interface Batch {
  readonly trx: ControlledTransaction<Database>;
  units: number;
  /** Deferred writes of the batch's units that succeeded, in the order they were queued. */
  readonly deferred: Deferred;
  /** Settles when the batch's COMMIT is durable (or has failed, or could not be synced). */
  readonly committed: Settleable<void>;
}

/**
 * Group commit for SQLite. Every COMMIT waits for an fsync (`synchronous=FULL`, or the WAL sync
 * after it: wal-sync.ts), and SQLite has one writer: under concurrent writes the fsyncs, not the
 * work, would bound throughput.
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
    /** When COMMIT does not sync (wal-sync.ts): units are answered once this says it is durable. */
    private readonly durability?: CommitDurability,
  ) {}

  /**
   * `afterDeferredWrites`: the unit reads or deletes what earlier units of the batch deferred
   * (activities: retention, environment reset), so their writes run first.
   */
  async run<T>(
    work: (trx: Db, unit: GroupCommitUnit) => Promise<T>,
    options: { afterDeferredWrites?: boolean } = {},
  ): Promise<T> {
    await this.acquire();
    let batch: Batch | undefined;
    let result: T;
    try {
      batch = this.batch ??= await this.open();
      if (options.afterDeferredWrites && batch.deferred.size > 0) {
        const flushed = await this.flushDeferred(batch);
        if (!flushed) batch = this.batch = await this.open();
      }
      batch.units += 1;
      const staged: Deferred = new Map();
      const unit: GroupCommitUnit = { defer: (flush, item) => stage(staged, flush, item) };
      const bound = (trx: Db) => work(trx, unit);
      result = this.runNow ? await this.runDirect(batch, bound) : await this.runUnit(batch, bound);
      for (const [flush, items] of staged) for (const item of items) stage(batch.deferred, flush, item);
    } finally {
      void this.handOver();
    }
    await batch.committed.promise;
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
    // Units await it after their work; one that failed before never does.
    return { trx, units: 0, deferred: new Map(), committed: settleable() };
  }

  /**
   * Runs the batch's deferred writes (multi-row statements: cheaper per row than each unit's
   * own, and outside any unit's SAVEPOINT). If one fails, the whole batch fails, as a failed
   * COMMIT would: answers false once it is rolled back.
   */
  private async flushDeferred(batch: Batch): Promise<boolean> {
    try {
      for (const [flush, items] of batch.deferred) await flush(batch.trx, items as never[]);
      batch.deferred.clear();
      return true;
    } catch (error) {
      await this.fail(batch, error);
      return false;
    }
  }

  private async commit(): Promise<void> {
    const batch = this.batch;
    this.batch = undefined;
    if (!batch) return;
    if (!(await this.flushDeferred(batch))) return;
    try {
      this.stats.commits += 1;
      this.stats.units += batch.units;
      await batch.trx.commit().execute();
      this.onCommit(batch.units);
      // The next batch may run while this one's sync is under way (the lock is released now).
      const durable = this.durability?.pending();
      if (durable) durable.then(batch.committed.resolve, batch.committed.reject);
      else batch.committed.resolve();
    } catch (error) {
      await this.fail(batch, error);
    }
  }

  /** Rolls one unit back; if the whole transaction is gone, the batch fails with it. */
  private async undo(batch: Batch, rollBack: () => Promise<unknown>): Promise<void> {
    try {
      await rollBack();
    } catch (error) {
      await this.fail(batch, error);
    }
  }

  /** The batch's transaction is lost: roll back what is left, and fail every unit of it. */
  private async fail(batch: Batch, error: unknown): Promise<void> {
    if (this.batch === batch) this.batch = undefined;
    await batch.trx
      .rollback()
      .execute()
      .catch(() => undefined);
    batch.committed.reject(error);
  }
}

function stage(deferred: Deferred, flush: DeferredFlush<never>, item: unknown): void {
  const items = deferred.get(flush);
  if (items) items.push(item);
  else deferred.set(flush, [item]);
}
