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
    headOf(time) +
    bindings +
    ',"method":' +
    quotedName(method) +
    ',"path":' +
    quoted(path) +
    // pino leaves out a field whose value is undefined (a request no route matched).
    (route === undefined ? '' : ',"route":' + quotedName(route)) +
    ',"statusCode":' +
    finite(statusCode) +
    ',"responseTime":' +
    finite(responseTime) +
    ',"msg":"request completed"}\n'
  );
}

// The pieces below each give what `JSON.stringify` or `'' + time` gives, more cheaply for the
// values a request line repeats (a path: 0.11 against 0.30–0.36 µs in a loop; docs/benchmarks.md
// "Info logging (session 13)").

/** The line's start up to its time, kept for the last millisecond: lines of one millisecond share it. */
let lastTime = Number.NaN;
let lastHead = '';
function headOf(time: number): string {
  if (time !== lastTime) {
    lastTime = time;
    lastHead = '{"level":30,"time":' + time;
  }
  return lastHead;
}

/** Methods and route templates repeat: their JSON is remembered (a bounded number of them). */
const quotedNames = new Map<string, string>();
function quotedName(value: string): string {
  let json = quotedNames.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    // A client chooses the method; only the first few hundred distinct ones are kept.
    if (quotedNames.size < 256) quotedNames.set(value, json);
  }
  return json;
}

/**
 * Characters `JSON.stringify` writes as they are: not a quote, backslash, control character or
 * surrogate (a lone one is escaped; a string with any goes the long way).
 */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
function quoted(value: string): string {
  return PLAIN.test(value) ? '"' + value + '"' : JSON.stringify(value);
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
