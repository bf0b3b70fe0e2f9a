import argon2 from 'argon2';
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
}

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
    async run<T>(work: () => Promise<T>, operation: HashOperation = 'hash'): Promise<T> {
      const queued = performance.now();
      if (active >= maxConcurrent) {
        if (waiting.length >= queueLimit) {
          metrics.hashRejected();
          throw busy();
        }
        // The finishing job hands its slot over directly, so `active` stays the same.
        await new Promise<void>((resolve) => waiting.push(resolve));
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
  const options = { memoryCost: config.memoryKiB, timeCost: config.passes, parallelism: config.parallelism };
  return {
    async hash(plain) {
      return '{ARGON2}' + (await queue.run(() => argon2.hash(plain, { type: argon2.argon2id, ...options })));
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
        const match = await queue.run(() => argon2.verify(phc, plain), 'verify');
        return {
          match,
          rehash: match && (!phc.startsWith('$argon2id$') || argon2.needsRehash(phc, options)),
        };
      }
      const match = await queue.run(() => verifyLegacy(encoded, plain), 'verify');
      return { match, rehash: match };
    },
  };
}
