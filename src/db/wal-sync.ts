import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

/**
 * Makes the group commit's COMMITs durable off the event loop (SQLite file in WAL mode only).
 *
 * With `synchronous=FULL`, a WAL-mode COMMIT writes its frames and then fsyncs the `-wal` file
 * before it returns, and better-sqlite3 runs it on the event loop: the loop stands still for
 * the whole fsync. The group commit instead COMMITs with `synchronous=NORMAL` (dialect.ts
 * switches the level around its transactions only) and then calls `afterCommit()`, which
 * fdatasyncs the `-wal` file on libuv's thread pool; the batch's callers are answered only when
 * that sync has succeeded. Why this is as durable as FULL for every answered write:
 *
 * - In WAL mode, FULL and NORMAL write the same frames; the only difference is FULL's sync of
 *   the WAL after the commit frame (`sqlite3WalFrames`: `WAL_SYNC_FLAGS`, zero under NORMAL).
 *   With powersafe overwrite (the unix default) FULL pads nothing either. Our fdatasync of the
 *   same file, after the COMMIT's writes have returned, flushes those frames (and the file size
 *   fdatasync needs to read them back), which is that sync moved later.
 * - The WAL header written when the WAL starts over after a checkpoint is synced by SQLite at
 *   any level but OFF (`CKPT_SYNC_FLAGS`), so frames never follow an unsynced header; a
 *   checkpoint syncs the WAL before copying it and the database after, under NORMAL as under
 *   FULL. A frame lost before our sync belongs to a batch nobody has been answered for.
 * - Syncs run one at a time; each covers every COMMIT that returned before it started, and a
 *   batch waits for the first sync that started after its COMMIT. A failed sync fails its
 *   batches and every later one (after an fsync error Linux may drop the dirty pages and report
 *   the next fsync clean), like a failed COMMIT under FULL: nothing is reported done that may
 *   not be on disk. The store must then be reopened.
 *
 * What differs: under FULL a COMMIT becomes visible to readers only after its sync; here it is
 * visible (to this connection's reads and to other connections) from the COMMIT on, up to one
 * fsync before it is durable. Its writer is not answered before; a reader may be.
 * Not used for `:memory:`, or when the file is not in WAL mode (dialect.ts keeps FULL there).
 */
export class WalSync {
  private fd: number | undefined;
  private ino = -1;
  /** COMMITs reported so far; every one up to `durableUpTo` is synced. */
  private commits = 0;
  private durableUpTo = 0;
  private running: Promise<void> | undefined;
  private failure: Error | undefined;
  private waiting: Array<{ upTo: number; resolve: () => void; reject: (error: unknown) => void }> = [];
  /** Syncs issued (tests and benchmarks read this). */
  readonly stats = { syncs: 0 };

  constructor(
    private readonly walPath: string,
    /** Flushes `fd` to disk (fs.fdatasync on the thread pool; tests put their own in). */
    private readonly flush: (fd: number, done: (error: Error | null) => void) => void = fdatasync,
  ) {}

  /** Call right after a relaxed COMMIT returned: settles when that COMMIT is on disk. */
  afterCommit(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const upTo = ++this.commits;
    const durable = new Promise<void>((resolve, reject) => this.waiting.push({ upTo, resolve, reject }));
    this.kick();
    return durable;
  }

  /** True while a sync runs. */
  get syncing(): boolean {
    return this.running !== undefined;
  }

  /** Settles when no sync runs (at once when none does). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Waits for the syncs in flight, then lets go of the file. */
  async close(): Promise<void> {
    await this.settled();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private kick(): void {
    if (this.running || this.failure !== undefined || this.durableUpTo >= this.commits) return;
    const target = this.commits;
    this.running = new Promise<void>((resolve) => {
      let fd: number;
      try {
        fd = this.file();
      } catch (error) {
        this.fail(error);
        return resolve();
      }
      this.stats.syncs += 1;
      this.flush(fd, (error) => {
        if (error) this.fail(error);
        else this.done(target);
        resolve();
      });
    }).then(() => {
      this.running = undefined;
      this.kick();
    });
  }

  /** The `-wal` file's descriptor, opened again if the file at the path is another one. */
  private file(): number {
    const ino = statSync(this.walPath).ino;
    if (this.fd !== undefined && ino === this.ino) return this.fd;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    const fd = openSync(this.walPath, 'r');
    this.ino = fstatSync(fd).ino;
    this.fd = fd;
    return fd;
  }

  private done(target: number): void {
    this.durableUpTo = target;
    const still: typeof this.waiting = [];
    for (const waiter of this.waiting) {
      if (waiter.upTo <= target) waiter.resolve();
      else still.push(waiter);
    }
    this.waiting = still;
  }

  private fail(error: unknown): void {
    this.failure = new Error('the SQLite write-ahead log could not be synced to disk', { cause: error });
    for (const waiter of this.waiting) waiter.reject(this.failure);
    this.waiting = [];
  }
}
