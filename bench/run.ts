/**
 * Over 300 lines: one driver runs every scenario in one process so that all ratios come from the
 * same run and load generator.
 *
 * `npm run bench`: measures, with one load generator (autocannon) and the same settings, a bare
 * Fastify route returning a user-sized JSON body (the ceiling) and Tessera's scenarios
 * (bench/scenarios.ts) on SQLite (file, durable commits) and PostgreSQL. Prints req/s, p50/p99
 * latency and each figure's ratio to the ceiling.
 *
 * Settings: BENCH_DURATION (seconds per scenario, default 5), BENCH_CONNECTIONS (default 10),
 * BENCH_STORES (default "sqlite,postgres"), TESSERA_BENCH_POSTGRES_URL.
 * `npm run bench -- --markdown` also prints a Markdown table for docs/benchmarks.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { hash as argon2Hash, type Algorithm } from '@node-rs/argon2';
import autocannon from 'autocannon';
import type { BenchFixture } from './fixture.js';
import { signOnMeasurements, type SignOnMeasurement } from './signon.js';
import {
  passwordSet,
  SCENARIOS,
  userRequest,
  type ApiCall,
  type BenchRequest,
  type StoreTarget,
} from './scenarios.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is StoreTarget => s === 'sqlite' || s === 'postgres');
const MARKDOWN = process.argv.includes('--markdown');

interface Target {
  readonly fixture: BenchFixture;
  stop(): Promise<void>;
}

/** Starts `bench/server.ts` in its own process and waits for its fixture line. */
async function startTarget(args: string[]): Promise<Target> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const fixture = await new Promise<BenchFixture>((resolve, reject) => {
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as BenchFixture);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`bench target ${args[0]} exited (${code}) before it was ready`)),
    );
  });
  return {
    fixture,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function caller(fixture: BenchFixture): ApiCall {
  return async (method, path, body, contentType = 'application/json') => {
    const response = await fetch(fixture.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${fixture.token}`, 'content-type': contentType },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
}

interface Measurement {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  readonly goal?: number | undefined;
  /** Password scenarios are compared with the raw argon2id rate instead of the HTTP ceiling. */
  readonly isPasswordHash?: boolean | undefined;
  /** For the storm measurement: GET p99 while idle, to compare with. */
  readonly idleP99?: number | undefined;
  /** For the logging measurement: the same GET's rate with logging silent. */
  readonly silentRate?: number | undefined;
}

const HASH_CONCURRENCY = Number(process.env.TESSERA_HASH_CONCURRENCY ?? 2);
const ARGON2 = {
  algorithm: 2 as Algorithm, // Algorithm.Argon2id (an ambient const enum isolatedModules cannot read)
  memoryCost: Number(process.env.TESSERA_ARGON2_MEMORY_KIB ?? 19456),
  timeCost: Number(process.env.TESSERA_ARGON2_PASSES ?? 2),
  parallelism: 1,
};

/** argon2id hashes per second with Tessera's parameters and concurrency, no HTTP, no store. */
async function rawArgon2Rate(): Promise<number> {
  const until = Date.now() + DURATION * 1000;
  let count = 0;
  const worker = async () => {
    while (Date.now() < until) {
      await argon2Hash(`Qz7!vRp-raw-${count}`, ARGON2);
      count += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  const rate = count / ((Date.now() - started) / 1000);
  process.stderr.write(
    `  raw argon2id (m=${ARGON2.memoryCost} KiB, t=${ARGON2.timeCost}, ${HASH_CONCURRENCY} at once): ${rate.toFixed(1)} hashes/s\n`,
  );
  return rate;
}

async function measure(
  name: string,
  fixture: BenchFixture,
  request: BenchRequest,
  goal?: number,
  options: { isPasswordHash?: boolean; warmUp?: boolean } = {},
) {
  let counter = 0;
  const headers: Record<string, string> = {};
  if (fixture.token) headers.authorization = `Bearer ${fixture.token}`;
  if (request.contentType) headers['content-type'] = request.contentType;
  const run = (duration: number) =>
    autocannon({
      url: fixture.baseUrl,
      connections: CONNECTIONS,
      duration,
      requests: [
        {
          method: request.method,
          path: request.path,
          headers,
          ...(request.body
            ? {
                setupRequest: (req: autocannon.Request) => {
                  counter += 1;
                  return {
                    ...req,
                    body: request.body!(counter),
                    ...(request.pathOf ? { path: request.pathOf(counter) } : {}),
                  };
                },
              }
            : {}),
        },
      ],
    });
  if (options.warmUp ?? true) await run(1); // warm-up: JIT, caches, connection pools
  const result = await run(DURATION);
  const measurement: Measurement = {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    goal,
    isPasswordHash: options.isPasswordHash,
  };
  process.stderr.write(
    `  ${name}: ${Math.round(measurement.requestsPerSecond)} req/s` +
      (measurement.failures ? ` (${measurement.failures} failed requests!)` : '') +
      '\n',
  );
  return measurement;
}

function signOnMeasurement(m: SignOnMeasurement): Measurement {
  const { name, result: r, isPasswordHash } = m;
  process.stderr.write(
    `  ${name}: ${r.perSecond.toFixed(1)}/s${r.failures ? ` (${r.failures} failed!)` : ''}\n`,
  );
  return {
    name,
    requestsPerSecond: r.perSecond,
    p50: r.p50,
    p99: r.p99,
    failures: r.failures,
    isPasswordHash,
  };
}

async function main() {
  process.stderr.write('building dist/ (the benchmark serves the compiled code, as npm start does)...\n');
  const build = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
    {
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) throw new Error('npm run build failed');
  const results: Measurement[] = [];
  process.stderr.write('measuring the raw argon2id hash rate...\n');
  const rawHashRate = await rawArgon2Rate();
  const work = mkdtempSync(join(tmpdir(), 'tessera-bench-run-'));
  try {
    let ceilingDone = false;
    for (const store of STORES) {
      process.stderr.write(`starting Tessera on ${store}...\n`);
      const target = await startTarget([store]);
      try {
        const call = caller(target.fixture);
        if (!ceilingDone) {
          // The ceiling answers exactly the JSON Tessera returns for the benchmark user.
          const bodyFile = join(work, 'user.json');
          const user = await call(
            'GET',
            `/v1/environments/${target.fixture.environmentId}/users/${target.fixture.userId}`,
          );
          writeFileSync(bodyFile, JSON.stringify(user));
          process.stderr.write(
            `measuring the ceiling (bare Fastify, ${JSON.stringify(user).length}-byte body)...\n`,
          );
          const ceiling = await startTarget(['ceiling', bodyFile]);
          try {
            results.push(
              await measure('ceiling: bare Fastify GET', ceiling.fixture, { method: 'GET', path: '/user' }),
            );
          } finally {
            await ceiling.stop();
          }
          ceilingDone = true;
        }
        for (const scenario of SCENARIOS) {
          await scenario.prepare?.(target.fixture, call);
          results.push(
            await measure(
              `${store}: ${scenario.name}`,
              target.fixture,
              scenario.request(target.fixture),
              scenario.goal,
              { isPasswordHash: scenario.isPasswordHash },
            ),
          );
        }
        results.push(
          ...(await signOnMeasurements(store, target.fixture, call, CONNECTIONS, DURATION)).map(
            signOnMeasurement,
          ),
        );
        // The cost of logging at info (one JSON line per request): same GET, a server logging.
        const logging = await startTarget([store, 'info']);
        try {
          const silent = results.find((r) => r.name === `${store}: GET user`);
          const logged = await measure(
            `${store}: GET user, LOG_LEVEL=info`,
            logging.fixture,
            userRequest(logging.fixture),
          );
          results.push({ ...logged, silentRate: silent?.requestsPerSecond });
        } finally {
          await logging.stop();
        }
        // GET latency while password sets saturate the hashing pool: reads must stay fast.
        const idle = results.find((r) => r.name === `${store}: GET user`);
        const [storm] = await Promise.all([
          measure(
            `${store}: GET user p99 during a password.set storm`,
            target.fixture,
            {
              method: 'GET',
              path: `/v1/environments/${target.fixture.environmentId}/users/${target.fixture.userId}`,
            },
            undefined,
            { warmUp: false },
          ),
          measure(
            `${store}: (storm of password.set)`,
            target.fixture,
            passwordSet(target.fixture),
            undefined,
            {
              warmUp: false,
            },
          ),
        ]);
        results.push({ ...storm, idleP99: idle?.p99 });
      } finally {
        await target.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  report(results, rawHashRate);
  if (results.some((r) => r.failures > 0)) process.exitCode = 1;
}

function report(results: Measurement[], rawHashRate: number) {
  const ceiling = results[0]!.requestsPerSecond;
  const cpu = cpus();
  const facts = [
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()}`,
    `Node ${process.version}; autocannon, ${CONNECTIONS} connections, ${DURATION} s per scenario after a 1 s warm-up; servers on 127.0.0.1 in their own processes`,
  ];
  const rows = results.map((r) => {
    let ratio: string;
    let goal = '';
    if (r.silentRate !== undefined) {
      // Issue 9: logging at info may cost at most 10% of GET throughput.
      const cost = 1 - r.requestsPerSecond / r.silentRate;
      ratio = `logging costs ${(cost * 100).toFixed(1)}% of GET req/s`;
      goal = `${cost <= 0.1 ? 'meets' : 'above'} 10%`;
    } else if (r.idleP99 !== undefined) {
      ratio = `p99 ${(r.p99 / Math.max(r.idleP99, 1)).toFixed(1)}x idle (${r.idleP99} ms)`;
    } else if (r.isPasswordHash) {
      const share = r.requestsPerSecond / rawHashRate;
      ratio = `${share.toFixed(3)} of raw argon2id (${rawHashRate.toFixed(1)}/s)`;
      goal = `${share >= 0.85 ? 'meets' : 'below'} 0.85`;
    } else {
      const share = r.requestsPerSecond / ceiling;
      ratio = `${(share * 100).toFixed(1)}% of ceiling`;
      if (r.goal !== undefined) goal = `${share >= r.goal ? 'meets' : 'below'} ${Math.round(r.goal * 100)}%`;
    }
    return [
      r.name,
      Math.round(r.requestsPerSecond).toString(),
      `${r.p50} ms`,
      `${r.p99} ms`,
      ratio,
      r.failures ? `${r.failures} failed` : goal,
    ];
  });
  const header = ['scenario', 'req/s', 'p50', 'p99', 'ratio', 'goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const out = [...facts, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  process.stdout.write(out.join('\n') + '\n');
  if (MARKDOWN) {
    const md = [
      ...facts.map((f) => `- ${f}`),
      '',
      `| ${header.join(' | ')} |`,
      `| ${header.map(() => '---').join(' | ')} |`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ];
    process.stdout.write('\n' + md.join('\n') + '\n');
  }
}

await main();
