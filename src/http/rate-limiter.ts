import type { FastifyRequest } from 'fastify';
import type { Clock } from '../core/shared/clock.js';
import { DomainError } from '../core/shared/errors.js';

/** A client used up its allowance; each face words its own 429 (and sends `Retry-After`). */
export class RateLimitExceeded extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('rate limit exceeded');
    this.name = 'RateLimitExceeded';
  }
}

/**
 * A token bucket per client: `perSecond` requests a second with bursts of the same size. Buckets
 * live in the process, so with several Tessera processes each enforces the limit on its own share.
 */
export function createRateLimiter(perSecond: number, clock: Clock) {
  const buckets = new Map<string, { tokens: number; refilledAt: number }>();
  return {
    /** Throws `RateLimitExceeded` when `clientId` has used up its allowance. */
    take(clientId: string): void {
      if (perSecond <= 0) return;
      const now = clock.now();
      const bucket = buckets.get(clientId) ?? { tokens: perSecond, refilledAt: now };
      bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.refilledAt) / 1000) * perSecond);
      bucket.refilledAt = now;
      if (bucket.tokens < 1) {
        buckets.set(clientId, bucket);
        throw new RateLimitExceeded(Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)));
      }
      bucket.tokens -= 1;
      buckets.set(clientId, bucket);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/**
 * Counts a request against its actor; pass it to `authenticateBearer` as the step after
 * authentication (one hook for both).
 */
export function limitRequests(limiter: RateLimiter): (request: FastifyRequest) => void {
  return (request) => {
    if (request.actor) limiter.take(request.actor.id);
  };
}

/**
 * The `Retry-After` seconds of a refusal for load, whether the limiter or the core (e.g. a full
 * password-hashing queue) refused; undefined for any other error.
 */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (error instanceof RateLimitExceeded) return error.retryAfterSeconds;
  if (error instanceof DomainError && error.kind === 'rate_limited')
    return error.factsIf('busy')?.retryAfterSeconds ?? 1;
  return undefined;
}
