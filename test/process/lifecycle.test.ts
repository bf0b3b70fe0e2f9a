import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { POSTGRES_URL, STORES } from '../support/harness.js';
import { TesseraProcess } from '../support/tessera-process.js';

/** A safety net so a hung child cannot hang CI (not a speed assertion). */
const PROCESS_TEST_TIMEOUT = 300_000;

const started: TesseraProcess[] = [];
function start(env: Record<string, string>) {
  const tessera = new TesseraProcess(env);
  started.push(tessera);
  return tessera;
}
after(async () => {
  for (const tessera of started) {
    if (tessera.child.exitCode === null) tessera.child.kill('SIGKILL');
  }
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-process-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function tokenStatus(base: string, env: string, clientId: string, secret: string): Promise<number> {
  const response = await fetch(`${base}/${env}/as/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Basic ' + Buffer.from(`${clientId}:${secret}`).toString('base64'),
    },
    body: 'grant_type=client_credentials',
  });
  return response.status;
}

interface Credentials {
  environmentId: string;
  clientId: string;
  clientSecret: string;
}

describe('the Tessera process', () => {
  it(
    'answers health checks, generates bootstrap credentials once and keeps them across restarts',
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const dataDir = tempDir();
      const first = start({ TESSERA_DATA_DIR: dataDir });
      const base = await first.baseUrl();
      const live = await fetch(`${base}/health/live`);
      assert.equal(live.status, 200);
      assert.deepEqual(await live.json(), { status: 'UP' });
      const ready = await fetch(`${base}/health/ready`);
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { status: string }).status, 'UP');

      const file = join(dataDir, 'bootstrap-credentials.json');
      assert.equal(statSync(file).mode & 0o777, 0o600, 'the credentials file is readable by its owner only');
      const credentials = JSON.parse(readFileSync(file, 'utf8')) as Credentials;
      assert.match(credentials.clientSecret, /^.{32,}$/);
      assert.equal(
        first.output.split(credentials.clientSecret).length - 1,
        1,
        'the secret is printed exactly once',
      );
      assert.ok(first.output.includes(credentials.clientId));
      assert.equal(
        await tokenStatus(base, credentials.environmentId, credentials.clientId, credentials.clientSecret),
        200,
      );
      assert.equal(await first.stop(), 0);

      const second = start({ TESSERA_DATA_DIR: dataDir });
      const secondBase = await second.baseUrl();
      await second.waitFor(/Tessera is ready/);
      assert.doesNotMatch(second.output, /bootstrap credentials/i, 'a restart creates no second set');
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), credentials, 'the file is left as it was');
      assert.equal(
        await tokenStatus(
          secondBase,
          credentials.environmentId,
          credentials.clientId,
          credentials.clientSecret,
        ),
        200,
      );
      assert.equal(await second.stop(), 0);
    },
  );

  it(
    'uses the TESSERA_BOOTSTRAP_* values without printing or writing a secret',
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const dataDir = tempDir();
      const env = {
        TESSERA_DATA_DIR: dataDir,
        TESSERA_BOOTSTRAP_ENVIRONMENT_ID: '0c0c0c0c-0000-4000-8000-000000000001',
        TESSERA_BOOTSTRAP_CLIENT_ID: '0c0c0c0c-0000-4000-8000-000000000002',
        TESSERA_BOOTSTRAP_CLIENT_SECRET: 'process-test-secret-0123456789-abcdefgh',
      };
      const tessera = start(env);
      const base = await tessera.baseUrl();
      assert.equal(
        await tokenStatus(
          base,
          env.TESSERA_BOOTSTRAP_ENVIRONMENT_ID,
          env.TESSERA_BOOTSTRAP_CLIENT_ID,
          env.TESSERA_BOOTSTRAP_CLIENT_SECRET,
        ),
        200,
      );
      assert.doesNotMatch(tessera.output, /process-test-secret/, 'a configured secret is never echoed');
      assert.throws(() => statSync(join(dataDir, 'bootstrap-credentials.json')));
      assert.equal(await tessera.stop(), 0);
    },
  );

  it(
    'finishes an in-flight request on SIGTERM, then exits 0',
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const dataDir = tempDir();
      // At debug level Tessera logs each request as it arrives (info logs it once answered).
      const tessera = start({ TESSERA_DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
      const base = new URL(await tessera.baseUrl());
      const credentials = JSON.parse(
        readFileSync(join(dataDir, 'bootstrap-credentials.json'), 'utf8'),
      ) as Credentials;
      const body = 'grant_type=client_credentials';
      // Send the headers and half of the body, so the request is in flight when SIGTERM arrives.
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: base.hostname,
            port: base.port,
            method: 'POST',
            path: `/${credentials.environmentId}/as/token`,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'content-length': Buffer.byteLength(body),
              authorization:
                'Basic ' +
                Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64'),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        request.on('error', reject);
        request.write(body.slice(0, 10));
        // The rest is sent once the process has acknowledged SIGTERM.
        void tessera.waitFor(/finishing in-flight requests/).then(() => request.end(body.slice(10)));
      });
      // Make sure the server has the request (its headers) before signalling.
      await tessera.waitFor(/incoming request/);
      tessera.child.kill('SIGTERM');
      const answered = await response;
      assert.equal(answered.status, 200, answered.text);
      assert.ok((JSON.parse(answered.text) as { access_token?: string }).access_token);
      assert.equal(await tessera.exited, 0);
    },
  );

  it(
    'refuses an invalid configuration with a message naming the variable',
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const tessera = start({ PORT: 'eighty' });
      assert.equal(await tessera.exited, 2);
      assert.match(tessera.output, /PORT/);
    },
  );

  if (STORES.includes('postgres')) {
    it(
      'creates one bootstrap set when two processes start at once on one PostgreSQL',
      { timeout: PROCESS_TEST_TIMEOUT },
      async () => {
        const schema = `p_${randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: POSTGRES_URL });
        await admin.connect();
        await admin.query(`CREATE SCHEMA ${schema}`);
        after(async () => {
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await admin.end();
        });
        const url = new URL(POSTGRES_URL);
        url.searchParams.set('options', `-c search_path=${schema}`);
        const dirs = [tempDir(), tempDir()];
        const processes = dirs.map((dir) => start({ TESSERA_DATA_DIR: dir, DATABASE_URL: url.toString() }));
        const bases = await Promise.all(processes.map((p) => p.baseUrl()));
        const files = dirs.map((dir) => {
          try {
            return JSON.parse(readFileSync(join(dir, 'bootstrap-credentials.json'), 'utf8')) as Credentials;
          } catch {
            return undefined;
          }
        });
        const written = files.filter((f): f is Credentials => f !== undefined);
        assert.equal(written.length, 1, 'exactly one process created and wrote the credentials');
        const printed = processes.filter((p) => /bootstrap credentials/i.test(p.output));
        assert.equal(printed.length, 1, 'exactly one process printed them');
        const counts = await admin.query<{
          organizations: string;
          applications: string;
          environments: string;
        }>(
          `SELECT (SELECT count(*) FROM ${schema}.organizations) AS organizations,
                (SELECT count(*) FROM ${schema}.applications) AS applications,
                (SELECT count(*) FROM ${schema}.environments) AS environments`,
        );
        assert.deepEqual(counts.rows[0], { organizations: '1', applications: '1', environments: '1' });
        // Both processes accept the one set.
        const [credentials] = written as [Credentials];
        for (const base of bases) {
          assert.equal(
            await tokenStatus(
              base,
              credentials.environmentId,
              credentials.clientId,
              credentials.clientSecret,
            ),
            200,
          );
        }
        for (const p of processes) assert.equal(await p.stop(), 0);
      },
    );
  }
});
