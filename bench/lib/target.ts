import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BenchFixture } from '../fixture.js';
import type { ApiCall } from '../scenarios/api.js';

export interface Target {
  readonly fixture: BenchFixture;
  stop(): Promise<void>;
}

/**
 * Starts `bench/server.ts` in its own process (so the load generator does not share its event
 * loop) and waits for its fixture line.
 */
export async function startTarget(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
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
      reject(new Error(`bench target ${args.join(' ')} exited (${code}) before it was ready`)),
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
