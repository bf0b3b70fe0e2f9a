import type { Clock } from '../core/shared/clock.js';
import { DomainError, MESSAGES } from '../core/shared/errors.js';

/**
 * A token bucket per client: `perSecond` requests a second with bursts of the same size. Buckets
 * live in the process, so with several Tessera processes each enforces the limit on its own share.
 */
export function createRateLimiter(perSecond: number, clock: Clock) {
  const buckets = new Map<string, { tokens: number; refilledAt: number }>();
  return {
    /** Throws 429 (with the seconds to wait) when `clientId` has used up its allowance. */
    take(clientId: string): void {
      if (perSecond <= 0) return;
      const now = clock.now();
      const bucket = buckets.get(clientId) ?? { tokens: perSecond, refilledAt: now };
      bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.refilledAt) / 1000) * perSecond);
      bucket.refilledAt = now;
      if (bucket.tokens < 1) {
        buckets.set(clientId, bucket);
        const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
        throw new DomainError(
          'rate_limited',
          MESSAGES.rateLimited,
          [
            {
              code: 'LIMIT_EXCEEDED',
              message: 'Too many requests.',
              innerError: { retryAfter: retryAfterSeconds },
            },
          ],
          { retryAfterSeconds },
        );
      }
      bucket.tokens -= 1;
      buckets.set(clientId, bucket);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
