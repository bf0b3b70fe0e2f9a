import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { callerGone } from './hash-queue.js';

/** argon2id parameters as @node-rs/argon2 takes them. */
export interface Argon2Options {
  readonly algorithm: number;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export type HashJob =
  | { readonly kind: 'hash'; readonly plain: string }
  | { readonly kind: 'verify'; readonly phc: string; readonly plain: string };

/** A job's cell in its worker's shared state: the worker claims it before computing. */
const PENDING = 1;
const RUNNING = 2;
const CANCELLED = 3;

/**
 * Each worker is sent its next job while it still computes the current one, so it starts that job
 * the moment it finishes, without waiting for the event loop (which may be blocked in a COMMIT's
 * fsync for milliseconds). One computes at a time, so memory stays bounded by the worker count.
 */
const JOBS_PER_WORKER = 2;

// CommonJS evaluated in the worker: no separate file, so built and tsx-run code start it alike.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const argon2 = require(workerData.argon2);
const cells = new Int32Array(workerData.cells);
const options = workerData.options;
parentPort.on('message', (job) => {
  if (Atomics.compareExchange(cells, job.cell, ${PENDING}, ${RUNNING}) !== ${PENDING}) {
    parentPort.postMessage({ id: job.id, skipped: true });
    return;
  }
  const started = performance.now();
  const startedAt = performance.timeOrigin + started;
  try {
    const value = job.kind === 'hash'
      ? argon2.hashSync(job.plain, options)
      : argon2.verifySync(job.phc, job.plain);
    parentPort.postMessage({ id: job.id, value, startedAt, seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String((error && error.message) || error) });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly skipped?: true;
  readonly value?: string | boolean;
  readonly seconds?: number;
  readonly startedAt?: number;
  readonly error?: string;
}

interface InFlight {
  readonly cell: number;
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: Error) => void;
}

interface HashWorker {
  readonly worker: Worker;
  readonly cells: Int32Array;
  readonly inFlight: Map<number, InFlight>;
}

export interface HashResult<T> {
  readonly value: T;
  /** Seconds the worker computed (the wait in its port excluded). */
  readonly seconds: number;
  /**
   * When the worker began computing, in milliseconds since the epoch (`timeOrigin + now()`, so
   * comparable across threads): shows whether a job started while the event loop was blocked.
   */
  readonly startedAt: number;
}

/**
 * argon2id on worker threads (TESSERA_HASH_CONCURRENCY of them), behind the bounded queue
 * (hash-queue.ts), which admits at most `JOBS_PER_WORKER` jobs per worker: see `JOBS_PER_WORKER`.
 * Workers start on the first job and hold the process open only while they owe answers.
 */
export class HashWorkers {
  private readonly workers: HashWorker[] = [];
  private nextId = 1;
  private closed = false;
  private readonly argon2Path = createRequire(import.meta.url).resolve('@node-rs/argon2');

  constructor(
    private readonly size: number,
    private readonly options: Argon2Options,
  ) {}

  /** How many jobs the queue may hand over at once. */
  get capacity(): number {
    return this.size * JOBS_PER_WORKER;
  }

  private spawn(): HashWorker {
    const shared = new SharedArrayBuffer(JOBS_PER_WORKER * Int32Array.BYTES_PER_ELEMENT);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { argon2: this.argon2Path, cells: shared, options: this.options },
    });
    const pooled: HashWorker = { worker, cells: new Int32Array(shared), inFlight: new Map() };
    worker.on('message', (reply: Reply) => {
      const job = pooled.inFlight.get(reply.id);
      if (!job) return;
      pooled.inFlight.delete(reply.id);
      Atomics.store(pooled.cells, job.cell, 0);
      if (pooled.inFlight.size === 0) worker.unref();
      job.resolve(reply);
    });
    const fail = (error: Error) => {
      for (const job of pooled.inFlight.values()) job.reject(error);
      pooled.inFlight.clear();
      const index = this.workers.indexOf(pooled);
      if (index >= 0) {
        if (this.closed) this.workers.splice(index, 1);
        else this.workers[index] = this.spawn();
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`hashing worker stopped (exit code ${code})`)));
    worker.unref();
    return pooled;
  }

  hash(plain: string, signal?: AbortSignal): Promise<HashResult<string>> {
    return this.run({ kind: 'hash', plain }, signal) as Promise<HashResult<string>>;
  }

  verify(phc: string, plain: string, signal?: AbortSignal): Promise<HashResult<boolean>> {
    return this.run({ kind: 'verify', phc, plain }, signal) as Promise<HashResult<boolean>>;
  }

  private async run(job: HashJob, signal?: AbortSignal): Promise<HashResult<string | boolean>> {
    if (this.closed) throw new Error('the hasher is closed');
    while (this.workers.length < this.size) this.workers.push(this.spawn());
    const target = this.workers.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    const cell = [0, 1].find((c) => Atomics.load(target.cells, c) === 0);
    // The queue admits at most JOBS_PER_WORKER per worker, and the fewest-first choice keeps it so.
    if (cell === undefined) throw new Error('hashing worker over capacity');
    const id = this.nextId++;
    Atomics.store(target.cells, cell, PENDING);
    const reply = await new Promise<Reply>((resolve, reject) => {
      // A job not yet started is marked so the worker skips it; its answer (skipped) still frees
      // the cell, and only then the queue's slot, so a worker never holds more than its share.
      const cancel = () => Atomics.compareExchange(target.cells, cell, PENDING, CANCELLED);
      signal?.addEventListener('abort', cancel, { once: true });
      const settled = () => signal?.removeEventListener('abort', cancel);
      target.inFlight.set(id, {
        cell,
        resolve: (r) => (settled(), resolve(r)),
        reject: (e) => (settled(), reject(e)),
      });
      target.worker.ref();
      target.worker.postMessage({ id, cell, ...job });
    });
    if (reply.skipped) throw callerGone();
    if (reply.error !== undefined) throw new Error(reply.error);
    return { value: reply.value!, seconds: reply.seconds ?? 0, startedAt: reply.startedAt ?? 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
