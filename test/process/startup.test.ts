// Start-up as an operator meets it: warnings for misspelt variables, patience with a PostgreSQL
// that is not up yet, one line when stopped.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

class Tessera {
  readonly child: ChildProcess;
  output = '';
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      for (const wake of this.waiters.splice(0)) wake();
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Resolves once `pattern` has matched `count` times; fails if the process exits first. */
  async waitFor(pattern: RegExp, count = 1): Promise<void> {
    const global = new RegExp(
      pattern.source,
      pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g',
    );
    for (;;) {
      if ((this.output.match(global) ?? []).length >= count) return;
      if (this.child.exitCode !== null) {
        throw new Error(`process exited (${this.child.exitCode}) before ${pattern}:\n${this.output}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  lines(): Array<Record<string, unknown>> {
    return this.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/** A safety net so a hung child cannot hang CI (not a speed assertion). */
const TIMEOUT = 300_000;
const started: Tessera[] = [];
after(() => {
  for (const tessera of started) if (tessera.child.exitCode === null) tessera.child.kill('SIGKILL');
});
function start(env: Record<string, string>) {
  const tessera = new Tessera(env);
  started.push(tessera);
  return tessera;
}
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-startup-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('Tessera start-up', () => {
  it(
    'warns about an unknown TESSERA_* variable, suggests the close one, and logs when stopped',
    { timeout: TIMEOUT },
    async () => {
      const tessera = start({
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
    { timeout: TIMEOUT },
    async () => {
      // Port 1 on the loopback refuses connections at once: PostgreSQL "not up yet".
      const tessera = start({
        TESSERA_DATA_DIR: tempDir(),
        DATABASE_URL: 'postgres://tessera:hunter2-secret@127.0.0.1:1/tessera',
        TESSERA_STORE_CONNECT_TIMEOUT_SECONDS: '2',
      });
      await tessera.waitFor(/PostgreSQL is not reachable yet; retrying/, 3);
      assert.equal(tessera.child.exitCode, null, 'still running while it retries');
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
