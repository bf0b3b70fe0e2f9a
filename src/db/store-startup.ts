import { sql } from 'kysely';
import type { StoreConfig } from '../config/config.js';
import type { Db } from './schema.js';

/** One failed connection attempt that start-up will retry. */
export interface ConnectRetry {
  readonly attempt: number;
  readonly delayMs: number;
  /** The driver's message (never the URL or its password). */
  readonly reason: string;
}

/** Start-up could not use the store; the message is written for the operator. */
export class StoreStartupError extends Error {}

/** Connection failures that end once PostgreSQL (or the network to it) has come up. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P03', // cannot_connect_now: the database system is starting up
  '53300', // too_many_connections
]);

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  // pg reports a server that closes the socket during start-up without a code.
  return error instanceof Error && /Connection terminated|timeout expired/i.test(error.message);
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);

/** The URL as it may be shown: the password replaced by `****`. */
export function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '****';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Waits for PostgreSQL: retries transient failures with exponential backoff (0.25 s doubling up
 * to 5 s) until `timeoutMs` has passed, telling `onRetry` before each wait. A permanent failure
 * (wrong password, unknown database) fails at once. The final error names DATABASE_URL, masked.
 */
export async function waitForPostgres(
  db: Db,
  store: Extract<StoreConfig, { kind: 'postgres' }>,
  timeoutMs: number,
  onRetry: (retry: ConnectRetry) => void,
): Promise<void> {
  const started = performance.now();
  let delayMs = 250;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sql`select 1`.execute(db);
      return;
    } catch (error) {
      const elapsed = performance.now() - started;
      const where = `PostgreSQL at DATABASE_URL=${maskedUrl(store.url)}`;
      if (!isTransient(error)) {
        throw new StoreStartupError(`Cannot use ${where}: ${reasonOf(error)}`, { cause: error });
      }
      if (elapsed >= timeoutMs) {
        const seconds = Math.round(elapsed / 1000);
        throw new StoreStartupError(
          `Cannot connect to ${where} after ${attempt} attempts in ${seconds} s: ${reasonOf(error)} ` +
            '(TESSERA_STORE_CONNECT_TIMEOUT_SECONDS sets how long to keep trying)',
          { cause: error },
        );
      }
      const wait = Math.min(delayMs, timeoutMs - elapsed);
      onRetry({ attempt, delayMs: Math.round(wait), reason: reasonOf(error) });
      await new Promise((resolve) => setTimeout(resolve, wait));
      delayMs = Math.min(delayMs * 2, 5000);
    }
  }
}

/**
 * The PostgreSQL schema Tessera will use. `current_schema()` is null when no schema of the
 * search_path exists: say so, rather than fail later in a migration.
 */
export async function requireCurrentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string | null; path: string }>`
    select current_schema() as schema, current_setting('search_path') as path`.execute(db);
  const schema = rows[0]?.schema;
  if (schema) return schema;
  throw new StoreStartupError(
    `PostgreSQL schema missing: no schema of the search_path (${rows[0]?.path ?? 'unknown'}) exists. ` +
      'Create it (CREATE SCHEMA <name>) or fix the search_path in DATABASE_URL.',
  );
}
