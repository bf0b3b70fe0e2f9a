// Issue 9: info logging (one JSON line per request, asynchronous writes to a file, as production
// logs to a file or a pipe) may cost at most 10% of GET throughput. The same GET is measured on
// the silent target right before and right after the logging one, and compared with their mean.
import type { StoreContext } from '../lib/context.js';
import { measure } from '../lib/load.js';
import { verdict } from '../lib/report.js';
import { startTarget } from '../lib/target.js';
import { userRequest } from './api.js';

export async function loggingGroup(ctx: StoreContext): Promise<void> {
  const { store, fixture, options } = ctx;
  const silent = () =>
    measure(`${store}: GET user, silent`, fixture.baseUrl, fixture, userRequest(fixture), options);
  const before = await silent();
  const logging = await startTarget([store, 'info']);
  let logged;
  try {
    const f = logging.fixture;
    logged = await measure(`${store}: GET user, LOG_LEVEL=info`, f.baseUrl, f, userRequest(f), options);
  } finally {
    await logging.stop();
  }
  const after = await silent();
  const silentRate = (before.rate + after.rate) / 2;
  const cost = 1 - logged.rate / silentRate;
  ctx.results.push({
    name: `${store}: GET user, LOG_LEVEL=info (to a file)`,
    ...logged,
    unit: 'req/s',
    ratio: `logging costs ${(cost * 100).toFixed(1)}% (silent ${Math.round(before.rate)} before, ${Math.round(after.rate)} after)`,
    goal: verdict(cost <= 0.1, '≤ 10%'),
  });
}
