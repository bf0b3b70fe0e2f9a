import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import type { ImportBatchResult, ImportedUserRow } from '../core/seed/user-import.js';
import { DomainError } from '../core/shared/errors.js';
import { withStore } from '../library/offline.js';
import { applyFlags, fail, STORE_FLAGS, withStoreFlags } from './common.js';
import { countLines, CSV_COLUMNS, parseUserLines } from './user-rows.js';

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

/** Rows one SQLite COMMIT carries at most when batches share it (see the window below). */
const ROWS_PER_COMMIT = 10_000;

/** `tessera import-users FILE --environment ID`: bulk import, one transaction per batch. */
export function importUsersCommand(): Command {
  const command = new Command('import-users')
    .description(
      'Import users from JSON Lines (.jsonl/.ndjson: {"username","email","name":{"given","family"},' +
        '"password","populationId"}) or CSV (.csv: header row with ' +
        `${CSV_COLUMNS.join(',')}). Passwords are pre-encoded ({SSHA512}…, {PBKDF2}…, {ARGON2}… as ` +
        "PingOne's import accepts) or cleartext (checked against the policy and hashed: slower). " +
        'Bad lines are reported by line number on stderr and skipped; each batch commits all its good ' +
        'lines or none. Exits 1 when any line failed.',
    )
    .argument('<file>', 'the users file')
    .requiredOption('--environment <id>', 'environment to import into')
    .option('--population <id>', 'population for lines that name none (default: the default population)')
    .option('--batch-size <n>', 'users per transaction', positive, 1000);
  withStoreFlags(command);
  command.action(async (file: string, options: Record<string, unknown>) => {
    applyFlags(options, STORE_FLAGS);
    const environmentId = String(options.environment);
    const population = typeof options.population === 'string' ? options.population : undefined;
    const batchSize = options.batchSize as number;
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      fail(`cannot read ${file}: ${(error as Error).message}`);
    }
    const total = countLines(content) - (extname(file).toLowerCase() === '.csv' ? 1 : 0);
    const bar = process.stderr.isTTY
      ? new SingleBar(
          { format: 'Importing [{bar}] {value}/{total} users | {rate} users/s | ETA {eta_formatted}' },
          Presets.shades_classic,
        )
      : undefined;
    const started = performance.now();
    let imported = 0;
    let failed = 0;
    let processed = 0;
    const report = (line: number, reason: string) => {
      failed++;
      const message = `${file}:${line}: ${reason}\n`;
      if (bar) bar.stop();
      process.stderr.write(message);
      if (bar) bar.start(total, processed, { rate: rate() });
    };
    const rate = () => Math.round(imported / Math.max((performance.now() - started) / 1000, 0.001));
    try {
      await withStore(process.env, async ({ config, services }) => {
        bar?.start(total, 0, { rate: 0 });
        // Batches in flight at once: on SQLite they share one COMMIT (group commit, each batch in
        // its own savepoint, so each is still all or nothing), which writes each index page once
        // per commit instead of once per batch. Bounded so a COMMIT carries about
        // ROWS_PER_COMMIT rows and a server on the same store never waits long for the lock.
        // PostgreSQL commits each batch on its own: one at a time there (concurrent batches
        // holding the same new usernames could deadlock on the unique index).
        const window =
          config.store.kind === 'sqlite' ? Math.max(1, Math.floor(ROWS_PER_COMMIT / batchSize)) : 1;
        const inFlight: Array<{ size: number; result: Promise<ImportBatchResult> }> = [];
        const settleOldest = async () => {
          const oldest = inFlight.shift();
          if (!oldest) return;
          const result = await oldest.result;
          imported += result.imported;
          processed += oldest.size;
          for (const f of result.failed) report(f.line, f.reason);
          bar?.update(processed, { rate: rate() });
        };
        try {
          let batch: ImportedUserRow[] = [];
          const flush = async () => {
            if (batch.length === 0) return;
            const result = services.seed.importUsers(environmentId, batch);
            // Settled in order below; a rejection is never left unobserved meanwhile.
            result.catch(() => undefined);
            inFlight.push({ size: batch.length, result });
            batch = [];
            if (inFlight.length >= window) await settleOldest();
          };
          for (const parsed of parseUserLines(file, content)) {
            if ('rejected' in parsed) {
              processed++;
              report(parsed.rejected.line, parsed.rejected.reason);
              continue;
            }
            batch.push(
              population && !parsed.row.populationId
                ? { ...parsed.row, populationId: population }
                : parsed.row,
            );
            if (batch.length >= batchSize) await flush();
          }
          await flush();
          while (inFlight.length > 0) await settleOldest();
          if (imported > 0) await services.seed.importFinished();
        } catch (error) {
          // Let the batches still in flight finish before the store closes under them.
          await Promise.allSettled(inFlight.map((b) => b.result));
          throw error;
        }
      });
    } catch (error) {
      bar?.stop();
      if (error instanceof DomainError && error.kind === 'not_found')
        fail(`no environment ${environmentId} in this store`);
      if (error instanceof Error && !(error instanceof DomainError) && error.message.startsWith(file))
        fail(error.message);
      throw error;
    }
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `Imported ${imported} user(s), ${failed} failed, in ${seconds.toFixed(1)} s (${rate()} users/s)\n`,
    );
    if (failed > 0) process.exitCode = 1;
  });
  return command;
}
