/**
 * What the core reports for the operator's metrics. Face-neutral and free of any metrics library:
 * the composition root (src/app.ts) passes a Prometheus-backed recorder (src/http/metrics.ts);
 * tests and tools that need none pass `noMetrics`. Every label value is one of a small fixed set,
 * never user data (no ids, names, emails or client ids).
 */
export type HashOperation = 'hash' | 'verify';

/** How one token request ended: `issued`, or the OAuth error code it was refused with. */
export type TokenOutcome =
  | 'issued'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_request'
  | 'error';

/** How a sign-on flow ended (recorded by the sign-on engine when it completes or fails a flow). */
export type SignOnOutcome = 'success' | 'failure' | 'locked_out' | 'expired';

/** How one password check (password.check, a sign-on password step, a self change) ended. */
export type PasswordCheckOutcome = 'match' | 'mismatch' | 'locked_out';

/** How one attempt to deliver a queued notification ended. */
export type OutboxOutcome = 'sent' | 'retry' | 'failed';

/** How one webhook delivery request ended: a 2xx, or a failure to retry after backoff. */
export type WebhookOutcome = 'delivered' | 'failed';

/** Values sampled when metrics are scraped (each source registers the reader it owns). */
export type GaugeName =
  'password_hash_queue_depth' | 'password_hash_active' | 'outbox_backlog' | 'webhook_backlog';

export interface Metrics {
  /** A password hashing job waited `seconds` for a free slot (0 when one was free). */
  hashWaited(seconds: number): void;
  /** A password hashing job computed for `seconds` (argon2id or a legacy scheme). */
  hashComputed(operation: HashOperation, seconds: number): void;
  /** A hashing job was refused because the queue was full (the caller got a 429). */
  hashRejected(): void;
  tokenRequest(grantType: string, outcome: TokenOutcome): void;
  signOn(outcome: SignOnOutcome): void;
  passwordCheck(outcome: PasswordCheckOutcome): void;
  /** A failed attempt reached the policy's failure count and locked the password. */
  lockout(): void;
  outboxAttempt(outcome: OutboxOutcome): void;
  webhookAttempt(outcome: WebhookOutcome): void;
  /** A webhook batch of `count` activities was delivered. */
  webhookActivitiesDelivered(count: number): void;
  /** Registers how to read a gauge at scrape time; a later registration replaces the earlier one. */
  gauge(name: GaugeName, read: () => number | Promise<number>): void;
}

const ignore = () => undefined;

/** A recorder that records nothing (storage-level tests, tools). */
export const noMetrics: Metrics = {
  hashWaited: ignore,
  hashComputed: ignore,
  hashRejected: ignore,
  tokenRequest: ignore,
  signOn: ignore,
  passwordCheck: ignore,
  lockout: ignore,
  outboxAttempt: ignore,
  webhookAttempt: ignore,
  webhookActivitiesDelivered: ignore,
  gauge: ignore,
};

/** Seconds elapsed since `start` (a `performance.now()` reading): durations, not wall time. */
export const secondsSince = (start: number): number => (performance.now() - start) / 1000;
