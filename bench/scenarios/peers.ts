// Peers side by side (issue 11 item 6): Prism's mock of the PingOne management OpenAPI and
// cognito-local, on the same GET, PATCH and set-password operations. Both are installed by the
// bench on demand into .bench-peers/ (git-ignored), not as devDependencies.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchFixture } from '../fixture.js';
import { measure, type LoadResult } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import { say, type Measurement } from '../lib/report.js';
import type { BenchRequest } from './api.js';

const PEERS_DIR = resolve('.bench-peers');
const PEERS = { '@stoplight/prism-cli': '5.16.0', 'cognito-local': '5.3.0' };
const SPEC = resolve('../shared/reference/openapi/pingone-management.yml');
const PRISM_PORT = 4518;
const COGNITO_PORT = 9529;

/** Installs the peers into .bench-peers/ once (npm install --prefix); false (with a note) on failure. */
function ensurePeers(notes: string[]): boolean {
  const bins = ['prism', 'cognito-local'].map((b) => join(PEERS_DIR, 'node_modules', '.bin', b));
  if (bins.every((b) => existsSync(b))) return true;
  say(`installing the peers into ${PEERS_DIR} (once)...`);
  mkdirSync(PEERS_DIR, { recursive: true });
  writeFileSync(
    join(PEERS_DIR, 'package.json'),
    JSON.stringify({ name: 'tessera-bench-peers', private: true }),
  );
  const installed = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      PEERS_DIR,
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      ...Object.entries(PEERS).map(([n, v]) => `${n}@${v}`),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (installed.status !== 0) notes.push('peers skipped: npm install into .bench-peers/ failed');
  return installed.status === 0;
}

/** Polls until `probe` answers (any HTTP status), or gives up after `seconds`. */
async function waitFor(url: string, seconds: number, child: ChildProcess): Promise<boolean> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until && child.exitCode === null) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return false;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** "Tessera is N× the peer" next to a Tessera figure of this run (SQLite), when there is one. */
function versus(results: readonly Measurement[], tesseraName: string, peer: LoadResult): string {
  const tessera = results.find((r) => r.name === tesseraName);
  if (!tessera || peer.rate === 0) return '';
  return `Tessera ${(tessera.rate / peer.rate).toFixed(2)}x (${tesseraName})`;
}

/** cognito-local's default pool wants an e-mail address as the username. */
const USERNAME = 'bench.user@example.com';
const NOBODY = { baseUrl: '', token: '', environmentId: '', userId: '', populationId: '' };
const ENV_ID = '0b0b0b0b-0000-4000-8000-00000000e001';
const USER_ID = '0b0b0b0b-0000-4000-8000-00000000e002';

async function prism(options: BenchOptions, results: Measurement[], notes: string[]) {
  if (!existsSync(SPEC)) {
    notes.push(`Prism skipped: ${SPEC} is absent`);
    return;
  }
  const bin = join(PEERS_DIR, 'node_modules', '.bin', 'prism');
  const child = spawn(bin, ['mock', '-h', '127.0.0.1', '-p', String(PRISM_PORT), SPEC], { stdio: 'ignore' });
  try {
    const base = `http://127.0.0.1:${PRISM_PORT}`;
    say('starting Prism (it parses a 1.4 MB OpenAPI file)...');
    if (!(await waitFor(base, 240, child))) {
      notes.push('Prism skipped: it did not listen within 240 s');
      return;
    }
    const fixture: BenchFixture = { ...NOBODY, baseUrl: base, token: 'bench-token' };
    const user = `/environments/${ENV_ID}/users/${USER_ID}`;
    const cases: [string, BenchRequest, string][] = [
      ['GET user', { method: 'GET', path: user }, 'sqlite: GET user'],
      [
        'PATCH user',
        {
          method: 'PATCH',
          path: user,
          contentType: 'application/json',
          // The reference schema makes username and email required in a PATCH body too.
          body: (i) =>
            JSON.stringify({
              username: 'bench.user',
              email: 'bench.user@example.com',
              photo: { href: `https://example.com/photo-${i}.png` },
            }),
        },
        'sqlite: PATCH user, one row (seed 003)',
      ],
      [
        'PUT password.set',
        {
          method: 'PUT',
          path: `${user}/password`,
          contentType: 'application/vnd.pingidentity.password.set+json',
          body: (i) => JSON.stringify({ value: `Qz7!vRp-${i}`, forceChange: false }),
        },
        'sqlite: PUT password.set (argon2id)',
      ],
    ];
    for (const [label, request, tesseraName] of cases) {
      const name = `Prism mock: ${label}`;
      const r = await measure(name, base, fixture, request, options);
      results.push({ name, ...r, unit: 'req/s', ratio: versus(results, tesseraName, r) });
    }
    notes.push(
      'Prism mock: stateless; validates each request against the OpenAPI file and answers an example body. It stores nothing and hashes nothing (non-2xx answers, e.g. 401/422 from its validation, count as failures).',
    );
  } finally {
    await stop(child);
  }
}

async function cognitoLocal(options: BenchOptions, results: Measurement[], notes: string[]) {
  const bin = join(PEERS_DIR, 'node_modules', '.bin', 'cognito-local');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-cognito-'));
  const child = spawn(bin, [], {
    cwd: dir,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(COGNITO_PORT) },
  });
  try {
    const base = `http://127.0.0.1:${COGNITO_PORT}`;
    if (!(await waitFor(base, 60, child))) {
      notes.push('cognito-local skipped: it did not listen within 60 s');
      return;
    }
    const target = (op: string) => ({
      'x-amz-target': `AWSCognitoIdentityProviderService.${op}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/local/cognito-idp/aws4_request',
    });
    const api = async (op: string, body: unknown) => {
      const response = await fetch(base + '/', {
        method: 'POST',
        headers: { ...target(op), 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`cognito-local ${op}: ${response.status} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    };
    const pool = (await api('CreateUserPool', { PoolName: 'bench' })) as { UserPool: { Id: string } };
    const UserPoolId = pool.UserPool.Id;
    await api('AdminCreateUser', {
      UserPoolId,
      Username: USERNAME,
      UserAttributes: [{ Name: 'email', Value: 'bench.user@example.com' }],
      MessageAction: 'SUPPRESS',
    });
    const fixture: BenchFixture = { ...NOBODY, baseUrl: base };
    const request = (op: string, body: (i: number) => unknown): BenchRequest => ({
      method: 'POST',
      path: '/',
      contentType: 'application/x-amz-json-1.1',
      body: (i) => JSON.stringify(body(i)),
    });
    const cases: [string, string, (i: number) => unknown, string][] = [
      ['AdminGetUser', 'AdminGetUser', () => ({ UserPoolId, Username: USERNAME }), 'sqlite: GET user'],
      [
        'AdminUpdateUserAttributes',
        'AdminUpdateUserAttributes',
        (i) => ({
          UserPoolId,
          Username: USERNAME,
          UserAttributes: [{ Name: 'picture', Value: `https://example.com/photo-${i}.png` }],
        }),
        'sqlite: PATCH user, one row (seed 003)',
      ],
      [
        'AdminSetUserPassword',
        'AdminSetUserPassword',
        (i) => ({ UserPoolId, Username: USERNAME, Password: `Qz7!vRp-${i}`, Permanent: true }),
        'sqlite: PUT password.set (argon2id)',
      ],
    ];
    for (const [label, op, body, tesseraName] of cases) {
      const name = `cognito-local: ${label}`;
      const r = await measure(name, base, fixture, request(op, body), options, { headers: target(op) });
      results.push({ name, ...r, unit: 'req/s', ratio: versus(results, tesseraName, r) });
    }
    notes.push(
      'cognito-local: keeps each pool in a JSON file it rewrites without fsync, and stores passwords in plaintext (no hashing), so its writes are neither durable nor comparable in cost.',
    );
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function peersGroup(options: BenchOptions, results: Measurement[], notes: string[]) {
  if (!ensurePeers(notes)) return;
  for (const [name, peer] of [
    ['Prism', prism],
    ['cognito-local', cognitoLocal],
  ] as const) {
    try {
      await peer(options, results, notes);
    } catch (error) {
      notes.push(`${name} failed: ${String(error)}`);
      say(`  ${name} failed: ${String(error)}`);
    }
  }
}
