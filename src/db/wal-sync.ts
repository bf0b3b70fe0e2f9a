import { closeSync, fdatasync, openSync } from 'node:fs';
import { settleable, type Settleable } from './settleable.js';

/** What the store and the faces' shared hooks see of it. */
export interface CommitDurability {
  /**
   * Settles once every commit made so far is on disk; undefined when it already is (no promise,
   * so reads while nothing is pending cost nothing). Rejects when the WAL could not be synced.
   */
  pending(): Promise<void> | undefined;
}

interface Waiting extends Settleable<void> {
  /** How many commits it waits for (the count when it was asked for). */
  readonly upTo: number;
}

/**
 * Durable SQLite commits without an fsync on the event loop. The connection runs with
 * `synchronous=NORMAL` in WAL mode: a COMMIT writes its frames to the WAL and returns, and SQLite
 * still syncs the WAL before each checkpoint and the WAL header when it restarts the log, so the
 * file is never corrupted, but the last commits could be lost on power loss. This class gives
 * that durability back: after each commit it runs fdatasync on the WAL file on the thread pool
 * (Linux flushes the file's pages whichever descriptor asks), and nothing is acknowledged before
 * the sync that covers it has succeeded: the group commit answers its units then, and every
 * response waits for `pending()` (src/http/durable-responses.ts), since a read may have seen a
 * commit that is not durable yet. One sync covers every commit made before it started; commits
 * made while one runs share the next.
 *
 * A failed sync breaks the store for good: after a failed fdatasync the kernel may have dropped
 * the pages it could not write, so no later sync proves anything (PostgreSQL stops for the same
 * reason). Every wait rejects from then on; a restart recovers what the disk holds.
 *
 * The WAL file keeps its inode while this connection is open (SQLite deletes it only when the
 * last connection closes or the journal mode changes), so one descriptor serves the store's life.
 */
export class WalSync implements CommitDurability {
  private readonly fd: number;
  private commits = 0;
  private durable = 0;
  private syncing = false;
  /** Set once a sync failed: what every wait answers from then on. */
  private failure: Promise<never> | undefined;
  /** Promises handed out and not settled yet, by increasing `upTo`. */
  private readonly waiting: Waiting[] = [];

  constructor(walFile: string) {
    this.fd = openSync(walFile, 'r');
  }

  /** Called right after a statement made a commit on the connection. */
  committed(): void {
    this.commits += 1;
    if (!this.syncing && !this.failure) this.sync();
  }

  pending(): Promise<void> | undefined {
    if (this.failure) return this.failure;
    if (this.durable === this.commits) return undefined;
    const last = this.waiting.at(-1);
    if (last?.upTo === this.commits) return last.promise;
    const waiting = waitFor(this.commits);
    this.waiting.push(waiting);
    return waiting.promise;
  }

  /** Waits for what is pending, then releases the descriptor (a failure was told to the waiters). */
  async close(): Promise<void> {
    await this.pending()?.catch(() => undefined);
    closeSync(this.fd);
  }

  private sync(): void {
    this.syncing = true;
    const upTo = this.commits;
    fdatasync(this.fd, (error) => {
      this.syncing = false;
      if (error) {
        const failure = new Error('could not make commits durable: fdatasync of the WAL failed', {
          cause: error,
        });
        this.failure = Promise.reject(failure);
        this.failure.catch(() => undefined);
        for (const waiting of this.waiting.splice(0)) waiting.reject(failure);
        return;
      }
      this.durable = upTo;
      while (this.waiting[0] && this.waiting[0].upTo <= upTo) this.waiting.shift()!.resolve();
      if (this.commits > this.durable) this.sync();
    });
  }
}

function waitFor(upTo: number): Waiting {
  return { ...settleable(), upTo };
}
