import type { BenchFixture } from '../fixture.js';
import type { BenchRequest } from '../scenarios/api.js';
import { measure, type LoadResult } from './load.js';
import type { BenchOptions } from './options.js';

/** One side of an interleaved comparison: a running target and the request to load it with. */
export interface Contender {
  readonly fixture: BenchFixture;
  readonly request: BenchRequest;
  /** The target's CPU clock (Target.cpuMicros), for CPU time per request. */
  readonly cpuMicros: () => Promise<number>;
  /** Runs before each of its bursts (e.g. sets the target's log level). */
  readonly before?: () => Promise<void>;
}

/** What `interleave` measured for one contender over all its bursts. */
export interface Interleaved {
  /** Requests over all bursts divided by their seconds. */
  readonly rate: number;
  /** The median burst's p50 and p99 (ms). */
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  /** Server CPU time per request (µs) over all bursts. */
  readonly cpuMicrosPerRequest: number;
  readonly bursts: readonly LoadResult[];
}

/**
 * Rounds of bursts and each burst's seconds. Many short rounds rather than a few long ones: the
 * target's CPU per request moves in steps of a few seconds (a major GC, the machine's load), and
 * with 5 rounds of 2.5 s one such step falling on one side moved the figure by 10–15 points
 * (docs/benchmarks.md, "Info logging: the measure"); 16 rounds of 1 s spread them over both sides.
 */
export const roundsOf = (options: BenchOptions) => (options.quick ? 6 : 16);
export const burstSecondsOf = (options: BenchOptions) => (options.quick ? 0.5 : 1);

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * Loads two running targets in turn, a short burst each (a, b, b, a… `roundsOf(options)` rounds of
 * `burstSecondsOf(options)` s, after one uncounted warm-up each), so a change in the machine's load hits both
 * alike. Both sides report their rate over all bursts and their server CPU time per request; the
 * per-round ratios b/a of req/s and of CPU per request are also returned (their medians are
 * robust to one disturbed round).
 */
export async function interleave(
  a: Contender,
  b: Contender,
  options: BenchOptions,
): Promise<{ a: Interleaved; b: Interleaved; roundRatios: number[]; roundCpuRatios: number[] }> {
  const rounds = roundsOf(options);
  const burst = burstSecondsOf(options);
  const runs: [LoadResult[], LoadResult[]] = [[], []];
  const cpu: [number, number] = [0, 0];
  const load = (side: Contender, seconds: number) =>
    measure('', side.fixture.baseUrl, side.fixture, side.request, options, {
      warmUp: false,
      duration: seconds,
      quiet: true,
      cpuMicros: side.cpuMicros,
    });
  const once = async (side: Contender, index: 0 | 1, round: number) => {
    await side.before?.();
    if (round === 0) await load(side, options.warmUp); // JIT and caches, not counted
    const result = await load(side, burst);
    cpu[index] += (result.cpuMicrosPerRequest ?? 0) * result.requests;
    runs[index].push(result);
  };
  for (let round = 0; round < rounds; round += 1) {
    // Alternate which side goes first, so neither always follows the other's burst.
    const order: Array<[Contender, 0 | 1]> =
      round % 2 === 0
        ? [
            [a, 0],
            [b, 1],
          ]
        : [
            [b, 1],
            [a, 0],
          ];
    for (const [side, index] of order) await once(side, index, round);
  }
  const summary = (index: 0 | 1): Interleaved => {
    const bursts = runs[index];
    const requests = bursts.reduce((sum, r) => sum + r.requests, 0);
    return {
      rate: requests / (bursts.length * burst),
      p50: median(bursts.map((r) => r.p50)),
      p99: median(bursts.map((r) => r.p99)),
      failures: bursts.reduce((sum, r) => sum + r.failures, 0),
      cpuMicrosPerRequest: requests > 0 ? cpu[index] / requests : 0,
      bursts,
    };
  };
  const ratios = runs[0].map((r, i) => (runs[1][i]?.rate ?? 0) / Math.max(r.rate, 1));
  const cpuRatios = runs[0].map(
    (r, i) => (runs[1][i]?.cpuMicrosPerRequest ?? 0) / (r.cpuMicrosPerRequest ?? 1),
  );
  return { a: summary(0), b: summary(1), roundRatios: ratios, roundCpuRatios: cpuRatios };
}
