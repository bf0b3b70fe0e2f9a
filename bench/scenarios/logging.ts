// Issue 9: info logging (one JSON line per request, asynchronous writes to a file, as production
// logs to a file or a pipe) may cost at most 10% of GET throughput. The silent target and a second
// target logging at info are loaded in alternating short bursts (bench/lib/interleave.ts), and each
// reports its server CPU time per request. The verdict uses CPU per request: it is what logging
// adds to each request, and it moves far less with the machine's load than req/s, which swung by
// up to 90% between runs of the same target on this shared machine.
import type { StoreContext } from '../lib/context.js';
import { interleave, roundsOf } from '../lib/interleave.js';
import { say, verdict } from '../lib/report.js';
import { startTarget } from '../lib/target.js';
import { userRequest } from './api.js';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export async function loggingGroup(ctx: StoreContext): Promise<void> {
  const { store, fixture, options } = ctx;
  const logging = await startTarget([store, 'info']);
  let measured;
  try {
    const f = logging.fixture;
    measured = await interleave(
      { fixture, request: userRequest(fixture), cpuMicros: ctx.cpuMicros },
      { fixture: f, request: userRequest(f), cpuMicros: () => logging.cpuMicros() },
      options,
    );
  } finally {
    await logging.stop();
  }
  const { a: silent, b: info, roundRatios } = measured;
  // With a core to itself a CPU-bound server answers 1/cpu requests per second, so the share of
  // throughput logging costs is 1 − cpu(silent)/cpu(info).
  const cpuCost = 1 - silent.cpuMicrosPerRequest / info.cpuMicrosPerRequest;
  const rateCost = 1 - info.rate / silent.rate;
  const sortedRatios = [...roundRatios].sort((x, y) => x - y);
  const medianCost = 1 - (sortedRatios[Math.floor(sortedRatios.length / 2)] ?? 0);
  const cpu = (r: { cpuMicrosPerRequest: number }) => Math.round(r.cpuMicrosPerRequest);
  say(
    `  ${store}: GET user, silent ${Math.round(silent.rate)} req/s ${cpu(silent)} µs CPU/request; ` +
      `info ${Math.round(info.rate)} req/s ${cpu(info)} µs CPU/request (${roundsOf(options)} rounds)`,
  );
  ctx.results.push({
    name: `${store}: GET user, LOG_LEVEL=info (to a file)`,
    rate: info.rate,
    p50: info.p50,
    p99: info.p99,
    failures: info.failures + silent.failures,
    unit: 'req/s',
    ratio:
      `logging costs ${percent(cpuCost)} of CPU/request (${cpu(info)} µs vs ${cpu(silent)} µs silent); ` +
      `by req/s ${percent(rateCost)} (silent ${Math.round(silent.rate)}), median round ${percent(medianCost)}`,
    goal: verdict(cpuCost <= 0.1, '≤ 10%'),
    extra: {
      silentRate: silent.rate,
      silentCpuMicrosPerRequest: silent.cpuMicrosPerRequest,
      infoCpuMicrosPerRequest: info.cpuMicrosPerRequest,
      costByCpu: cpuCost,
      costByRate: rateCost,
      costByMedianRound: medianCost,
    },
  });
}
