// Where the CPU of a password.check goes, thread by thread (issue 11). Not part of `npm run bench`:
//   node --import tsx bench/thread-cpu.ts check sqlite [count] [concurrency]
//   node --import tsx bench/thread-cpu.ts raw [count] [concurrency]
// `check` starts a bench target (bench/server.ts, the compiled dist/), sends `count` password.check
// requests `concurrency` at a time, and prints the CPU each of its threads used per request, from
// /proc/<pid>/task/*/stat (utime + stime, clock ticks) sampled right before and right after.
// `raw` does the same for bare @node-rs/argon2 hashes at Tessera's parameters in a child process.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { BenchFixture } from './fixture.js';
import { procCpu } from './lib/proc-stat.js';

interface ThreadTimes {
  name: string;
  user: number;
  sys: number;
}

/** utime and stime of every thread of `pid`, in ms. */
function threadTimes(pid: number): Map<string, ThreadTimes> {
  const out = new Map<string, ThreadTimes>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const cpu = procCpu(`/proc/${pid}/task/${tid}/stat`);
    if (!cpu) continue; // the thread ended
    out.set(tid, {
      name: tid === String(pid) ? 'main' : cpu.name,
      user: cpu.userMicros / 1000,
      sys: cpu.sysMicros / 1000,
    });
  }
  return out;
}

function report(
  pid: number,
  before: Map<string, ThreadTimes>,
  after: Map<string, ThreadTimes>,
  count: number,
) {
  const groups = new Map<string, { threads: number; user: number; sys: number }>();
  for (const [tid, t] of after) {
    const b = before.get(tid) ?? { user: 0, sys: 0 };
    const user = t.user - b.user;
    const sys = t.sys - b.sys;
    if (user + sys === 0) continue;
    // Node's threads all read `node`: tell them apart by their share (hashing pool threads do most).
    const key = t.name === 'main' ? 'main' : `${t.name} ${tid}`;
    const g = groups.get(key) ?? { threads: 0, user: 0, sys: 0 };
    g.threads += 1;
    g.user += user;
    g.sys += sys;
    groups.set(key, g);
  }
  let total = 0;
  console.log(`pid ${pid}, ${count} operations: CPU ms per operation (user + sys)`);
  for (const [name, g] of [...groups].sort((a, b) => b[1].user + b[1].sys - (a[1].user + a[1].sys))) {
    total += g.user + g.sys;
    console.log(
      `  ${name.padEnd(18)} ${String(g.threads).padStart(2)} thr  ${((g.user + g.sys) / count).toFixed(2).padStart(6)}` +
        `  (${(g.user / count).toFixed(2)} + ${(g.sys / count).toFixed(2)})`,
    );
  }
  console.log(`  ${'all threads'.padEnd(25)} ${(total / count).toFixed(2).padStart(6)}`);
}

async function pool(count: number, concurrency: number, one: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await one(next++);
    }),
  );
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'raw-child') {
  // The bare process: hashes only.
  const { hash } = await import('@node-rs/argon2');
  const [count, concurrency] = rest.map(Number) as [number, number];
  const options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
  await pool(5, concurrency, async (i) => void (await hash(`warm-${i}`, options)));
  const before = threadTimes(process.pid);
  const started = performance.now();
  await pool(count, concurrency, async (i) => void (await hash(`Qz7!vRp-raw-${i}`, options)));
  const seconds = (performance.now() - started) / 1000;
  report(process.pid, before, threadTimes(process.pid), count);
  console.log(`  ${(count / seconds).toFixed(1)}/s`);
} else if (mode === 'raw') {
  const [count = '200', concurrency = '2'] = rest;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/thread-cpu.ts', 'raw-child', count, concurrency],
    {
      stdio: 'inherit',
    },
  );
  await new Promise((resolve) => child.on('exit', resolve));
} else if (mode === 'check') {
  const [store = 'sqlite', countText = '200', concurrencyText = '8'] = rest;
  const count = Number(countText);
  const concurrency = Number(concurrencyText);
  const nodeArgs = (process.env.BENCH_TARGET_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/server.ts', store], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const fixture = await new Promise<BenchFixture>((resolve) =>
    lines.once('line', (line) => resolve(JSON.parse(line) as BenchFixture)),
  );
  const path = `/v1/environments/${fixture.environmentId}/users/${fixture.userId}/password`;
  const send = async (contentType: string, body: unknown) => {
    const response = await fetch(fixture.baseUrl + path, {
      method: contentType.includes('check') ? 'POST' : 'PUT',
      headers: { authorization: `Bearer ${fixture.token}`, 'content-type': contentType },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  await send('application/vnd.pingidentity.password.set+json', {
    value: 'Qz7!vRp-check',
    forceChange: false,
  });
  const check = async () =>
    send('application/vnd.pingidentity.password.check+json', { password: 'Qz7!vRp-check' });
  await pool(40, concurrency, check);
  const pid = child.pid!;
  const before = threadTimes(pid);
  const client = process.cpuUsage();
  const started = performance.now();
  await pool(count, concurrency, check);
  const seconds = (performance.now() - started) / 1000;
  const after = threadTimes(pid);
  const clientUsed = process.cpuUsage(client);
  report(pid, before, after, count);
  console.log(
    `  ${(count / seconds).toFixed(1)}/s; this client: ${((clientUsed.user + clientUsed.system) / 1000 / count).toFixed(2)} ms per request`,
  );
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
} else {
  console.error(
    'usage: thread-cpu.ts check <sqlite|postgres> [count] [concurrency] | raw [count] [concurrency]',
  );
  process.exit(2);
}
