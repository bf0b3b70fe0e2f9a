import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config } from '../config/config.js';

/** Routes probed often by machines: their request lines are debug-level noise at info. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Tessera's logger. JSON lines on stdout by default, written asynchronously and in batches
 * (pino's sonic-boom, no write per line: this is what keeps info logging cheap, see bench/). With
 * `LOG_FORMAT=pretty`, human-readable lines for a terminal. Authorization headers are redacted;
 * bodies are never logged.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  /** A file descriptor or path (the benchmark logs to a file); stdout by default. */
  destination: number | string = 1,
): Logger {
  const options = {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
  if (config.logFormat === 'pretty') {
    return pino(options, pinoPretty({ colorize: process.stdout.isTTY, sync: true }));
  }
  // Lines are gathered into writes of 4 KiB (or whatever is there after 100 ms): one write per
  // line cost ~16 µs of CPU per request, one per 4 KiB ~9 µs (bench/ and docs/benchmarks.md).
  // A crash may lose the last 100 ms of lines; a normal stop flushes them (flushLogger).
  const buffering = config.logLevel === 'silent' ? {} : { minLength: 4096, periodicFlush: 100 };
  return pino(options, pino.destination({ dest: destination, sync: false, ...buffering }));
}

/** Writes what the logger buffered (before the process exits). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** Whether `log` writes lines of `level` (an unknown level counts as on; `silent` as off). */
function enabled(log: FastifyBaseLogger, level: 'debug' | 'info'): boolean {
  return log.level !== 'silent' && (LEVELS[log.level] ?? 0) <= LEVELS[level]!;
}

/**
 * One line per request, once answered, carrying the `Correlation-Id` the client received (the
 * request id is that same id, see correlation.ts): `correlationId`, method, path (no query
 * string: filters may hold user data), route template, status and time. Health and metrics
 * requests log at debug. Errors that Fastify logs carry the same `correlationId` binding.
 */
export class TesseraLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'correlationId' });
  }

  override incomingRequest(request: FastifyRequest): void {
    // At info one line per request is enough; at debug, a request that never ends is visible.
    // Nothing is built for a level that is off (this runs on every request).
    if (enabled(request.log, 'debug'))
      request.log.debug({ method: request.method, path: request.url.split('?', 1)[0] }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url;
    // Below info (debug) is off too: nothing to build. Errors are logged at every level but silent.
    if (!error && !enabled(reply.log, 'info')) return;
    const facts = {
      method: request.method,
      path: request.url.split('?', 1)[0],
      route,
      statusCode: reply.statusCode,
      responseTime: reply.elapsedTime,
    };
    if (error) reply.log.error({ ...facts, err: error }, 'request errored');
    else if (route !== undefined && QUIET_ROUTES.has(route)) reply.log.debug(facts, 'request completed');
    else reply.log.info(facts, 'request completed');
  }
}
