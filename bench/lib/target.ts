import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BenchFixture } from '../fixture.js';
import type { ApiCall } from '../scenarios/api.js';

export interface Target {
  readonly fixture: BenchFixture;
  /** The target process's CPU time so far (user + system, µs), through its bench-only stdin channel. */
  cpuMicros(): Promise<number>;
  /** Sets a Tessera target's log level (`silent`, `info`…) through the same channel. */
  setLogLevel(level: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `bench/server.ts` in its own process (so the load generator does not share its event
 * loop) and waits for its fixture line.
 */
export async function startTarget(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  // BENCH_TARGET_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=prof`) profiles the targets.
  const nodeArgs = (env.BENCH_TARGET_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'bench/server.ts', ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env,
    },
  );
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
      reject(new Error(`bench target ${args.join(' ')} exited (${code}) before it was ready`)),
    );
  });
  // Later stdout lines answer the channel's commands, in the order they were sent.
  const waiting: Array<(answer: Record<string, unknown>) => void> = [];
  lines.on('line', (line) => {
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not a channel answer
    }
    waiting.shift()?.(answer);
  });
  const ask = (command: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      waiting.push((answer) =>
        typeof answer.error === 'string' ? reject(new Error(answer.error)) : resolve(answer),
      );
      child.stdin!.write(command + '\n');
    });
  return {
    fixture,
    cpuMicros: async () => Number((await ask('cpu')).cpuMicros),
    setLogLevel: async (level) => void (await ask(`level ${level}`)),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Calls the target's API with the fixture's token; throws on a non-2xx answer. */
export function caller(fixture: BenchFixture): ApiCall {
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
