import { resolve } from 'node:path';
import { unknownVariableWarnings } from './known-variables.js';

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface HashingConfig {
  /** argon2id memory cost in KiB. */
  readonly memoryKiB: number;
  readonly passes: number;
  readonly parallelism: number;
  /** Hashes computed at once; the rest wait in a bounded queue. */
  readonly maxConcurrent: number;
  readonly queueLimit: number;
  /** True when the cost is below OWASP's minimum (test suites only). */
  readonly belowOwaspMinimum: boolean;
}

export interface HttpLimitsConfig {
  /** Whole request (headers and body) must arrive within this (Node's requestTimeout). */
  readonly requestTimeoutMs: number;
  /** A request body must have fully arrived this long after the request started. */
  readonly bodyTimeoutMs: number;
  /** The request headers must arrive within this. */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** A socket with no traffic at all is closed after this. */
  readonly idleTimeoutMs: number;
  /** Open connections allowed from one client address at once. */
  readonly maxConnectionsPerAddress: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly store: StoreConfig;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly bootstrap: {
    readonly environmentId: string | undefined;
    readonly clientId: string | undefined;
    readonly clientSecret: string | undefined;
    readonly credentialsFile: string;
  };
  /** Requests per second allowed to one client; 0 turns rate limiting off. */
  readonly rateLimitPerSecond: number;
  /** Failed client authentications allowed at the token endpoints (docs/security.md). */
  readonly credentialThrottle: {
    readonly failuresPerAddress: number;
    readonly failuresPerClient: number;
    readonly windowMs: number;
  };
  /** How long (ms) a process may reuse the calling worker's grants and an environment; 0 = off. */
  readonly accessCacheMs: number;
  readonly hashing: HashingConfig;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Test mode (TESSERA_TEST_MODE, or its older name TESSERA_TEST_MAILBOX): exposes
   * /tessera/testing/... (mailbox, clock, reset). Never enable in production.
   */
  readonly testMode: boolean;
  /** Same as testMode (kept for the code that reads the older name). */
  readonly testMailbox: boolean;
  /** Key material for sealing client secrets at rest; when unset a key kept in the store is used. */
  readonly secretKey: string | undefined;
  /** Milliseconds between runs of the background scheduler (outbox, expiry). */
  readonly schedulerIntervalMs: number;
  /** Days an audit activity is kept before the scheduler prunes it. */
  readonly activityRetentionDays: number;
  /** How long one webhook delivery request may take before it counts as failed. */
  readonly webhookTimeoutMs: number;
  /** `json` (one JSON object a line) or `pretty` (human-readable, for a terminal). */
  readonly logFormat: 'json' | 'pretty';
  /** Where `/metrics` is served: undefined = on the main port; a number = its own listener. */
  readonly metricsPort: number | undefined;
  /** How long start-up keeps retrying an unreachable PostgreSQL before giving up. */
  readonly storeConnectTimeoutMs: number;
  /** SQLite file: worker threads that run filtered list queries off the event loop (0: none). */
  readonly sqliteReadWorkers: number;
  /** Connection and request time limits and per-address connection caps (http/server-limits.ts). */
  readonly http: HttpLimitsConfig;
  /** TESSERA_SEED_FILE: a seed file applied at start (after bootstrap, before serving). */
  readonly seedFile: string | undefined;
  /** Problems worth a warning that do not stop the start (an unknown TESSERA_* variable). */
  readonly warnings: readonly string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function optionalUuid(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!UUID.test(raw)) throw new ConfigError(name, 'must be a UUID');
  return raw.toLowerCase();
}

export function parseStore(raw: string | undefined, dataDir: string): StoreConfig {
  if (raw === undefined || raw === '') return { kind: 'sqlite', filename: resolve(dataDir, 'tessera.db') };
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: raw };
  }
  const sqlite = /^(?:sqlite|file):(.*)$/i.exec(raw);
  if (sqlite) {
    const path = (sqlite[1] ?? '').replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new ConfigError('DATABASE_URL', 'names no SQLite file');
    return { kind: 'sqlite', filename: path === ':memory:' ? ':memory:' : resolve(path) };
  }
  throw new ConfigError('DATABASE_URL', 'must be sqlite:<file>, sqlite::memory: or a postgres:// URL');
}

function secretKey(env: Env): string | undefined {
  const raw = env.TESSERA_SECRET_KEY;
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 32) throw new ConfigError('TESSERA_SECRET_KEY', 'must be at least 32 characters');
  return raw;
}

function logFormat(env: Env): Config['logFormat'] {
  const raw = env.LOG_FORMAT;
  if (raw === undefined || raw === '' || raw === 'json') return 'json';
  if (raw === 'pretty') return 'pretty';
  throw new ConfigError('LOG_FORMAT', `must be json or pretty, got "${raw}"`);
}

function optionalPort(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  return integer(env, name, 0, 0, 65535);
}

function testMode(env: Env): boolean {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  if (set('TESSERA_TEST_MODE')) return boolean(env, 'TESSERA_TEST_MODE', false);
  return boolean(env, 'TESSERA_TEST_MAILBOX', false);
}

/** Reads the whole configuration once, at boot; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST && env.HOST !== '' ? env.HOST : '127.0.0.1';
  const dataDir = resolve(
    env.TESSERA_DATA_DIR && env.TESSERA_DATA_DIR !== '' ? env.TESSERA_DATA_DIR : 'data',
  );
  const publicUrl = (
    env.TESSERA_PUBLIC_URL && env.TESSERA_PUBLIC_URL !== ''
      ? env.TESSERA_PUBLIC_URL
      : `http://localhost:${port}`
  ).replace(/\/+$/, '');
  try {
    const url = new URL(publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError('TESSERA_PUBLIC_URL', 'must be an absolute http(s) URL');
  }
  const logLevel = env.LOG_LEVEL && env.LOG_LEVEL !== '' ? env.LOG_LEVEL : 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const clientSecret = env.TESSERA_BOOTSTRAP_CLIENT_SECRET;
  if (clientSecret !== undefined && clientSecret !== '' && clientSecret.length < 32) {
    throw new ConfigError('TESSERA_BOOTSTRAP_CLIENT_SECRET', 'must be at least 32 characters');
  }
  const memoryKiB = integer(env, 'TESSERA_ARGON2_MEMORY_KIB', 19456, 64, 4 * 1024 * 1024);
  const passes = integer(env, 'TESSERA_ARGON2_PASSES', 2, 1, 100);
  return Object.freeze({
    port,
    host,
    store: parseStore(env.DATABASE_URL, dataDir),
    publicUrl,
    dataDir,
    bootstrap: Object.freeze({
      environmentId: optionalUuid(env, 'TESSERA_BOOTSTRAP_ENVIRONMENT_ID'),
      clientId: optionalUuid(env, 'TESSERA_BOOTSTRAP_CLIENT_ID'),
      clientSecret: clientSecret === '' ? undefined : clientSecret,
      credentialsFile: resolve(dataDir, 'bootstrap-credentials.json'),
    }),
    rateLimitPerSecond: integer(env, 'TESSERA_RATE_LIMIT_PER_SECOND', 0, 0, 1_000_000),
    credentialThrottle: Object.freeze({
      failuresPerAddress: integer(env, 'TESSERA_AUTH_FAILURES_PER_ADDRESS', 10, 0, 1_000_000),
      failuresPerClient: integer(env, 'TESSERA_AUTH_FAILURES_PER_CLIENT', 50, 0, 1_000_000),
      windowMs: integer(env, 'TESSERA_AUTH_FAILURE_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
    }),
    accessCacheMs: integer(env, 'TESSERA_ACCESS_CACHE_MS', 1000, 0, 60_000),
    hashing: Object.freeze({
      memoryKiB,
      passes,
      parallelism: integer(env, 'TESSERA_ARGON2_PARALLELISM', 1, 1, 16),
      maxConcurrent: integer(env, 'TESSERA_HASH_CONCURRENCY', 2, 1, 64),
      queueLimit: integer(env, 'TESSERA_HASH_QUEUE_LIMIT', 1000, 1, 1_000_000),
      belowOwaspMinimum: memoryKiB < 19456 || passes < 2,
    }),
    logLevel: logLevel as Config['logLevel'],
    testMode: testMode(env),
    testMailbox: testMode(env),
    secretKey: secretKey(env),
    schedulerIntervalMs: integer(env, 'TESSERA_SCHEDULER_INTERVAL_MS', 1000, 10, 3_600_000),
    activityRetentionDays: integer(env, 'TESSERA_ACTIVITY_RETENTION_DAYS', 14, 1, 3650),
    webhookTimeoutMs: integer(env, 'TESSERA_WEBHOOK_TIMEOUT_SECONDS', 10, 1, 300) * 1000,
    logFormat: logFormat(env),
    metricsPort: optionalPort(env, 'TESSERA_METRICS_PORT'),
    storeConnectTimeoutMs: integer(env, 'TESSERA_STORE_CONNECT_TIMEOUT_SECONDS', 30, 0, 3600) * 1000,
    sqliteReadWorkers: integer(env, 'TESSERA_SQLITE_READ_WORKERS', 2, 0, 16),
    http: httpLimits(env),
    seedFile:
      env.TESSERA_SEED_FILE === undefined || env.TESSERA_SEED_FILE === ''
        ? undefined
        : resolve(env.TESSERA_SEED_FILE),
    warnings: Object.freeze(unknownVariableWarnings(env)),
  });
}

/** Safe defaults: a slow or silent client holds a connection for at most 30 seconds. */
function httpLimits(env: Env): HttpLimitsConfig {
  const seconds = (name: string, fallback: number, max: number) =>
    integer(env, name, fallback, 1, max) * 1000;
  return Object.freeze({
    requestTimeoutMs: seconds('TESSERA_REQUEST_TIMEOUT_SECONDS', 30, 3600),
    bodyTimeoutMs: seconds('TESSERA_BODY_TIMEOUT_SECONDS', 30, 3600),
    headersTimeoutMs: seconds('TESSERA_HEADERS_TIMEOUT_SECONDS', 10, 3600),
    keepAliveTimeoutMs: seconds('TESSERA_KEEP_ALIVE_TIMEOUT_SECONDS', 5, 3600),
    idleTimeoutMs: seconds('TESSERA_IDLE_TIMEOUT_SECONDS', 30, 3600),
    maxConnectionsPerAddress: integer(env, 'TESSERA_MAX_CONNECTIONS_PER_ADDRESS', 256, 1, 1_000_000),
  });
}
