// Issue 13: the library's `startTessera()` ready time (in memory, "well under a second") and
// `reset()` on a small seed (< 100 ms), measured in their own process (bench/library-probe.ts).
import { spawn } from 'node:child_process';
import { percentile } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import { say, verdict, type Measurement } from '../lib/report.js';

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const ms = (x: number) => Math.round(x * 10) / 10;

function probe(starts: number, resets: number): Promise<{ startTimes: number[]; resetTimes: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/library-probe.ts', String(starts), String(resets)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`library probe exited ${code}`));
      try {
        resolve(
          JSON.parse(out.trim().split('\n').pop() ?? '') as { startTimes: number[]; resetTimes: number[] },
        );
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

export async function libraryGroup(options: BenchOptions, results: Measurement[]) {
  const starts = options.quick ? 5 : 10;
  const resets = options.quick ? 20 : 50;
  say(`timing startTessera() ×${starts} and reset() ×${resets}...`);
  const { startTimes, resetTimes } = await probe(starts, resets);
  // The first start also loads and compiles the modules: shown apart from the warm mean.
  const [first = 0, ...warm] = startTimes;
  const warmMean = mean(warm);
  results.push({
    name: `library: startTessera() in memory, mean of ${warm.length} after the first`,
    rate: 0,
    p50: ms(
      percentile(
        [...warm].sort((a, b) => a - b),
        0.5,
      ),
    ),
    p99: ms(
      percentile(
        [...warm].sort((a, b) => a - b),
        0.99,
      ),
    ),
    failures: 0,
    ratio: `mean ${ms(warmMean)} ms; first start (module loading) ${ms(first)} ms`,
    goal: verdict(warmMean < 500 && first < 1000, 'well under 1 s'),
    extra: { meanMs: warmMean, firstMs: first },
  });
  const sorted = [...resetTimes].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0;
  results.push({
    name: `library: reset() on a small seed (20 users, 2 groups), ${resets} resets`,
    rate: 0,
    p50: ms(percentile(sorted, 0.5)),
    p99: ms(p99),
    failures: 0,
    ratio: `mean ${ms(mean(resetTimes))} ms`,
    goal: verdict(p99 < 100, '< 100 ms'),
    extra: { meanMs: mean(resetTimes) },
  });
}
