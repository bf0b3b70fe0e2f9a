import pino from 'pino';
import { LogBatch } from './log-batch.js';

const { chindingsSym, streamSym } = pino.symbols;

/**
 * The info request line, byte for byte what pino writes for
 * `log.info({ method, path, route, statusCode, responseTime }, 'request completed')` on a logger
 * createLogger built (default levels, epoch time, `msg`, no formatters, mixin or hooks; a test
 * compares the two). Written by hand because pino's generic path (a facts object, then a loop
 * over its keys with a type switch and an escape per value) cost about 1 µs more per request
 * than this, measured in one process (docs/benchmarks.md, "Info logging (session 12)").
 * Strings are escaped by `JSON.stringify`, as pino does on Node 25 (on Node 20 pino's own
 * escaper leaves a lone surrogate unescaped; the JSON stays valid either way).
 */
export function requestLineOf(
  bindings: string,
  time: number,
  method: string,
  path: string,
  route: string | undefined,
  statusCode: number,
  responseTime: number,
): string {
  return (
    '{"level":30,"time":' +
    time +
    bindings +
    ',"method":' +
    JSON.stringify(method) +
    ',"path":' +
    JSON.stringify(path) +
    // pino leaves out a field whose value is undefined (a request no route matched).
    (route === undefined ? '' : ',"route":' + JSON.stringify(route)) +
    ',"statusCode":' +
    finite(statusCode) +
    ',"responseTime":' +
    finite(responseTime) +
    ',"msg":"request completed"}\n'
  );
}

/**
 * Writes the info request line straight into the destination of a logger createLogger built
 * (JSON lines into a LogBatch). Returns false, writing nothing, for any other logger (pretty
 * output, a test's own pino), which then logs the line through pino.
 */
export function writeRequestLine(
  log: object,
  method: string,
  path: string,
  route: string | undefined,
  statusCode: number,
  responseTime: number,
): boolean {
  // pino keeps a logger's destination and its bound fields (`,"pid":…,"hostname":…,
  // "correlationId":…`, what it writes after level and time) under these symbols.
  const internals = log as Record<symbol, unknown>;
  const stream = internals[streamSym];
  const bindings = internals[chindingsSym];
  if (!(stream instanceof LogBatch) || typeof bindings !== 'string') return false;
  stream.write(requestLineOf(bindings, Date.now(), method, path, route, statusCode, responseTime));
  return true;
}

/** As pino writes numbers: a non-finite one as null. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
