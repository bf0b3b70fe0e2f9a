import { parseOptions, type Algorithm, type Version } from '@node-rs/argon2';
import type { HashingConfig } from '../../config/config.js';
import { noMetrics, type Metrics } from '../shared/metrics.js';
import { parseEncoded, verifyLegacy, type Encoded } from './encodings.js';
import { createBoundedQueue } from './hash-queue.js';
import { HashWorkers, type HashResult } from './hash-workers.js';

export interface VerifyResult {
  readonly match: boolean;
  /** The stored encoding is legacy (or weaker than configured): rehash on a successful check. */
  readonly rehash: boolean;
}

export interface Hasher {
  /** argon2id with the configured cost, stored as `{ARGON2}$argon2id$...`. */
  hash(plain: string): Promise<string>;
  verify(stored: string, plain: string): Promise<VerifyResult>;
}

/** The process's hashing workers and their bounded queue. */
export interface HashingPool extends Hasher {
  /**
   * The same hashing on behalf of a caller whose connection may close: once `signal` aborts, its
   * hashing jobs not yet computing are dropped (those waiting in the queue, and one handed to a
   * worker but not started), so a client that gave up does not keep others waiting. A job
   * already computing finishes. The signal is passed, not carried by an AsyncLocalStorage: on
   * Node 20 one `run` of any AsyncLocalStorage turns on promise hooks for the rest of the
   * process, which made every later request's awaits dearer (about 7% of a GET's CPU,
   * docs/benchmarks.md "Sign-on's CPU (session 17)").
   */
  for(signal: AbortSignal | undefined): Hasher;
  /** Stops the hashing workers (the app's close). */
  close(): Promise<void>;
}

/** `Algorithm.Argon2id` of @node-rs/argon2 (an ambient const enum, which isolatedModules cannot read). */
const ARGON2ID = 2 as Algorithm;
/** `Version.V0x13`, the current argon2 version (19), likewise. */
const ARGON2_CURRENT_VERSION = 1 as Version;

export { busy, callerGone, createBoundedQueue } from './hash-queue.js';

const workerSeconds = (result: HashResult<unknown>) => result.seconds;

export function createHasher(config: HashingConfig, metrics: Metrics = noMetrics): HashingPool {
  const options = {
    algorithm: ARGON2ID,
    memoryCost: config.memoryKiB,
    timeCost: config.passes,
    parallelism: config.parallelism,
  };
  const workers = new HashWorkers(config.maxConcurrent, options);
  // The queue admits what the workers take at once (each is handed its next job early).
  const queue = createBoundedQueue(workers.capacity, config.queueLimit, metrics);
  /** The stored hash uses weaker (or other) parameters than configured: rehash it on success. */
  const weakerThanConfigured = (phc: string) => {
    const parsed = parseOptions(phc);
    return (
      parsed.algorithm !== ARGON2ID ||
      parsed.version !== ARGON2_CURRENT_VERSION ||
      parsed.memoryCost !== options.memoryCost ||
      parsed.timeCost !== options.timeCost ||
      parsed.parallelism !== options.parallelism
    );
  };
  const hasherFor = (signal: AbortSignal | undefined): Hasher => ({
    async hash(plain) {
      const hashed = await queue.run(() => workers.hash(plain, signal), 'hash', signal, workerSeconds);
      return '{ARGON2}' + hashed.value;
    },
    async verify(stored, plain) {
      let encoded: Encoded | undefined;
      try {
        encoded = parseEncoded(stored);
      } catch {
        encoded = undefined;
      }
      if (!encoded) return { match: false, rehash: false };
      if (encoded.scheme === 'ARGON2') {
        const phc = stored.slice('{ARGON2}'.length);
        const verified = await queue.run(
          () => workers.verify(phc, plain, signal),
          'verify',
          signal,
          workerSeconds,
        );
        const match = verified.value;
        return { match, rehash: match && weakerThanConfigured(phc) };
      }
      const match = await queue.run(() => verifyLegacy(encoded, plain), 'verify', signal);
      return { match, rehash: match };
    },
  });
  const anyCaller = hasherFor(undefined);
  return {
    ...anyCaller,
    for: (signal) => (signal ? hasherFor(signal) : anyCaller),
    close: () => workers.close(),
  };
}
