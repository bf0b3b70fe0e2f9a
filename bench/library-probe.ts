/**
 * Run by the bench in its own process (`tsx bench/library-probe.ts STARTS RESETS`): times the
 * library's `startTessera()` (in memory, from the compiled dist/) and `reset()` on a small seed,
 * and prints one JSON line with the timings in milliseconds.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { startTessera as StartTessera } from '../src/library/index.js';

const distLibrary = '../dist/library/index.js';
const { startTessera } = (await import(distLibrary)) as { startTessera: typeof StartTessera };

const starts = Number(process.argv[2] ?? 10);
const resets = Number(process.argv[3] ?? 50);

function ssha512(password: string): string {
  const salt = randomBytes(16);
  const digest = createHash('sha512').update(password).update(salt).digest();
  return `{SSHA512}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** A small seed: one environment, two populations, 20 users with pre-encoded passwords, 2 groups. */
const SEED = {
  version: 1 as const,
  environments: [
    {
      name: 'Bench seed',
      populations: [{ name: 'Staff', default: true }, { name: 'Customers' }],
      users: Array.from({ length: 20 }, (_, i) => ({
        username: `seed.user.${i}`,
        email: `seed.user.${i}@example.com`,
        profile: { name: { given: 'Seed', family: `User${i}` } },
        password: { value: ssha512(`Seed-Pa55-${i}!`) },
      })),
      groups: [
        { name: 'Even', members: Array.from({ length: 10 }, (_, i) => `seed.user.${2 * i}`) },
        { name: 'Odd', members: Array.from({ length: 10 }, (_, i) => `seed.user.${2 * i + 1}`) },
      ],
    },
  ],
};

const startTimes: number[] = [];
for (let i = 0; i < starts; i += 1) {
  const t0 = performance.now();
  const instance = await startTessera();
  startTimes.push(performance.now() - t0);
  await instance.close();
}

const seeded = await startTessera({ seed: SEED });
const resetTimes: number[] = [];
try {
  const token = await seeded.token();
  const environments = (await (
    await fetch(`${seeded.apiPath}/environments`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { _embedded: { environments: { id: string; name: string }[] } };
  const env = environments._embedded.environments.find((e) => e.name === 'Bench seed');
  if (!env) throw new Error('the seeded environment is missing');
  for (let i = 0; i < resets; i += 1) {
    // Something to undo: a user made since the seed.
    const created = await fetch(`${seeded.apiPath}/environments/${env.id}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: `extra.${i}` }),
    });
    if (!created.ok) throw new Error(`POST user: ${created.status} ${await created.text()}`);
    const t0 = performance.now();
    await seeded.reset();
    resetTimes.push(performance.now() - t0);
  }
} finally {
  await seeded.close();
}
process.stdout.write(JSON.stringify({ startTimes, resetTimes }) + '\n');
