import { Worker } from 'node:worker_threads';
import type { CheckpointWorkerData } from './wal-checkpoint-worker.js';

/** How often the worker looks for new commits to checkpoint. */
const CHECKPOINT_INTERVAL_MS = 100;

/**
 * The main connection's own checkpoints start only past this many WAL pages (40 MiB): a safety
 * net should the worker stop or fall behind. SQLite's default is 1,000.
 */
export const MAIN_CONNECTION_AUTOCHECKPOINT = 10_000;

/** After this many, the main connection's own checkpoints (above) are left to bound the WAL. */
const MAX_RESTARTS = 3;

/** As in sqlite-read-pool.ts: the built worker, or a bootstrap registering tsx first. */
function workerEntry(): [string | URL, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) return [new URL('./wal-checkpoint-worker.js', import.meta.url), {}];
  const script = new URL('./wal-checkpoint-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`;
  return [bootstrap, { eval: true }];
}

/**
 * Checkpoints the WAL of a server's SQLite file on a worker thread. SQLite's automatic checkpoint
 * runs inside the COMMIT that crosses 1,000 WAL pages, on the committing thread: on the event
 * loop it copied the pages back with a read and a write each and ran two fsyncs, 4–6 ms once per
 * 40-odd group commits. The worker runs a PASSIVE checkpoint every 100 ms when there were commits;
 * the writer then restarts the WAL at its next transaction, as before. A worker that stops is
 * started again (three times at most); meanwhile, and after, the main connection's own
 * checkpoints (past 10,000 pages) keep the WAL bounded.
 */
export class WalCheckpointer {
  private readonly commits = new Int32Array(new SharedArrayBuffer(4));
  /** The running worker; undefined once it stopped and may not be started again. */
  private worker: Worker | undefined;
  /** Settles when the running worker has exited. */
  private exited: Promise<void> = Promise.resolve();
  private closed = false;
  /** Workers started again after one stopped; bounded, so a worker that cannot run is not spun. */
  private restarts = 0;

  constructor(private readonly filename: string) {
    this.worker = this.spawn();
  }

  /** Called after each commit of the main connection. */
  committed(): void {
    Atomics.add(this.commits, 0, 1);
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    // Its own database connection closes on its thread; keep the process alive until it has.
    worker.ref();
    worker.postMessage('close');
    await this.exited;
  }

  private spawn(): Worker {
    const [entry, options] = workerEntry();
    const workerData: CheckpointWorkerData = {
      filename: this.filename,
      commits: this.commits.buffer,
      intervalMs: CHECKPOINT_INTERVAL_MS,
    };
    const worker = new Worker(entry, { ...options, workerData });
    // Never keeps the process alive by itself.
    worker.unref();
    // Its failure shows as its exit, handled there.
    worker.on('error', () => undefined);
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.worker = undefined;
        if (!this.closed && this.restarts < MAX_RESTARTS) {
          this.restarts += 1;
          this.worker = this.spawn();
        }
        resolve();
      }),
    );
    return worker;
  }
}
