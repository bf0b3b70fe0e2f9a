import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseEncoded } from '../../src/core/passwords/encodings.js';
import { createBoundedQueue, createHasher } from '../../src/core/passwords/hashing.js';
import { evaluatePolicy, haystackDays, longestSequence } from '../../src/core/passwords/policy-evaluation.js';
import { DomainError } from '../../src/core/shared/errors.js';

// Produced by independent tools (slappasswd, htpasswd, Python hashlib): see test/fixtures/passwords/generate.sh.
const vectors = JSON.parse(
  readFileSync(new URL('../fixtures/passwords/vectors.json', import.meta.url), 'utf8'),
) as {
  password: string;
  wrong: string;
  encodings: Record<string, string>;
};

// Made by the `argon2` npm package Tessera used before @node-rs/argon2: see
// test/fixtures/passwords/generate-argon2-package.mjs.
const oldLibrary = JSON.parse(
  readFileSync(new URL('../fixtures/passwords/argon2-package.json', import.meta.url), 'utf8'),
) as { password: string; wrong: string; hashes: Record<string, string> };

const LOW_COST = {
  memoryKiB: 1024,
  passes: 1,
  parallelism: 1,
  maxConcurrent: 2,
  queueLimit: 100,
  belowOwaspMinimum: true,
};

describe('password hashing', () => {
  const hasher = createHasher(LOW_COST);

  for (const [name, encoded] of Object.entries(vectors.encodings)) {
    it(`verifies ${name} made by an independent implementation, and asks for a rehash`, async () => {
      assert.ok(parseEncoded(encoded));
      assert.deepEqual(await hasher.verify(encoded, vectors.password), { match: true, rehash: true });
      assert.equal((await hasher.verify(encoded, vectors.wrong)).match, false);
    });
  }

  it('stores argon2id with the configured cost and does not rehash it', async () => {
    const stored = await hasher.hash('a password');
    assert.match(stored, /^\{ARGON2\}\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    assert.deepEqual(await hasher.verify(stored, 'a password'), { match: true, rehash: false });
    assert.equal((await hasher.verify(stored, 'another')).match, false);
    // A stronger configuration asks for a rehash of the weaker hash.
    const stronger = createHasher({ ...LOW_COST, memoryKiB: 2048 });
    assert.deepEqual(await stronger.verify(stored, 'a password'), { match: true, rehash: true });
  });

  it('refuses malformed or unknown encodings with INVALID_DATA, and treats other values as cleartext', () => {
    for (const value of [
      '{SSHA}not base64!',
      '{SSHA}AAAA',
      '{SSHA512}' + Buffer.alloc(64).toString('base64'),
      '{BCRYPT}$2b$10$tooShort',
      '{ARGON2}$argon2id$nonsense',
      '{PBKDF2}AAEAAA==',
      '{SCRYPT}AAEAEA==',
      '{SCRYPT_RFC7914}$scrypt$ln=99,r=8,p=1$c2FsdA$a2V5',
      '{MD5}X03MO1qnZdYdgyfeuILPmQ==',
      '{MSKCC_PBKDF2}AAAA',
    ]) {
      assert.throws(
        () => parseEncoded(value),
        (error: unknown) => error instanceof DomainError && error.kind === 'invalid_data',
        value,
      );
    }
    assert.equal(parseEncoded('plain Password1!'), undefined);
    assert.equal(parseEncoded('{lowercase}is cleartext'), undefined);
  });

  it('bounds the queue: beyond maxConcurrent + queueLimit callers are refused with 429', async () => {
    const queue = createBoundedQueue(1, 1);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run(() => gate);
    const second = queue.run(async () => 'second');
    await assert.rejects(
      queue.run(async () => 'third'),
      (error: unknown) => error instanceof DomainError && error.kind === 'rate_limited',
    );
    release();
    await first;
    assert.equal(await second, 'second');
    assert.equal(await queue.run(async () => 'after'), 'after');
  });
});

describe('argon2 hashes stored before the switch to @node-rs/argon2', () => {
  const hasher = createHasher(LOW_COST);
  const production = createHasher({ ...LOW_COST, memoryKiB: 19456, passes: 2 });

  for (const [name, stored] of Object.entries(oldLibrary.hashes)) {
    it(`verifies ${name} made by the argon2 package, and refuses a wrong password`, async () => {
      assert.equal((await hasher.verify(stored, oldLibrary.password)).match, true);
      assert.equal((await hasher.verify(stored, oldLibrary.wrong)).match, false);
    });
  }

  it('asks for a rehash only when the stored parameters differ from the configured ones', async () => {
    const { hashes, password } = oldLibrary;
    assert.deepEqual(await production.verify(hashes.argon2id_m19456_t2_p1!, password), {
      match: true,
      rehash: false,
    });
    assert.deepEqual(await hasher.verify(hashes.argon2id_m1024_t1_p1!, password), {
      match: true,
      rehash: false,
    });
    for (const name of ['argon2id_m2048_t3_p2', 'argon2i_m1024_t1_p1', 'argon2d_m1024_t1_p1']) {
      assert.deepEqual(await hasher.verify(hashes[name]!, password), { match: true, rehash: true }, name);
    }
    assert.deepEqual(await production.verify(hashes.argon2id_m1024_t1_p1!, password), {
      match: true,
      rehash: true,
    });
  });
});

describe('hashing for a caller whose connection closes', () => {
  const isCallerGone = (error: unknown) =>
    error instanceof DomainError && error.kind === 'rate_limited' && /abandoned/.test(error.message);

  it('drops a waiting job when its caller goes away, and keeps the queue usable', async () => {
    const queue = createBoundedQueue(1, 5);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run(() => gate);
    const gone = new AbortController();
    let ran = false;
    const dropped = queue.run(
      async () => {
        ran = true;
      },
      'hash',
      gone.signal,
    );
    const third = queue.run(async () => 'third');
    assert.equal(queue.pending, 2);
    gone.abort();
    await assert.rejects(dropped, isCallerGone);
    assert.equal(queue.pending, 1);
    release();
    await first;
    assert.equal(await third, 'third');
    assert.equal(ran, false);
  });

  it('leaves no abort listener behind on a long-lived caller signal once its queued jobs ran', async () => {
    // One keep-alive connection's signal serves every request made on it.
    const queue = createBoundedQueue(1, 50);
    const connection = new AbortController();
    let release!: () => void;
    const blocker = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = Array.from({ length: 20 }, () =>
      queue.run(async () => 'done', 'verify', connection.signal),
    );
    assert.equal(getEventListeners(connection.signal, 'abort').length, 20);
    release();
    await blocker;
    assert.deepEqual(await Promise.all(queued), Array(20).fill('done'));
    assert.equal(getEventListeners(connection.signal, 'abort').length, 0);
  });

  it('refuses at once to hash for a caller already gone', async () => {
    const hasher = createHasher(LOW_COST);
    const gone = new AbortController();
    gone.abort();
    await assert.rejects(hasher.for(gone.signal).hash('a password'), isCallerGone);
    const present = new AbortController();
    const stored = await hasher.for(present.signal).hash('a password');
    assert.equal((await hasher.verify(stored, 'a password')).match, true);
  });
});

describe('policy evaluation helpers', () => {
  it('measures sequences in both directions', () => {
    assert.equal(longestSequence([...'xabcdy'], ['abcdefghijklmnopqrstuvwxyz']), 4);
    assert.equal(longestSequence([...'9876'], ['0123456789']), 4);
    assert.equal(longestSequence([...'a1b2'], ['0123456789']), 1);
  });

  it('applies the sequence rules, minComplexity and notSimilarToCurrent only when present', () => {
    const context = { commonPasswords: new Set<string>(), profileValues: [] };
    const rules = {
      alphabetSequenceRule: { maxLength: 3 },
      numberSequenceRule: { maxLength: 2 },
      qwertySequenceRule: { maxLength: 3 },
      shiftedNumberRowSequenceRule: { maxLength: 3 },
    };
    assert.deepEqual(
      evaluatePolicy(rules, 'abcd-123-QWER-!@#$', context).map((v) => v.rule),
      ['alphabetSequenceRule', 'numberSequenceRule', 'qwertySequenceRule', 'shiftedNumberRowSequenceRule'],
    );
    assert.deepEqual(evaluatePolicy(rules, 'abc-12-qwe-!@#', context), []);
    assert.deepEqual(evaluatePolicy({}, 'abcdefgh', context), []);
    assert.ok(haystackDays('correct horse battery staple') > 7);
    assert.deepEqual(
      evaluatePolicy({ minComplexity: 7 }, 'short', context).map((v) => v.rule),
      ['minComplexity'],
    );
    assert.deepEqual(
      evaluatePolicy({ notSimilarToCurrent: true }, 'smitten', { ...context, currentPassword: 'kitten' }).map(
        (v) => v.rule,
      ),
      ['notSimilarToCurrent'],
    );
    assert.deepEqual(
      evaluatePolicy({ notSimilarToCurrent: true }, 'sitting', { ...context, currentPassword: 'kitten' }),
      [],
    );
  });
});
