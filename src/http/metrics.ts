import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GaugeName, Metrics } from '../core/shared/metrics.js';
import { routeTemplateOf } from './route-template.js';

/** Seconds: from a cached read (~1 ms) to a slow argon2id hash or a stalled store. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32];

/** What the store reports about itself at scrape time (see Store in src/db/store.ts). */
export interface StoreGauges {
  readonly kind: 'sqlite' | 'postgres';
  /** PostgreSQL pool: connections open, idle, and callers waiting for one. */
  pool(): { total: number; idle: number; waiting: number } | undefined;
}

/**
 * Tessera's Prometheus metrics: one registry per app (no global registry), the core's `Metrics`
 * recorder, the HTTP request histogram and the store's figures. Every metric is listed, with
 * its labels, in docs/operations.md (a test keeps the two in step).
 */
export function createPrometheusMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tessera_' });
  const gauges = new Map<GaugeName, () => number | Promise<number>>();
  const sampled = (name: GaugeName, help: string) =>
    new Gauge({
      name: `tessera_${name}`,
      help,
      registers: [registry],
      async collect() {
        const read = gauges.get(name);
        this.set(read ? await read() : 0);
      },
    });
  sampled('password_hash_queue_depth', 'Password hashing jobs waiting for a free slot.');
  sampled('password_hash_active', 'Password hashing jobs computing now.');
  sampled('outbox_backlog', 'Notifications queued or being sent (not yet sent nor given up).');
  sampled('webhook_backlog', 'Activities accepted for webhook subscriptions and not yet delivered.');

  const hashWait = new Histogram({
    name: 'tessera_password_hash_wait_seconds',
    help: 'Time a password hashing job waited in the queue for a free slot.',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const hashCompute = new Histogram({
    name: 'tessera_password_hash_duration_seconds',
    help: 'Time a password hashing job computed (argon2id or a legacy scheme), by operation.',
    labelNames: ['operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const hashRejected = new Counter({
    name: 'tessera_password_hash_rejections_total',
    help: 'Password hashing jobs refused because the queue was full (answered 429).',
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'tessera_token_requests_total',
    help: 'Token endpoint requests by grant type and outcome (issued or the OAuth error code).',
    labelNames: ['grant_type', 'outcome'] as const,
    registers: [registry],
  });
  const signOns = new Counter({
    name: 'tessera_signon_outcomes_total',
    help: 'Sign-on flows ended, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const passwordChecks = new Counter({
    name: 'tessera_password_checks_total',
    help: 'Password checks by outcome (match, mismatch, locked_out).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const lockouts = new Counter({
    name: 'tessera_password_lockouts_total',
    help: 'Passwords locked because failed attempts reached the policy failure count.',
    registers: [registry],
  });
  const outbox = new Counter({
    name: 'tessera_outbox_delivery_attempts_total',
    help: 'Notification delivery attempts by outcome (sent, retry, failed = given up).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const webhookAttempts = new Counter({
    name: 'tessera_webhook_delivery_attempts_total',
    help: 'Webhook delivery requests by outcome (delivered = 2xx, failed = retried after backoff).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const webhookActivities = new Counter({
    name: 'tessera_webhook_activities_delivered_total',
    help: 'Activities delivered to webhook subscriptions (each batch counts its activities).',
    registers: [registry],
  });
  const requests = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP requests by route template, method and status code.',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const groupCommit = new Histogram({
    name: 'tessera_store_group_commit_units',
    help: 'SQLite: transactions carried by each durable COMMIT (group commit batch size).',
    buckets: BATCH_BUCKETS,
    registers: [registry],
  });

  const recorder: Metrics = {
    hashWaited: (seconds) => hashWait.observe(seconds),
    hashComputed: (operation, seconds) => hashCompute.observe({ operation }, seconds),
    hashRejected: () => hashRejected.inc(),
    tokenRequest: (grant_type, outcome) => tokens.inc({ grant_type, outcome }),
    signOn: (outcome) => signOns.inc({ outcome }),
    passwordCheck: (outcome) => passwordChecks.inc({ outcome }),
    lockout: () => lockouts.inc(),
    outboxAttempt: (outcome) => outbox.inc({ outcome }),
    webhookAttempt: (outcome) => webhookAttempts.inc({ outcome }),
    webhookActivitiesDelivered: (count) => webhookActivities.inc(count),
    gauge: (name, read) => void gauges.set(name, read),
  };

  return {
    registry,
    recorder,
    /** SQLite group commit: called with the units of each COMMIT. */
    groupCommitted: (units: number) => groupCommit.observe(units),
    /** Registers the store's pool gauges (PostgreSQL). */
    watchStore(store: StoreGauges) {
      if (store.kind !== 'postgres') return;
      new Gauge({
        name: 'tessera_store_pool_connections',
        help: 'PostgreSQL pool connections by state (total open, idle, waiting callers).',
        labelNames: ['state'] as const,
        registers: [registry],
        collect() {
          const pool = store.pool();
          if (!pool) return;
          for (const state of ['total', 'idle', 'waiting'] as const) this.set({ state }, pool[state]);
        },
      });
    },
    /** The request histogram: route templates only, never the URL a client sent. */
    observeRequest(request: FastifyRequest, reply: FastifyReply) {
      const route = routeTemplateOf(request) ?? 'unmatched';
      requests.observe(
        { route, method: request.method, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    },
  };
}

export type PrometheusMetrics = ReturnType<typeof createPrometheusMetrics>;

/** `GET /metrics` in Prometheus' text format, logged at debug level only. */
export function registerMetricsRoute(app: FastifyInstance, metrics: PrometheusMetrics) {
  const schema = {
    tags: ['Operations'],
    summary: 'Prometheus metrics (text exposition format)',
    operationId: 'getMetrics',
    security: [],
    produces: ['text/plain'],
  };
  app.get('/metrics', { schema }, async (_request, reply) =>
    reply.header('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
