import { AsyncLocalStorage } from 'node:async_hooks';
import {
  hash as argon2Hash,
  parseOptions,
  verify as argon2Verify,
  type Algorithm,
  type Version,
} from '@node-rs/argon2';
import type { HashingConfig } from '../../config/config.js';
import { DomainError } from '../shared/errors.js';
import { noMetrics, secondsSince, type HashOperation, type Metrics } from '../shared/metrics.js';
import { parseEncoded, verifyLegacy, type Encoded } from './encodings.js';

export interface VerifyResult {
  readonly match: boolean;
  /** The stored encoding is legacy (or weaker than configured): rehash on a successful check. */
  readonly rehash: boolean;
}

export interface Hasher {
  /** argon2id with the configured cost, stored as `{ARGON2}$argon2id$...`. */
  hash(plain: string): Promise<string>;
  verify(stored: string, plain: string): Promise<VerifyResult>;
  /**
   * Runs `work` on behalf of a caller whose connection may close: once `signal` aborts, its
   * hashing jobs still waiting in the queue are dropped, so a client that gave up does not keep
   * others waiting. (A job already computing finishes: the queue starts no more jobs than the
   * libuv pool runs at once, so there is never a started-but-unscheduled native job to cancel.)
   */
  onBehalfOf<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T>;
}

/** `Algorithm.Argon2id` of @node-rs/argon2 (an ambient const enum, which isolatedModules cannot read). */
const ARGON2ID = 2 as Algorithm;
/** `Version.V0x13`, the current argon2 version (19), likewise. */
const ARGON2_CURRENT_VERSION = 1 as Version;

/** The caller went away while its hashing job waited: nobody reads the answer. */
export const callerGone = (): DomainError =>
  new DomainError('rate_limited', [
    { code: 'limit_exceeded', message: 'The request was abandoned: the client closed the connection.' },
  ]);

export const busy = (): DomainError =>
  new DomainError('rate_limited', [], { reason: 'busy', retryAfterSeconds: 1 });

/**
 * At most `maxConcurrent` jobs run at once; up to `queueLimit` wait; beyond that the caller is
 * refused at once (429) rather than queueing without bound and letting every request time out.
 */
export function createBoundedQueue(maxConcurrent: number, queueLimit: number, metrics: Metrics = noMetrics) {
  let active = 0;
  const waiting: Array<() => void> = [];
  metrics.gauge('password_hash_queue_depth', () => waiting.length);
  metrics.gauge('password_hash_active', () => active);
  return {
    async run<T>(
      work: () => Promise<T>,
      operation: HashOperation = 'hash',
      signal?: AbortSignal,
    ): Promise<T> {
      const queued = performance.now();
      if (signal?.aborted) throw callerGone();
      if (active >= maxConcurrent) {
        if (waiting.length >= queueLimit) {
          metrics.hashRejected();
          throw busy();
        }
        // The finishing job hands its slot over directly, so `active` stays the same.
        await new Promise<void>((resolve, reject) => {
          const dropped = () => {
            // Dropped from the queue: no slot was handed to it, so `active` is unchanged.
            const index = waiting.indexOf(start);
            if (index >= 0) {
              waiting.splice(index, 1);
              reject(callerGone());
            }
          };
          // The signal is the connection's (one per keep-alive socket, many requests): a job
          // that starts stops listening, or every queued request would leave a listener behind.
          const start = () => {
            signal?.removeEventListener('abort', dropped);
            resolve();
          };
          waiting.push(start);
          signal?.addEventListener('abort', dropped, { once: true });
        });
      } else {
        active += 1;
      }
      metrics.hashWaited(secondsSince(queued));
      const started = performance.now();
      try {
        return await work();
      } finally {
        metrics.hashComputed(operation, secondsSince(started));
        const next = waiting.shift();
        if (next) next();
        else active -= 1;
      }
    },
    get pending() {
      return waiting.length;
    },
  };
}

export function createHasher(config: HashingConfig, metrics: Metrics = noMetrics): Hasher {
  const queue = createBoundedQueue(config.maxConcurrent, config.queueLimit, metrics);
  const options = {
    algorithm: ARGON2ID,
    memoryCost: config.memoryKiB,
    timeCost: config.passes,
    parallelism: config.parallelism,
  };
  // The signal of the caller on whose behalf the current async chain hashes (see onBehalfOf).
  const caller = new AsyncLocalStorage<AbortSignal | undefined>();
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
  return {
    onBehalfOf: (signal, work) => caller.run(signal, work),
    async hash(plain) {
      const signal = caller.getStore();
      // The native binding computes on a libuv thread: the event loop stays free.
      return '{ARGON2}' + (await queue.run(() => argon2Hash(plain, options), 'hash', signal));
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
        const signal = caller.getStore();
        const match = await queue.run(() => argon2Verify(phc, plain), 'verify', signal);
        return { match, rehash: match && weakerThanConfigured(phc) };
      }
      const signal = caller.getStore();
      const match = await queue.run(() => verifyLegacy(encoded, plain), 'verify', signal);
      return { match, rehash: match };
    },
  };
}
