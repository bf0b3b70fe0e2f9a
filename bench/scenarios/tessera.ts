// Scenario groups against one Tessera target per store: API reads and writes, passwords (with
// the raw argon2id rate around each), sign-on, and GET latency during a password.set storm.
import { aroundPasswordScenario } from '../lib/argon2.js';
import type { StoreContext } from '../lib/context.js';
import { measure, postgresCpuMicros } from '../lib/load.js';
import { ceilingName, connectionCounts, named } from '../lib/report.js';
import { API_SCENARIOS, PASSWORD_SCENARIOS, passwordSet, userRequest } from './api.js';
import { signOnMeasurements } from './signon.js';

export async function apiGroup(ctx: StoreContext): Promise<void> {
  const { store, fixture, call, options } = ctx;
  const [first] = connectionCounts(options);
  for (const connections of connectionCounts(options))
    for (const scenario of API_SCENARIOS) {
      // Each scenario's preparation right before its first measurement, as ever: the one-row
      // PATCH still runs before the 1,000 users are made, so its figures stay comparable.
      if (connections === first) await scenario.prepare?.(fixture, call, options.quick);
      const name = named(`${store}: ${scenario.name}`, connections, options);
      const before = await ctx.ceilingNow?.(connections);
      const r = await measure(name, fixture.baseUrl, fixture, scenario.request(fixture), options, {
        connections,
        cpuMicros: ctx.cpuMicros,
        ...(store === 'postgres' ? { databaseMicros: postgresCpuMicros } : {}),
      });
      const after = await ctx.ceilingNow?.(connections);
      ctx.results.push({
        name,
        ...r,
        unit: 'req/s',
        ceilingGoal: scenario.goal?.[store] ?? 'none',
        ceiling: named(ceilingName, connections, options),
        ...(before && after ? { ceilingAround: meanOf(before, after) } : {}),
      });
    }
}

function meanOf(
  a: { rate: number; cpuMicrosPerRequest?: number },
  b: { rate: number; cpuMicrosPerRequest?: number },
) {
  const cpu =
    a.cpuMicrosPerRequest && b.cpuMicrosPerRequest
      ? (a.cpuMicrosPerRequest + b.cpuMicrosPerRequest) / 2
      : undefined;
  return { rate: (a.rate + b.rate) / 2, cpuMicrosPerRequest: cpu };
}

export async function passwordsGroup(ctx: StoreContext): Promise<void> {
  const { store, fixture, call, options } = ctx;
  for (const scenario of PASSWORD_SCENARIOS) {
    await scenario.prepare?.(fixture, call, options.quick);
    const name = `${store}: ${scenario.name}`;
    const around = await aroundPasswordScenario(options, () =>
      measure(name, fixture.baseUrl, fixture, scenario.request(fixture), options),
    );
    ctx.results.push({
      name,
      ...around.result,
      unit: 'req/s',
      ratio: around.ratio,
      goal: around.goal,
      extra: { rawBefore: around.before, rawAfter: around.after },
    });
  }
  // GET latency while password sets saturate the hashing pool: reads must stay fast. Both p99s
  // to 0.01 ms (fineLatency), the idle one measured right before, on the same target.
  const idle = await measure(
    `${store}: GET user, idle`,
    fixture.baseUrl,
    fixture,
    userRequest(fixture),
    options,
    {
      fineLatency: true,
      quiet: true,
    },
  );
  const stormName = `${store}: GET user during a password.set storm`;
  const [storm] = await Promise.all([
    measure(stormName, fixture.baseUrl, fixture, userRequest(fixture), options, {
      warmUp: false,
      fineLatency: true,
    }),
    measure(`${store}: (storm of password.set)`, fixture.baseUrl, fixture, passwordSet(fixture), options, {
      warmUp: false,
    }),
  ]);
  ctx.results.push({
    name: stormName,
    ...storm,
    unit: 'req/s',
    ratio: `p99 ${(storm.p99 / Math.max(idle.p99, 0.01)).toFixed(1)}x idle (${idle.p99} ms)`,
  });
}

export async function signOnGroup(ctx: StoreContext): Promise<void> {
  const { store, fixture, call, options } = ctx;
  let measured: Awaited<ReturnType<typeof signOnMeasurements>> = [];
  const around = await aroundPasswordScenario(options, async () => {
    measured = await signOnMeasurements(store, fixture, call, options.connections, options.duration);
    return { rate: measured[0]?.result.rate ?? 0 };
  });
  for (const m of measured) {
    ctx.results.push({
      name: m.name,
      ...m.result,
      unit: '/s',
      ...(m.isPasswordHash
        ? {
            ratio: around.ratio,
            goal: around.goal,
            extra: { rawBefore: around.before, rawAfter: around.after },
          }
        : {}),
    });
  }
}
