import { Worker } from 'node:worker_threads';
import { rowsOf } from './read-rows.js';
import type { ReadRequest, ReadResponse } from './sqlite-read-worker.js';

/**
 * The worker's script. Built code runs `sqlite-read-worker.js`; under tsx (tests, `npm run dev`)
 * this module is TypeScript and a worker does not inherit tsx's loader, so a small bootstrap
 * registers it first.
 */
function workerEntry(): [string | URL, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) return [new URL('./sqlite-read-worker.js', import.meta.url), {}];
  const script = new URL('./sqlite-read-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`;
  return [bootstrap, { eval: true }];
}

interface Waiter {
  readonly resolve: (rows: unknown[]) => void;
  readonly reject: (error: Error) => void;
}

interface PooledWorker {
  readonly worker: Worker;
  readonly waiting: Map<number, Waiter>;
}

/**
 * Read-only SQLite connections on worker threads, for queries whose cost the caller controls
 * (list filters): SQLite runs a statement on the thread that calls it, so a scan of a million rows
 * on the main connection would stall every other request. WAL lets these readers see every
 * committed transaction without blocking the writer. Each statement goes to the worker with the
 * fewest waiting; a worker that dies fails its waiting statements and is replaced.
 */
export class SqliteReadPool {
  private readonly workers: PooledWorker[] = [];
  private nextId = 1;
  private closed = false;

  /** Workers start on the first statement: a store that never lists pays nothing. */
  constructor(
    private readonly filename: string,
    private readonly size: number,
  ) {}

  private spawn(): PooledWorker {
    const [entry, options] = workerEntry();
    const worker = new Worker(entry, { ...options, workerData: { filename: this.filename } });
    const pooled: PooledWorker = { worker, waiting: new Map() };
    worker.on('message', (response: ReadResponse) => {
      const waiter = pooled.waiting.get(response.id);
      if (!waiter) return;
      pooled.waiting.delete(response.id);
      if (pooled.waiting.size === 0) worker.unref();
      if ('values' in response) waiter.resolve(rowsOf(response.columns, response.values));
      else waiter.reject(Object.assign(new Error(response.error.message), { code: response.error.code }));
    });
    const fail = (error: Error) => {
      for (const waiter of pooled.waiting.values()) waiter.reject(error);
      pooled.waiting.clear();
      const index = this.workers.indexOf(pooled);
      if (index >= 0 && !this.closed) this.workers[index] = this.spawn();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`SQLite read worker stopped (exit code ${code})`)));
    // Referenced only while it owes answers: an idle pool never keeps the process alive.
    worker.unref();
    return pooled;
  }

  /** The rows of one read-only statement, computed on a worker thread. */
  all(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    while (this.workers.length < this.size) this.workers.push(this.spawn());
    const target = this.workers.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      target.waiting.set(id, { resolve, reject });
      target.worker.ref();
      const request: ReadRequest = { id, sql, parameters };
      target.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
