import { distance } from 'fastest-levenshtein';

/**
 * Every `TESSERA_*` variable Tessera reads (config.ts). A variable added to config.ts must be
 * listed here, or start-up warns about it (test/core/known-variables.test.ts checks the sources).
 */
export const SERVER_VARIABLES = [
  'TESSERA_ACCESS_CACHE_MS',
  'TESSERA_ACTIVITY_RETENTION_DAYS',
  'TESSERA_ARGON2_MEMORY_KIB',
  'TESSERA_ARGON2_PARALLELISM',
  'TESSERA_ARGON2_PASSES',
  'TESSERA_AUTH_FAILURE_WINDOW_SECONDS',
  'TESSERA_AUTH_FAILURES_PER_ADDRESS',
  'TESSERA_AUTH_FAILURES_PER_CLIENT',
  'TESSERA_BOOTSTRAP_CLIENT_ID',
  'TESSERA_BOOTSTRAP_CLIENT_SECRET',
  'TESSERA_BOOTSTRAP_ENVIRONMENT_ID',
  'TESSERA_BODY_TIMEOUT_SECONDS',
  'TESSERA_DATA_DIR',
  'TESSERA_HASH_CONCURRENCY',
  'TESSERA_HASH_QUEUE_LIMIT',
  'TESSERA_HEADERS_TIMEOUT_SECONDS',
  'TESSERA_IDLE_TIMEOUT_SECONDS',
  'TESSERA_KEEP_ALIVE_TIMEOUT_SECONDS',
  'TESSERA_MAX_CONNECTIONS_PER_ADDRESS',
  'TESSERA_METRICS_PORT',
  'TESSERA_PUBLIC_URL',
  'TESSERA_RATE_LIMIT_PER_SECOND',
  'TESSERA_REQUEST_TIMEOUT_SECONDS',
  'TESSERA_SCHEDULER_INTERVAL_MS',
  'TESSERA_SECRET_KEY',
  'TESSERA_SEED_FILE',
  'TESSERA_STORE_CONNECT_TIMEOUT_SECONDS',
  'TESSERA_SQLITE_READ_WORKERS',
  'TESSERA_TEST_MAILBOX',
  'TESSERA_TEST_MODE',
  'TESSERA_WEBHOOK_TIMEOUT_SECONDS',
] as const;

/** Read by the test suite and the benchmark, not the server: set in a developer's shell, not typos. */
export const TOOLING_VARIABLES = [
  'TESSERA_BENCH_POSTGRES_URL',
  'TESSERA_REFERENCE_DIR',
  'TESSERA_SCREENSHOT_DIR',
  'TESSERA_TEST_CONCURRENCY',
  'TESSERA_TEST_LOG_LEVEL',
  'TESSERA_TEST_POSTGRES_URL',
  'TESSERA_TEST_STORES',
] as const;

const KNOWN: ReadonlySet<string> = new Set([...SERVER_VARIABLES, ...TOOLING_VARIABLES]);

/** The closest known server variable, when it is close enough to be a likely misspelling. */
function closest(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const known of SERVER_VARIABLES) {
    const d = distance(name, known);
    if (!best || d < best.distance) best = { name: known, distance: d };
  }
  // A few edits, relative to the part after TESSERA_: a typo, not another variable altogether.
  const allowed = Math.max(2, Math.floor((name.length - 'TESSERA_'.length) / 4));
  return best && best.distance <= allowed ? best.name : undefined;
}

/** One warning per `TESSERA_*` variable in `env` that Tessera does not read. */
export function unknownVariableWarnings(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('TESSERA_') && !KNOWN.has(name))
    .sort()
    .map((name) => {
      const suggestion = closest(name);
      return (
        `unknown environment variable ${name} is ignored` +
        (suggestion ? ` (did you mean ${suggestion}?)` : '')
      );
    });
}
