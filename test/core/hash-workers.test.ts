import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, describe, it } from 'node:test';
import { verify } from '@node-rs/argon2';
import { HashWorkers } from '../../src/core/passwords/hash-workers.js';
import { DomainError } from '../../src/core/shared/errors.js';

// Slow enough (tens of ms) that a second job is handed over while the first computes.
const SLOW = { algorithm: 2, memoryCost: 32 * 1024, timeCost: 3, parallelism: 1 };

const isCallerGone = (error: unknown) =>
  error instanceof DomainError && error.kind === 'rate_limited' && /abandoned/.test(error.message);

/** Blocks the event loop, as a COMMIT's fsync or a long synchronous task does. */
function blockEventLoop(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('hashing workers', () => {
  const workers = new HashWorkers(1, SLOW);
  after(() => workers.close());

  it('hashes and verifies argon2id that @node-rs/argon2 itself accepts', async () => {
    const hashed = await workers.hash('a password');
    assert.match(hashed.value, /^\$argon2id\$v=19\$m=32768,t=3,p=1\$/);
    assert.ok(hashed.seconds > 0);
    assert.equal(await verify(hashed.value, 'a password'), true);
    assert.equal((await workers.verify(hashed.value, 'a password')).value, true);
    assert.equal((await workers.verify(hashed.value, 'another')).value, false);
  });

  it('starts the next job while the event loop is blocked', async () => {
    // An ordering check, not a timing one: the worker stamps when it began each job on a clock
    // shared across threads. The block must outlast the first job for the question to be asked,
    // so on a machine too busy for that the block is doubled and the pair sent again.
    for (let blockMs = 200; ; blockMs *= 2) {
      const first = workers.hash('first');
      const second = workers.hash('second');
      blockEventLoop(blockMs);
      const unblockedAt = performance.timeOrigin + performance.now();
      const [one, two] = await Promise.all([first, second]);
      const firstEndedAt = one.startedAt + one.seconds * 1000;
      assert.ok(blockMs < 60_000, 'the first job never finished within a block');
      if (firstEndedAt >= unblockedAt) continue;
      // Handed over only once the first answered, the second could not start before the loop ran.
      assert.ok(
        two.startedAt < unblockedAt,
        `second job started ${(two.startedAt - unblockedAt).toFixed(1)} ms after the block ended`,
      );
      assert.ok(two.startedAt >= one.startedAt);
      return;
    }
  });

  it('skips a handed-over job whose caller went away before it started, and stays usable', async () => {
    const computing = workers.hash('computing');
    const gone = new AbortController();
    const skipped = workers.hash('skipped', gone.signal);
    gone.abort();
    await assert.rejects(skipped, isCallerGone);
    assert.match((await computing).value, /^\$argon2id\$/);
    assert.equal(getEventListeners(gone.signal, 'abort').length, 0);
    const later = await workers.hash('later');
    assert.equal(await verify(later.value, 'later'), true);
  });

  it('finishes a job that already started even when its caller goes away', async () => {
    const gone = new AbortController();
    const started = workers.hash('started', gone.signal);
    await new Promise((resolve) => setTimeout(resolve, 5));
    gone.abort();
    assert.equal(await verify((await started).value, 'started'), true);
  });

  it('refuses new jobs once closed', async () => {
    const closing = new HashWorkers(1, SLOW);
    await closing.hash('warm');
    await closing.close();
    await assert.rejects(closing.hash('late'), /closed/);
  });
});
