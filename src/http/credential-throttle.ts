import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { Clock } from '../core/shared/clock.js';
import { OAuthError } from '../core/tokens/tokens.service.js';
import { RateLimitExceeded } from './rate-limiter.js';
import { recordOf } from './records.js';

export interface CredentialThrottleConfig {
  /** Failed client authentications one address may make within the window; 0 turns throttling off. */
  readonly failuresPerAddress: number;
  /** Failed authentications of one client id, from all addresses, within the window (looser). */
  readonly failuresPerClient: number;
  readonly windowMs: number;
}

/** Each further block of the same key doubles, up to this many windows. */
const MAX_BACKOFF_WINDOWS = 16;

interface Budget {
  failures: number[];
  blockedUntil: number;
  strikes: number;
  lastFailureAt: number;
}

/**
 * Counts FAILED client authentications per address and per client id, shared by every face's
 * token endpoint so a client has one budget. A key that uses up its budget is refused (429) for a
 * window, doubling with each further block. Successes never count; a success from an address
 * clears that address's failures. See docs/security.md, "Credential throttling".
 */
export function createCredentialThrottle(config: CredentialThrottleConfig, clock: Clock) {
  const budgets = new Map<string, Budget>();
  const enabled = config.failuresPerAddress > 0 && config.windowMs > 0;
  const forget = (now: number) => {
    for (const [key, budget] of budgets) {
      if (now - budget.lastFailureAt > config.windowMs * MAX_BACKOFF_WINDOWS && now >= budget.blockedUntil)
        budgets.delete(key);
    }
  };
  const keys = (clientId: string | undefined, address: string) => [
    { key: `address:${address}`, limit: config.failuresPerAddress },
    ...(clientId ? [{ key: `client:${clientId}`, limit: config.failuresPerClient }] : []),
  ];
  return {
    /** Throws `RateLimitExceeded` while the address or the client id is blocked. */
    check(clientId: string | undefined, address: string): void {
      if (!enabled) return;
      const now = clock.now();
      for (const { key } of keys(clientId, address)) {
        const blockedUntil = budgets.get(key)?.blockedUntil ?? 0;
        if (now < blockedUntil)
          throw new RateLimitExceeded(Math.max(1, Math.ceil((blockedUntil - now) / 1000)));
      }
    },
    failed(clientId: string | undefined, address: string): void {
      if (!enabled) return;
      const now = clock.now();
      if (budgets.size > 10_000) forget(now);
      for (const { key, limit } of keys(clientId, address)) {
        if (limit <= 0) continue;
        const budget = budgets.get(key) ?? { failures: [], blockedUntil: 0, strikes: 0, lastFailureAt: now };
        budget.failures = budget.failures.filter((at) => now - at < config.windowMs);
        budget.failures.push(now);
        budget.lastFailureAt = now;
        if (budget.failures.length >= limit) {
          budget.strikes += 1;
          budget.blockedUntil =
            now + config.windowMs * Math.min(2 ** (budget.strikes - 1), MAX_BACKOFF_WINDOWS);
          budget.failures = [];
        }
        budgets.set(key, budget);
      }
    },
    succeeded(address: string): void {
      if (enabled) budgets.delete(`address:${address}`);
    },
  };
}

export type CredentialThrottle = ReturnType<typeof createCredentialThrottle>;

/**
 * The client id a token request names, for keying only (nothing here is trusted): the form's
 * `client_id`, else the Basic user, else the assertion's `sub`.
 */
function claimedClientId(request: FastifyRequest): string | undefined {
  const form = recordOf(request.body);
  if (typeof form.client_id === 'string' && form.client_id !== '') return form.client_id.slice(0, 200);
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^Basic\s/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return decoded.slice(0, Math.min(colon, 200));
  }
  if (typeof form.client_assertion === 'string') {
    try {
      const sub = decodeJwt(form.client_assertion).sub;
      if (typeof sub === 'string' && sub !== '') return sub.slice(0, 200);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Throttles client authentication on the POST routes of a token-endpoint scope: refused while
 * blocked (before any secret is checked), counted on `invalid_client`. The scope's error handler
 * words the 429 (see `oauthErrorHandler`).
 */
export function throttleClientAuthentication(app: FastifyInstance, throttle: CredentialThrottle) {
  app.addHook('preHandler', async (request) => {
    if (request.method === 'POST') throttle.check(claimedClientId(request), request.ip);
  });
  app.addHook('onError', async (request, _reply, error) => {
    if (request.method === 'POST' && error instanceof OAuthError && error.error === 'invalid_client')
      throttle.failed(claimedClientId(request), request.ip);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'POST' && reply.statusCode < 300) throttle.succeeded(request.ip);
  });
}
