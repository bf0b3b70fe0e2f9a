import { DomainError } from '../shared/errors.js';
import { noMetrics, secondsSince, type HashOperation, type Metrics } from '../shared/metrics.js';

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
    /** `computedSeconds`, when given, reads the computing time from the result (see hash-workers). */
    async run<T>(
      work: () => Promise<T>,
      operation: HashOperation = 'hash',
      signal?: AbortSignal,
      computedSeconds?: (result: T) => number,
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
      let result: T | undefined;
      let done = false;
      try {
        result = await work();
        done = true;
        return result;
      } finally {
        metrics.hashComputed(
          operation,
          done && computedSeconds ? computedSeconds(result as T) : secondsSince(started),
        );
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
