// A Tessera process spawned the way `npm run dev` runs it, for tests of what only a real process
// shows: start-up, signals, restarts, several processes on one store.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A safety net so a hung child cannot hang CI (not a speed assertion). */
export const PROCESS_TEST_TIMEOUT = 300_000;

export class TesseraProcess {
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

  /**
   * Resolves with the `count`-th match of `pattern` in the output; fails if the process exits
   * first.
   */
  async waitFor(pattern: RegExp, count = 1): Promise<RegExpMatchArray> {
    const global = new RegExp(
      pattern.source,
      pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g',
    );
    for (;;) {
      const matches = [...this.output.matchAll(global)];
      const match = matches[count - 1];
      if (match) return match;
      if (this.child.exitCode !== null) {
        throw new Error(`process exited (${this.child.exitCode}) before ${pattern}:\n${this.output}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async baseUrl(): Promise<string> {
    return (await this.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  }

  /** The JSON log lines written so far. */
  lines(): Array<Record<string, unknown>> {
    return this.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Starts a process that the calling test file kills (SIGKILL) after its tests, if still up. */
export function startProcess(env: Record<string, string>): TesseraProcess {
  const tessera = new TesseraProcess(env);
  after(() => {
    if (tessera.child.exitCode === null) tessera.child.kill('SIGKILL');
  });
  return tessera;
}

/** A temporary folder removed after the calling test file. */
export function tempDir(prefix = 'tessera-process-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
