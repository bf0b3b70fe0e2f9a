import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { BenchOptions } from './options.js';

/** One printed figure. The bench measures and prints; it never asserts. */
export interface Measurement {
  readonly name: string;
  /** Requests (or operations) per second; 0 when the scenario measures latency or time only. */
  readonly rate: number;
  readonly unit?: string | undefined;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  /** Compare `rate` with the bare Fastify ceiling (share of it); the goal is a share. */
  readonly ceilingGoal?: number | 'none' | undefined;
  /** A ratio already worked out by the scenario (e.g. against the raw argon2id rate). */
  readonly ratio?: string | undefined;
  /** "meets …" / "below …" (or a target printed next to the figure). */
  readonly goal?: string | undefined;
  /** The ceiling row compared with (its name); the ceiling at the run's connections by default. */
  readonly ceiling?: string | undefined;
  /** Server CPU time per request (µs), when measured: compared with the ceiling's. */
  readonly cpuMicrosPerRequest?: number | undefined;
  /** The load generator's CPU time per request (µs); it shares the machine's cores. */
  readonly loadGeneratorMicrosPerRequest?: number | undefined;
  /** Share of all cores' time left idle during the row. */
  readonly idleShare?: number | undefined;
  /** The database server's CPU time per request (µs), on the same cores (PostgreSQL rows). */
  readonly databaseMicrosPerRequest?: number | undefined;
  /**
   * The ceiling measured right before and right after this row (the mean of the two), compared
   * with instead of the ceiling row: this machine's speed drifts by a third within minutes.
   */
  readonly ceilingAround?: { readonly rate: number; readonly cpuMicrosPerRequest?: number | undefined };
  /** Extra machine-readable figures for --json. */
  readonly extra?: Record<string, number | string> | undefined;
}

const CEILING = 'ceiling: bare Fastify GET';
export const ceilingName = CEILING;
/** bench/floor.ts: the least a durable PATCH does, on bare Fastify and SQLite. */
export const floorName =
  'floor: bare Fastify + SQLite durable PATCH (read, UPDATE, audit INSERT, group commit)';

/**
 * Issue 11 measured its baseline, and so set its API targets, with 50 connections; the other
 * scenarios keep the run's connections (10 by default). The api group's rows are measured at both
 * when they differ: a durable PATCH depends on it (at 10 the clients all wait in the batch being
 * synced; docs/benchmarks.md, "PATCH at the issue's 50 connections (session 15)").
 */
export const ISSUE_CONNECTIONS = 50;
/** The run's connections, then issue 11's when they differ (the api group measures at both). */
export const connectionCounts = (options: BenchOptions): number[] =>
  options.connections === ISSUE_CONNECTIONS ? [ISSUE_CONNECTIONS] : [options.connections, ISSUE_CONNECTIONS];

/** A row's name at `connections`: marked `, c=50` when it is issue 11's second count. */
export const named = (name: string, connections: number, options: BenchOptions): string =>
  connections === options.connections ? name : `${name}, c=${ISSUE_CONNECTIONS}`;

/** Progress and human text: stderr always (stdout carries the results). */
export const say = (text: string): void => void process.stderr.write(text + '\n');

export const verdict = (meets: boolean, target: string): string => `${meets ? 'meets' : 'misses'} ${target}`;

/**
 * The most this row's work could answer on this machine's cores however it were spread over
 * threads: the server's CPU per request (all its threads), its database's (PostgreSQL runs here
 * too) and the load generator's, which all share the same cores, against all the cores' time. A
 * share of the ceiling above it is out of reach without less work per request (docs/benchmarks.md,
 * "The CPU budget of a row (session 18)").
 */
function cpuBudget(r: Measurement, ceiling: number): string {
  if (!r.cpuMicrosPerRequest || !r.loadGeneratorMicrosPerRequest) return '';
  const cores = availableParallelism();
  const database = r.databaseMicrosPerRequest ?? 0;
  const most = (cores * 1e6) / (r.cpuMicrosPerRequest + database + r.loadGeneratorMicrosPerRequest);
  const idle = r.idleShare === undefined ? '' : `, ${Math.round(r.idleShare * 100)}% idle`;
  const postgres =
    r.databaseMicrosPerRequest === undefined ? '' : `; PostgreSQL ${Math.round(database)} µs/request`;
  return `${postgres}; load generator ${Math.round(r.loadGeneratorMicrosPerRequest)} µs/request${idle}; ${cores} cores allow at most ${((most / ceiling) * 100).toFixed(1)}% of ceiling`;
}

export function report(results: readonly Measurement[], options: BenchOptions, notes: readonly string[]) {
  const cpu = cpus();
  const facts = [
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()}; load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `Node ${process.version}; autocannon, ${options.connections} connections (rows marked c=${ISSUE_CONNECTIONS}: ${ISSUE_CONNECTIONS}, compared with the ceiling at ${ISSUE_CONNECTIONS}), ${options.duration} s per scenario after a ${options.warmUp} s warm-up; servers on 127.0.0.1 in their own processes${options.quick ? '; --quick' : ''}`,
  ];
  const rows = results.map((r) => {
    const reference = results.find((c) => c.name === (r.ceiling ?? CEILING));
    const ceiling = r.ceilingAround?.rate ?? reference?.rate;
    const ceilingCpu = r.ceilingAround ? r.ceilingAround.cpuMicrosPerRequest : reference?.cpuMicrosPerRequest;
    let ratio = r.ratio ?? '';
    let goal = r.goal ?? '';
    if (r.ceilingGoal !== undefined && ceiling) {
      const share = r.rate / ceiling;
      ratio = `${(share * 100).toFixed(1)}% of ceiling${r.ceilingAround ? ` (${Math.round(ceiling)} req/s around it)` : ''}`;
      if (typeof r.ceilingGoal === 'number')
        goal = verdict(share >= r.ceilingGoal, `${Math.round(r.ceilingGoal * 100)}%`);
      // CPU per request barely depends on the machine's load: the same share, measured by CPU.
      if (r.cpuMicrosPerRequest && ceilingCpu && r !== reference)
        ratio += `; CPU ${Math.round(r.cpuMicrosPerRequest)} µs/request, ${((ceilingCpu / r.cpuMicrosPerRequest) * 100).toFixed(1)}% of ceiling by CPU`;
      else if (r.cpuMicrosPerRequest) ratio += `; CPU ${Math.round(r.cpuMicrosPerRequest)} µs/request`;
      if (r !== reference) ratio += cpuBudget(r, ceiling);
    }
    return [
      r.name,
      r.rate ? `${r.rate >= 100 ? Math.round(r.rate) : r.rate.toFixed(1)}${r.unit ? ` ${r.unit}` : ''}` : '',
      `${r.p50} ms`,
      `${r.p99} ms`,
      ratio,
      r.failures ? `${r.failures} failed` : goal,
    ];
  });
  if (options.json) {
    const out = {
      facts,
      notes,
      options: { ...options },
      results: results.map((r, i) => ({ ...r, ratioText: rows[i]![4], goalText: rows[i]![5] })),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  }
  const header = ['scenario', 'rate', 'p50', 'p99', 'ratio', 'goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const text = [...facts, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (notes.length) text.push('', ...notes.map((n) => `- ${n}`));
  // With --json, stdout is the JSON document only; the table goes to stderr.
  const write = (s: string) => (options.json ? process.stderr.write(s) : process.stdout.write(s));
  write(text.join('\n') + '\n');
  if (options.markdown) {
    const md = [
      ...facts.map((f) => `- ${f}`),
      '',
      `| ${header.join(' | ')} |`,
      `| ${header.map(() => '---').join(' | ')} |`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
      ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
    ];
    write('\n' + md.join('\n') + '\n');
  }
}
