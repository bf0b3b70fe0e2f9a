// Issue 9: info logging (one JSON line per request, batched writes to a file, as production
// logs to a file or a pipe) may cost at most 10% of GET throughput. One target process serves
// alternating short bursts (bench/lib/interleave.ts) with its log level switched between silent
// and info through the bench-only channel, and reports its CPU time per request for each level.
// The verdict uses CPU per request: it is what logging adds to each request, and within one
// process it moves far less with the machine's load than req/s, which swung by up to 90% between
// runs here. Two processes are not compared: two silent processes of the same build differed by
// up to 70% in CPU per request on this shared machine.
import type { StoreContext } from '../lib/context.js';
import { interleave, median, roundsOf } from '../lib/interleave.js';
import { say, verdict } from '../lib/report.js';
import { userRequest } from './api.js';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export async function loggingGroup(ctx: StoreContext): Promise<void> {
  const { store, fixture, options } = ctx;
  const request = userRequest(fixture);
  let measured;
  try {
    measured = await interleave(
      { fixture, request, cpuMicros: ctx.cpuMicros, before: () => ctx.setLogLevel('silent') },
      { fixture, request, cpuMicros: ctx.cpuMicros, before: () => ctx.setLogLevel('info') },
      options,
    );
  } finally {
    await ctx.setLogLevel('silent');
  }
  const { a: silent, b: info, roundRatios, roundCpuRatios } = measured;
  // With a core to itself a CPU-bound server answers 1/cpu requests per second, so the share of
  // throughput logging costs is 1 − cpu(silent)/cpu(info).
  const cpuCost = 1 - silent.cpuMicrosPerRequest / info.cpuMicrosPerRequest;
  const rateCost = 1 - info.rate / silent.rate;
  const medianCost = 1 - median(roundRatios);
  // The median round's CPU ratio: one disturbed round cannot move it.
  const medianCpuCost = 1 - 1 / (median(roundCpuRatios) || 1);
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
      `logging costs ${percent(cpuCost)} of CPU/request (${cpu(info)} µs vs ${cpu(silent)} µs silent; ` +
      `median round ${percent(medianCpuCost)}); by req/s ${percent(rateCost)} (silent ${Math.round(silent.rate)}; ` +
      `median round ${percent(medianCost)})`,
    goal: verdict(cpuCost <= 0.1, '≤ 10%'),
    extra: {
      silentRate: silent.rate,
      silentCpuMicrosPerRequest: silent.cpuMicrosPerRequest,
      infoCpuMicrosPerRequest: info.cpuMicrosPerRequest,
      costByCpu: cpuCost,
      costByRate: rateCost,
      costByMedianRound: medianCost,
      costByMedianRoundCpu: medianCpuCost,
    },
  });
}
