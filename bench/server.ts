/**
 * One benchmark target, run in its own process so the load generator does not share its event
 * loop: `tsx bench/server.ts sqlite|postgres`, `tsx bench/server.ts ceiling <body.json>` or
 * `tsx bench/server.ts floor <body.json>` (bench/floor.ts). Prints one JSON line with the URL and
 * the fixture (token, ids) once it listens on 127.0.0.1, then serves until SIGTERM.
 * Bench-only channel (not a product endpoint), one JSON line on stdout answering each stdin line:
 * `cpu` → `{"cpuMicros":N}`, the process's CPU time so far (user + system, all threads), so the
 * runner can work out CPU time per request; `level <name>` → `{"level":name}` after setting a
 * Tessera target's log level, so the logging cost is measured within one process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import Fastify from 'fastify';
import pg from 'pg';
import type { buildApp as BuildApp, TesseraApp } from '../src/app.js';
import type { loadConfig as LoadConfig } from '../src/config/config.js';
import type { createLogger as CreateLogger } from '../src/http/logging.js';
import { listenBare, type BenchFixture } from './fixture.js';
import { floor } from './floor.js';

// Measure what `npm start` runs: the JavaScript compiled into dist/ (bench/run.ts builds it
// first), not the sources transpiled on the fly, which adds helpers to every function.
const distApp = '../dist/app.js';
const distConfig = '../dist/config/config.js';
const { buildApp } = (await import(distApp)) as { buildApp: typeof BuildApp };
const { loadConfig } = (await import(distConfig)) as { loadConfig: typeof LoadConfig };
const distLogging = '../dist/http/logging.js';
const { createLogger } = (await import(distLogging)) as { createLogger: typeof CreateLogger };

const BOOTSTRAP = {
  TESSERA_BOOTSTRAP_ENVIRONMENT_ID: '0b0b0b0b-0000-4000-8000-0000000000b1',
  TESSERA_BOOTSTRAP_CLIENT_ID: '0b0b0b0b-0000-4000-8000-0000000000b2',
  TESSERA_BOOTSTRAP_CLIENT_SECRET: 'bench-secret-0123456789abcdef-0123456789',
};

const DATA_DIR = join(tmpdir(), 'tessera-bench-data');
const POSTGRES_URL = process.env.TESSERA_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The Tessera target's logger (the channel's `level` command sets its level). */
let benchLogger: { level: string } | undefined;

function announce(fixture: BenchFixture) {
  process.stdout.write(JSON.stringify(fixture) + '\n');
}

/** The ceiling: a bare Fastify route answering the very JSON Tessera returns for the user. */
async function ceiling(bodyFile: string | undefined) {
  if (!bodyFile) throw new Error('usage: server.ts ceiling <user-body.json>');
  const body = JSON.parse(readFileSync(bodyFile, 'utf8')) as unknown;
  const app = Fastify({ logger: false });
  app.get('/user', async () => body);
  await listenBare(app, announce);
  return () => app.close();
}

async function json(app: TesseraApp, method: string, url: string, token: string, body?: unknown) {
  const response = await app.server.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.statusCode >= 300)
    throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json<Record<string, unknown> & { id: string }>();
}

/**
 * `logLevel` info logs as production does (JSON lines, written in batches), into a file instead
 * of stdout, which carries the fixture line: the logging overhead figure compares it with silent.
 */
async function tessera(kind: 'sqlite' | 'postgres', logLevel: 'silent' | 'info' = 'silent') {
  const cleanups: Array<() => Promise<void> | void> = [];
  let databaseUrl: string;
  if (kind === 'sqlite') {
    // A file database with the production pragmas: WAL and synchronous=FULL (durable commits).
    const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    databaseUrl = `sqlite:${join(dir, 'tessera.db')}`;
  } else {
    const schema = `bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = url.toString();
  }
  const config = loadConfig({
    ...BOOTSTRAP,
    DATABASE_URL: databaseUrl,
    TESSERA_DATA_DIR: DATA_DIR,
    LOG_LEVEL: logLevel,
    // Production argon2 cost: password scenarios must measure the real thing.
    TESSERA_ARGON2_MEMORY_KIB: process.env.TESSERA_ARGON2_MEMORY_KIB ?? '19456',
    TESSERA_ARGON2_PASSES: process.env.TESSERA_ARGON2_PASSES ?? '2',
  });
  const logDir = mkdtempSync(join(tmpdir(), 'tessera-bench-log-'));
  cleanups.push(() => rmSync(logDir, { recursive: true, force: true }));
  // Built as for LOG_LEVEL=info (its buffered destination), then set to the level asked for: the
  // logging scenario switches it between silent and info (see `level` on the channel).
  const logger = createLogger({ ...config, logLevel: 'info' }, join(logDir, 'tessera.log'));
  logger.level = logLevel;
  benchLogger = logger;
  const app = await buildApp(config, { logger });
  cleanups.unshift(() => app.close());

  const tokenResponse = await app.server.inject({
    method: 'POST',
    url: `/${BOOTSTRAP.TESSERA_BOOTSTRAP_ENVIRONMENT_ID}/as/token`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'Basic ' +
        Buffer.from(
          `${BOOTSTRAP.TESSERA_BOOTSTRAP_CLIENT_ID}:${BOOTSTRAP.TESSERA_BOOTSTRAP_CLIENT_SECRET}`,
        ).toString('base64'),
    },
    payload: 'grant_type=client_credentials',
  });
  const token = tokenResponse.json<{ access_token: string }>().access_token;
  const environment = await json(app, 'POST', '/v1/environments', token, {
    name: 'Bench',
    type: 'SANDBOX',
    region: 'NA',
  });
  const population = await json(app, 'POST', `/v1/environments/${environment.id}/populations`, token, {
    name: 'Bench population',
  });
  const user = await json(app, 'POST', `/v1/environments/${environment.id}/users`, token, {
    username: 'bench.user',
    email: 'bench.user@example.com',
    population: { id: population.id },
    name: { given: 'Bench', family: 'User', formatted: 'Bench User' },
    title: 'Load generator',
    locale: 'en-US',
    preferredLanguage: 'en',
    timezone: 'Europe/Berlin',
    address: {
      streetAddress: '1 Main St',
      locality: 'Springfield',
      region: 'IL',
      postalCode: '62701',
      countryCode: 'US',
    },
    primaryPhone: '+1 555 0100',
    mobilePhone: '+1 555 0101',
    photo: { href: 'https://example.com/photo-0.png' },
  });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  announce({
    baseUrl: `http://127.0.0.1:${port}`,
    token,
    environmentId: environment.id,
    userId: user.id,
    populationId: population.id,
    databaseUrl,
    dataDir: DATA_DIR,
  });
  return async () => {
    for (const cleanup of cleanups) await cleanup();
  };
}

const target = process.argv[2];
const stop =
  target === 'ceiling'
    ? await ceiling(process.argv[3])
    : target === 'floor'
      ? await floor(process.argv[3], announce)
      : target === 'sqlite' || target === 'postgres'
        ? await tessera(target, process.argv[3] === 'info' ? 'info' : 'silent')
        : (() => {
            throw new Error(`unknown target ${target}`);
          })();
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, argument] = line.trim().split(' ');
  let answer: Record<string, unknown>;
  if (command === 'cpu') {
    const used = process.cpuUsage();
    answer = { cpuMicros: used.user + used.system };
  } else if (command === 'level' && benchLogger && argument) {
    benchLogger.level = argument;
    answer = { level: benchLogger.level };
  } else answer = { error: `unknown command ${line}` };
  process.stdout.write(JSON.stringify(answer) + '\n');
});
process.on('SIGTERM', () => {
  void Promise.resolve(stop()).then(() => process.exit(0));
});
