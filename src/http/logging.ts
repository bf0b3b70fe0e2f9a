import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config } from '../config/config.js';
import { LogBatch, type ByteSink } from './log-batch.js';
import { writeRequestLine } from './request-line.js';
import { routeTemplateOf } from './route-template.js';

/** Routes probed often by machines: their request lines are debug-level noise at info. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Tessera's logger. JSON lines on stdout by default, written in batches (log-batch.ts, no
 * write per line: this is what keeps info logging cheap, see below and bench/). With
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
  if (config.logLevel === 'silent') return pino(options, pino.destination({ dest: destination, sync: true }));
  // Lines are gathered into writes of about 60 KiB (or whatever is there after 100 ms), each
  // written synchronously by the event loop: handing every batch to a thread-pool thread (the
  // asynchronous mode) cost more CPU than the write itself, since each hand-off wakes two threads
  // (docs/benchmarks.md, "The request log line"); one write per line cost more still, and so did
  // sonic-boom's own 4 KiB batches ("Info logging: the measure"). A crash may lose the last 100 ms
  // of lines; a normal stop flushes them (flushLogger). As with pino's default destination, an
  // output that stops being read (a full pipe) holds the process up.
  const sink = pino.destination({ dest: destination, sync: true, contentMode: 'buffer', maxWrite: 1 << 20 });
  // In buffer mode sonic-boom writes the Buffers it is given; its types describe only strings.
  return pino(options, new LogBatch(sink as unknown as ByteSink, 100));
}

/** Writes what the logger buffered (before the process exits). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
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
    if (logsAt(request.log, 'debug'))
      request.log.debug({ method: request.method, path: pathOf(request.url) }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    // A level that drops even the info line drops the probes' debug one too.
    if (!logsAt(reply.log, error ? 'error' : 'info')) return;
    const route = routeTemplateOf(request);
    const quiet = !error && route !== undefined && QUIET_ROUTES.has(route);
    // Nothing is built for a line the level drops (most requests when silent, probes at info).
    if (!logsAt(reply.log, error ? 'error' : quiet ? 'debug' : 'info')) return;
    const path = pathOf(request.url);
    // The common line is written without pino's generic serialization (request-line.ts), when
    // the logger is the one createLogger built for JSON lines.
    if (
      !error &&
      !quiet &&
      writeRequestLine(reply.log, request.method, path, route, reply.statusCode, reply.elapsedTime)
    )
      return;
    const facts = {
      method: request.method,
      path,
      route,
      statusCode: reply.statusCode,
      responseTime: reply.elapsedTime,
    };
    if (error) reply.log.error({ ...facts, err: error }, 'request errored');
    else if (quiet) reply.log.debug(facts, 'request completed');
    else reply.log.info(facts, 'request completed');
  }
}

/** The path without its query string (filters may hold user data). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Whether a logger at its current level writes lines of `level` (Fastify's logger type has no isLevelEnabled). */
function logsAt(log: FastifyBaseLogger, level: 'debug' | 'info' | 'error'): boolean {
  if (log.level === 'silent') return false;
  const current = pino.levels.values[log.level];
  // An unknown (custom) level: let the logger decide.
  return current === undefined || current <= pino.levels.values[level]!;
}
