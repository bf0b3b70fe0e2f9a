// Start-up as an operator meets it: warnings for misspelt variables, patience with a PostgreSQL
// that is not up yet, one line when stopped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from '../support/free-port.js';
import { PROCESS_TEST_TIMEOUT, startProcess, tempDir } from '../support/tessera-process.js';

describe('Tessera start-up', () => {
  it(
    'warns about an unknown TESSERA_* variable, suggests the close one, and logs when stopped',
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const tessera = startProcess({
        TESSERA_DATA_DIR: tempDir(),
        TESSERA_SECRET_KYE: 'x'.repeat(40),
        TESSERA_SOMETHING_ELSE_ENTIRELY: '1',
      });
      await tessera.waitFor(/Tessera is ready/);
      const warnings = tessera
        .lines()
        .filter((l) => l.level === 40)
        .map((l) => String(l.msg));
      assert.ok(
        warnings.includes(
          'unknown environment variable TESSERA_SECRET_KYE is ignored (did you mean TESSERA_SECRET_KEY?)',
        ),
        warnings.join('\n'),
      );
      assert.ok(
        warnings.includes('unknown environment variable TESSERA_SOMETHING_ELSE_ENTIRELY is ignored'),
        warnings.join('\n'),
      );
      tessera.child.kill('SIGTERM');
      assert.equal(await tessera.exited, 0);
      const stopped = tessera.lines().filter((l) => l.msg === 'Tessera stopped');
      assert.equal(stopped.length, 1, tessera.output);
      assert.equal(stopped[0]!.signal, 'SIGTERM');
    },
  );

  it(
    'keeps retrying an unreachable PostgreSQL, then names DATABASE_URL with the password masked',
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      // Port 1 on the loopback refuses connections at once: PostgreSQL "not up yet".
      const port = await freePort();
      const tessera = startProcess({
        PORT: String(port),
        TESSERA_DATA_DIR: tempDir(),
        DATABASE_URL: 'postgres://tessera:hunter2-secret@127.0.0.1:1/tessera',
        // Long enough for the early requests below, short enough to end the test soon.
        TESSERA_STORE_CONNECT_TIMEOUT_SECONDS: '6',
      });
      await tessera.waitFor(/PostgreSQL is not reachable yet; retrying/, 3);
      assert.equal(tessera.child.exitCode, null, 'still running while it retries');
      // The listener is open while it waits: requests are told to come back, not crash it.
      for (const path of ['/health/ready', '/v1/environments', '/nope']) {
        const early = await fetch(`http://127.0.0.1:${port}${path}`);
        assert.equal(early.status, 503, path);
        assert.equal(early.headers.get('retry-after'), '1');
        assert.equal(((await early.json()) as { code: string }).code, 'SERVICE_UNAVAILABLE');
      }
      assert.equal(tessera.child.exitCode, null, 'still running after early requests');
      assert.equal(await tessera.exited, 1);
      const retries = tessera.lines().filter((l) => l.msg === 'PostgreSQL is not reachable yet; retrying');
      assert.ok(retries.length >= 3);
      assert.deepEqual(
        retries.map((r) => r.attempt),
        retries.map((_, i) => i + 1),
      );
      assert.match(
        tessera.output,
        /Cannot connect to PostgreSQL at DATABASE_URL=postgres:\/\/tessera:\*\*\*\*@127\.0\.0\.1:1\/tessera/,
      );
      assert.match(tessera.output, /ECONNREFUSED/);
      assert.doesNotMatch(tessera.output, /hunter2/);
    },
  );
});
