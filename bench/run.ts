/**
 * `npm run bench`: measures and prints, never asserts. With one load generator (autocannon) and
 * the same settings: a bare Fastify route returning a user-sized JSON body (the ceiling), then per
 * store (BENCH_STORES, default sqlite,postgres) the scenario groups of bench/scenarios/, then the
 * peers (Prism's mock, cognito-local) and the library's start and reset times.
 * Flags: see HELP in bench/lib/options.ts and docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime, loadavg } from 'node:os';
import { join } from 'node:path';
import type { StoreContext } from './lib/context.js';
import type { BenchRequest } from './scenarios/api.js';
import { measure } from './lib/load.js';
import { HELP, readOptions, wants, type BenchOptions, type Group } from './lib/options.js';
import {
  ceilingName,
  connectionCounts,
  floorName,
  named,
  report,
  say,
  type Measurement,
} from './lib/report.js';
import { caller, startTarget, type Target } from './lib/target.js';
import { listsGroup } from './scenarios/lists.js';
import { libraryGroup } from './scenarios/library.js';
import { loggingGroup } from './scenarios/logging.js';
import { peersGroup } from './scenarios/peers.js';
import { apiGroup, passwordsGroup, signOnGroup } from './scenarios/tessera.js';

/** Groups run against the one Tessera target of each store, in this order. */
const STORE_GROUPS: readonly [Group, (ctx: StoreContext) => Promise<void>][] = [
  ['api', apiGroup],
  ['passwords', passwordsGroup],
  ['signon', signOnGroup],
  ['logging', loggingGroup],
  // The list scenarios import many users with the CLI in another process: they get a target of
  // their own, whose store nothing else has written to (see runStore).
  ['lists', listsGroup],
];

function build() {
  say('building dist/ (the benchmark serves the compiled code, as npm start does)...');
  const built = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (built.status !== 0) throw new Error('building dist/ failed');
}

/** A bare target's row at each connection count, compared with the ceiling at the same count. */
async function atEachCount(
  label: string,
  target: Target,
  request: BenchRequest,
  options: BenchOptions,
  results: Measurement[],
) {
  for (const connections of connectionCounts(options)) {
    const name = named(label, connections, options);
    const cpuMicros = () => target.cpuMicros();
    const r = await measure(name, target.fixture.baseUrl, target.fixture, request, options, {
      connections,
      cpuMicros,
    });
    const ceiling = named(ceilingName, connections, options);
    results.push({ name, ...r, unit: 'req/s', ceilingGoal: 'none', ceiling });
  }
}

/**
 * The ceiling answers exactly the JSON Tessera returns for the benchmark user. Its target keeps
 * running (the caller stops it): the api group measures it again around each of its rows.
 */
async function ceiling(target: Target, options: BenchOptions, results: Measurement[]): Promise<Target> {
  const f = target.fixture;
  const user = await caller(f)('GET', `/v1/environments/${f.environmentId}/users/${f.userId}`);
  const work = mkdtempSync(join(tmpdir(), 'tessera-bench-run-'));
  try {
    const bodyFile = join(work, 'user.json');
    writeFileSync(bodyFile, JSON.stringify(user));
    say(`measuring the ceiling (bare Fastify, ${JSON.stringify(user).length}-byte body)...`);
    const bare = await startTarget(['ceiling', bodyFile]);
    try {
      await atEachCount(ceilingName, bare, CEILING_REQUEST, options, results);
      if (options.stores.includes('sqlite')) await durableFloor(bodyFile, options, results);
    } catch (error) {
      await bare.stop();
      throw error;
    }
    return bare;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const CEILING_REQUEST: BenchRequest = { method: 'GET', path: '/user' };

/** The ceiling again, in a shorter burst, for a row compared with the ceiling measured around it. */
async function ceilingNow(bare: Target, connections: number, options: BenchOptions) {
  const r = await measure(
    named(ceilingName, connections, options),
    bare.fixture.baseUrl,
    bare.fixture,
    CEILING_REQUEST,
    options,
    { connections, cpuMicros: () => bare.cpuMicros(), duration: Math.min(options.duration, 3), quiet: true },
  );
  return { rate: r.rate, ...(r.cpuMicrosPerRequest ? { cpuMicrosPerRequest: r.cpuMicrosPerRequest } : {}) };
}

/** What any durable PATCH on SQLite can reach on this machine (bench/floor.ts), beside the ceiling. */
async function durableFloor(bodyFile: string, options: BenchOptions, results: Measurement[]) {
  say('measuring the floor of a durable PATCH (bare Fastify, SQLite, group commit)...');
  const floor = await startTarget(['floor', bodyFile]);
  try {
    const patch: BenchRequest = {
      method: 'PATCH',
      path: '/user',
      contentType: 'application/json',
      body: (i) => JSON.stringify({ photo: { href: `https://example.com/photo-${i}.png` } }),
    };
    await atEachCount(floorName, floor, patch, options, results);
  } finally {
    await floor.stop();
  }
}

async function main() {
  if (process.argv.includes('--help')) return void process.stdout.write(HELP);
  const options = readOptions(process.argv.slice(2), process.env);
  const started = Date.now();
  const notes: string[] = [
    `load average at the start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (machine up ${Math.round(uptime() / 60)} min)`,
  ];
  const results: Measurement[] = [];
  let failedGroups = 0;
  build();
  const storeGroups = STORE_GROUPS.filter(([group]) => wants(options, group));
  let ceilingDone = !wants(options, 'api');
  let bare: Target | undefined;
  try {
    for (const store of storeGroups.length ? options.stores : []) {
      const shared = storeGroups.filter(([group]) => group !== 'lists');
      const own = storeGroups.filter(([group]) => group === 'lists');
      for (const groups of [shared, own]) {
        if (groups.length === 0) continue;
        say(`starting Tessera on ${store}...`);
        const target = await startTarget([store]);
        try {
          if (!ceilingDone) {
            bare = await ceiling(target, options, results);
            ceilingDone = true;
          }
          const measuredAgain = bare;
          const ctx: StoreContext = {
            store,
            fixture: target.fixture,
            call: caller(target.fixture),
            cpuMicros: () => target.cpuMicros(),
            setLogLevel: (level) => target.setLogLevel(level),
            options,
            results,
            notes,
            ...(measuredAgain
              ? { ceilingNow: (connections: number) => ceilingNow(measuredAgain, connections, options) }
              : {}),
          };
          for (const [group, run] of groups) {
            say(`${store}: ${group}...`);
            try {
              await run(ctx);
            } catch (error) {
              // One broken group must not lose the figures of the others: it becomes a note.
              notes.push(`${store}: ${group} failed: ${String(error)}`);
              say(`  ${store}: ${group} failed: ${String(error)}`);
              failedGroups += 1;
            }
          }
        } finally {
          await target.stop();
        }
      }
    }
  } finally {
    await bare?.stop();
  }
  if (wants(options, 'peers')) await peersGroup(options, results, notes);
  if (wants(options, 'library')) await libraryGroup(options, results);
  notes.push(`the run took ${Math.round((Date.now() - started) / 1000)} s`);
  report(results, options, notes);
  if (failedGroups > 0 || results.some((r) => r.failures > 0 && !r.name.startsWith('Prism')))
    process.exitCode = 1;
}

await main();
