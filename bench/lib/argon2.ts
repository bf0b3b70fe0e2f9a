import { hash as argon2Hash, type Algorithm } from '@node-rs/argon2';
import type { BenchOptions } from './options.js';
import { say } from './report.js';

const HASH_CONCURRENCY = Number(process.env.TESSERA_HASH_CONCURRENCY ?? 2);
const ARGON2 = {
  algorithm: 2 as Algorithm, // Algorithm.Argon2id (an ambient const enum isolatedModules cannot read)
  memoryCost: Number(process.env.TESSERA_ARGON2_MEMORY_KIB ?? 19456),
  timeCost: Number(process.env.TESSERA_ARGON2_PASSES ?? 2),
  parallelism: 1,
};

/**
 * argon2id hashes per second with Tessera's parameters and hashing concurrency, in the runner
 * process with no HTTP and no store. Measured over `seconds` (shorter than a scenario: it runs
 * right before and right after each password scenario).
 */
export async function rawArgon2Rate(seconds: number): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let count = 0;
  const worker = async () => {
    while (Date.now() < until) {
      await argon2Hash(`Qz7!vRp-raw-${count}`, ARGON2);
      count += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  return count / ((Date.now() - started) / 1000);
}

export const argon2Description = `m=${ARGON2.memoryCost} KiB, t=${ARGON2.timeCost}, p=1, ${HASH_CONCURRENCY} at once`;

/** Raw rate before and after a password scenario, and the scenario's rate against their mean. */
export async function aroundPasswordScenario<T extends { rate: number }>(
  options: BenchOptions,
  scenario: () => Promise<T>,
): Promise<{ result: T; before: number; after: number; ratio: string; goal: string }> {
  const seconds = Math.max(1, Math.min(3, options.duration / 2));
  const before = await rawArgon2Rate(seconds);
  const result = await scenario();
  const after = await rawArgon2Rate(seconds);
  const mean = (before + after) / 2;
  const share = mean > 0 ? result.rate / mean : 0;
  say(`    raw argon2id before ${before.toFixed(1)}/s, after ${after.toFixed(1)}/s (${argon2Description})`);
  return {
    result,
    before,
    after,
    ratio: `${share.toFixed(3)} of raw argon2id (${before.toFixed(1)}/s before, ${after.toFixed(1)}/s after)`,
    goal: `${share >= 0.85 ? 'meets' : 'below'} 0.85`,
  };
}
