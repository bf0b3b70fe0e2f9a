// Start-up traps as a new user meets them: a store bootstrapped with other credentials, the
// recovery command, the credentials file only for stores that keep data, the environment that
// holds the bootstrap worker.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LIBRARY_BOOTSTRAP, startTessera } from '../../src/library/index.js';
import { createTestStore, STORES } from '../support/harness.js';
import { api, libraryDatabase } from '../support/library.js';

const TIMEOUT = 300_000;

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-traps-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the CLI until it exits, or until `until` shows in its output (then stops it). */
function cli(args: string[], env: Record<string, string>, until?: RegExp) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (until && until.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const OTHER_SECRET = 'another-bootstrap-secret-0123456789';

for (const kind of STORES) {
  describe(`bootstrap traps [${kind}]`, () => {
    it(
      'refuses other TESSERA_BOOTSTRAP_* with exit 2; admin reset-credentials sets the new secret',
      { timeout: TIMEOUT },
      async () => {
        const store = await createTestStore(kind);
        after(() => store.drop());
        const database = libraryDatabase(store);
        const dataDir = tempDir();
        await (await startTessera({ database })).close();
        const env = {
          DATABASE_URL: database,
          TESSERA_DATA_DIR: dataDir,
          TESSERA_BOOTSTRAP_ENVIRONMENT_ID: LIBRARY_BOOTSTRAP.environmentId,
          TESSERA_BOOTSTRAP_CLIENT_ID: LIBRARY_BOOTSTRAP.clientId,
          TESSERA_BOOTSTRAP_CLIENT_SECRET: OTHER_SECRET,
        };
        const refused = await cli(['start'], env);
        assert.equal(refused.code, 2, refused.output);
        assert.match(refused.output, /bootstrapped with other credentials/);
        assert.match(refused.output, /tessera admin reset-credentials/);
        assert.doesNotMatch(refused.output, new RegExp(OTHER_SECRET), 'the secret is never echoed');
        assert.equal(
          existsSync(join(dataDir, 'bootstrap-credentials.json')),
          false,
          'a failed start writes nothing',
        );
        const otherId = await cli(['start'], {
          ...env,
          TESSERA_BOOTSTRAP_CLIENT_ID: 'bbbbbbbb-0000-4000-8000-000000000002',
        });
        assert.equal(otherId.code, 2, otherId.output);
        assert.match(otherId.output, /TESSERA_BOOTSTRAP_CLIENT_ID=bbbbbbbb/);

        const reset = await cli(['admin', 'reset-credentials'], env);
        assert.equal(reset.code, 0, reset.output);
        assert.match(reset.output, /new secret/);
        const saved = JSON.parse(readFileSync(join(dataDir, 'bootstrap-credentials.json'), 'utf8')) as {
          clientSecret: string;
        };
        assert.equal(saved.clientSecret, OTHER_SECRET);
        const t = await startTessera({ database, bootstrap: { clientSecret: OTHER_SECRET } });
        try {
          assert.match(await t.token(), /^ey/);
        } finally {
          await t.close();
        }
        await assert.rejects(startTessera({ database }), /other credentials/);
      },
    );
  });
}

describe('start-up output and the bootstrap environment', () => {
  it(
    'an in-memory start prints the organization, token URL and a curl command, and writes no file',
    { timeout: TIMEOUT },
    async () => {
      const dataDir = tempDir();
      const started = await cli(
        ['start', '--database', 'sqlite::memory:'],
        { TESSERA_DATA_DIR: dataDir },
        /Tessera is ready/,
      );
      assert.match(started.output, /organization id: [0-9a-f-]{36}/);
      assert.match(started.output, /token URL: +http:\/\/localhost:\d+\/[0-9a-f-]{36}\/as\/token/);
      assert.match(
        started.output,
        /curl -s -u "[0-9a-f-]{36}:\$TESSERA_CLIENT_SECRET" -d grant_type=client_credentials/,
      );
      assert.equal(existsSync(join(dataDir, 'bootstrap-credentials.json')), false);
    },
  );

  it('refuses to delete the environment holding the bootstrap worker (400, clear message)', async () => {
    const t = await startTessera();
    try {
      const refused = await api(t, 'DELETE', `/environments/${t.environmentId}`);
      assert.equal(refused.status, 400, refused.text);
      assert.match(JSON.stringify(refused.body), /holds the bootstrap worker/);
      assert.equal((await api(t, 'GET', `/environments/${t.environmentId}`)).status, 200);
    } finally {
      await t.close();
    }
  });
});
