import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { BenchFixture } from '../fixture.js';
import type { BenchRequest } from '../scenarios/api.js';
import type { BenchOptions } from './options.js';
import { procCpu } from './proc-stat.js';
import { say } from './report.js';

export interface LoadResult {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  /** Requests answered in the measured run. */
  readonly requests: number;
  /** Server CPU time per request (µs), when the run was given the target's `cpuMicros`. */
  readonly cpuMicrosPerRequest?: number;
  /**
   * The load generator's own CPU time per request (µs): autocannon runs in this process, on the
   * same cores as the target, so what it spends is not the server's to use.
   */
  readonly loadGeneratorMicrosPerRequest?: number;
  /** Share of all cores' time left idle during the measured run (Linux's /proc/stat). */
  readonly idleShare?: number;
  /** The database server's CPU time per request (µs), when the run was given `databaseMicros`. */
  readonly databaseMicrosPerRequest?: number;
}

/**
 * CPU time so far (µs) of every PostgreSQL process on this machine (Linux's /proc): the bench's
 * database runs here, on the cores the target and the load generator share. Undefined elsewhere.
 */
export function postgresCpuMicros(): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let micros = 0;
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    const cpu = procCpu(`/proc/${pid}/stat`);
    if (cpu?.name.startsWith('postgres')) micros += cpu.userMicros + cpu.sysMicros;
  }
  return micros;
}

/** Idle and total jiffies of all cores, or undefined where /proc/stat is missing. */
function coreTimes(): { idle: number; all: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [, , , idle = 0, iowait = 0] = fields;
    return { idle: idle + iowait, all: fields.reduce((sum, f) => sum + f, 0) };
  } catch {
    return undefined;
  }
}

/** Header values for a request against a fixture (bearer token, content type). */
function headersOf(fixture: BenchFixture, request: BenchRequest, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra };
  if (fixture.token) headers.authorization = `Bearer ${fixture.token}`;
  if (request.contentType) headers['content-type'] = request.contentType;
  return headers;
}

/**
 * Loads one request shape with autocannon: a warm-up (unless `warmUp: false`), then the measured
 * run. `pathOf`/`body` vary each request (a different user, a new value).
 */
export async function measure(
  label: string,
  baseUrl: string,
  fixture: BenchFixture,
  request: BenchRequest,
  options: BenchOptions,
  run: {
    warmUp?: boolean;
    connections?: number;
    headers?: Record<string, string>;
    /** The target's CPU clock (Target.cpuMicros): adds CPU time per request to the result. */
    cpuMicros?: () => Promise<number>;
    /** The database server's CPU clock (postgresCpuMicros), read around the measured run. */
    databaseMicros?: () => number | undefined;
    /** Seconds of the measured run (default options.duration). */
    duration?: number;
    /** Print nothing (interleaved bursts print their summary instead). */
    quiet?: boolean;
    /**
     * p50/p99 from every 2xx response's own time, to 0.01 ms. autocannon's histogram keeps whole
     * milliseconds, too coarse for latencies near 1 ms (the heavy-filter check compares two).
     */
    fineLatency?: boolean;
  } = {},
): Promise<LoadResult> {
  let counter = 0;
  const headers = headersOf(fixture, request, run.headers);
  const varies = request.body !== undefined || request.pathOf !== undefined;
  const go = (duration: number, times?: number[]) => {
    // At run time the instance is both the promise of the result and the event emitter of each
    // response (autocannon's documented `response` event); its typings only declare the promise.
    const instance = autocannon({
      url: baseUrl,
      connections: run.connections ?? options.connections,
      duration,
      requests: [
        {
          method: request.method,
          path: request.path,
          headers,
          ...(varies
            ? {
                setupRequest: (req: autocannon.Request) => {
                  counter += 1;
                  return {
                    ...req,
                    ...(request.body ? { body: request.body(counter) } : {}),
                    ...(request.pathOf ? { path: request.pathOf(counter) } : {}),
                  };
                },
              }
            : {}),
        },
      ],
    }) as Promise<autocannon.Result> & autocannon.Instance;
    const events: autocannon.Instance = instance;
    if (times)
      events.on('response', (_client, status, _bytes, milliseconds) => {
        if (status >= 200 && status < 300) times.push(milliseconds);
      });
    return instance;
  };
  if (run.warmUp ?? true) await go(options.warmUp); // JIT, caches, connection pools
  const times = run.fineLatency ? [] : undefined;
  const cpuBefore = await run.cpuMicros?.();
  const databaseBefore = run.databaseMicros?.();
  const ownBefore = process.cpuUsage();
  const coresBefore = coreTimes();
  const result = await go(run.duration ?? options.duration, times);
  const coresAfter = coreTimes();
  const own = process.cpuUsage(ownBefore);
  const databaseAfter = run.databaseMicros?.();
  const cpuAfter = await run.cpuMicros?.();
  const requests = result.requests.total;
  times?.sort((a, b) => a - b);
  const measured: LoadResult = {
    rate: result.requests.average,
    p50: times ? finePercentile(times, 0.5) : result.latency.p50,
    p99: times ? finePercentile(times, 0.99) : result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    requests,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && requests > 0
      ? { cpuMicrosPerRequest: (cpuAfter - cpuBefore) / requests }
      : {}),
    ...(databaseBefore !== undefined && databaseAfter !== undefined && requests > 0
      ? { databaseMicrosPerRequest: (databaseAfter - databaseBefore) / requests }
      : {}),
    ...(requests > 0 ? { loadGeneratorMicrosPerRequest: (own.user + own.system) / requests } : {}),
    ...(coresBefore && coresAfter && coresAfter.all > coresBefore.all
      ? { idleShare: (coresAfter.idle - coresBefore.idle) / (coresAfter.all - coresBefore.all) }
      : {}),
  };
  if (!run.quiet)
    say(
      `  ${label}: ${Math.round(measured.rate)} req/s, p99 ${measured.p99} ms` +
        (measured.cpuMicrosPerRequest !== undefined
          ? `, ${Math.round(measured.cpuMicrosPerRequest)} µs CPU/request`
          : '') +
        (measured.failures ? ` (${measured.failures} failed requests!)` : ''),
    );
  return measured;
}

const at = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Percentile (0..1) of sorted millisecond timings, rounded. */
export const percentile = (sorted: readonly number[], q: number): number => Math.round(at(sorted, q));

/** Percentile (0..1) of sorted millisecond timings, to 0.01 ms. */
export const finePercentile = (sorted: readonly number[], q: number): number =>
  Math.round(at(sorted, q) * 100) / 100;

/** Runs `setup()`'s iteration in `connections` loops for `seconds`; rate, p50/p99 and failures. */
export async function loop(
  connections: number,
  seconds: number,
  setup: () => Promise<() => Promise<void>>,
): Promise<LoadResult> {
  const iterations = await Promise.all(Array.from({ length: connections }, setup));
  const times: number[] = [];
  let failures = 0;
  const started = Date.now();
  const until = started + seconds * 1000;
  await Promise.all(
    iterations.map(async (iteration) => {
      while (Date.now() < until) {
        const t0 = performance.now();
        try {
          await iteration();
          times.push(performance.now() - t0);
        } catch (error) {
          failures += 1;
          if (failures === 1) say(`  first failure: ${String(error)}`);
        }
      }
    }),
  );
  times.sort((a, b) => a - b);
  return {
    rate: times.length / ((Date.now() - started) / 1000),
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    failures,
    requests: times.length,
  };
}
