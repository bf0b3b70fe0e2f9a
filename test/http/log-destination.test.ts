// The log destination batches lines (about 60 KiB, or whatever is there after 100 ms) and writes
// each batch synchronously; nothing here touches a store, so this file runs once.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { createLogger, flushLogger } from '../../src/http/logging.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const linesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { msg: string; n?: number });

describe('log destination', () => {
  it('holds a lone line back at most about 100 ms, then writes it', async () => {
    const file = join(dir, 'lone.log');
    const logger = createLogger({ logLevel: 'info', logFormat: 'json' }, file);
    logger.info('lone line');
    assert.deepEqual(linesOf(file), [], 'a lone line waits for its batch');
    await sleep(400);
    assert.deepEqual(
      linesOf(file).map((l) => l.msg),
      ['lone line'],
    );
    await flushLogger(logger);
  });

  it('writes a full batch at once, in order, and flushes the rest on demand', async () => {
    const file = join(dir, 'batch.log');
    const logger = createLogger({ logLevel: 'info', logFormat: 'json' }, file);
    const count = 2000;
    for (let n = 0; n < count; n++) logger.info({ n }, 'numbered line');
    // 2,000 lines are well over 60 KiB: the full batches are on disk before any timer ran.
    const written = linesOf(file);
    assert.ok(written.length > 0 && written.length < count, `${written.length} lines written`);
    assert.deepEqual(
      written.map((l) => l.n),
      [...Array(written.length).keys()],
    );
    await flushLogger(logger);
    assert.deepEqual(
      linesOf(file).map((l) => l.n),
      [...Array(count).keys()],
    );
  });

  it('keeps lines whole across batches, whatever their characters and length', async () => {
    const file = join(dir, 'mixed.log');
    const logger = createLogger({ logLevel: 'info', logFormat: 'json' }, file);
    const long = 'ü€𝄞'.repeat(30_000); // longer than a batch on its own, multi-byte throughout
    const texts = ['ascii', long, 'después ✓', long.slice(0, 999), 'last'];
    for (let round = 0; round < 20; round++) for (const text of texts) logger.info(text);
    await flushLogger(logger);
    assert.deepEqual(
      linesOf(file).map((l) => l.msg),
      Array.from({ length: 20 }, () => texts).flat(),
    );
  });
});
