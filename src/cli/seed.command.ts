import { Command } from 'commander';
import { SeedError } from '../core/seed/seed.js';
import { ensureBootstrap, withStore } from '../library/offline.js';
import { readSeedFile, SeedFileError, writeSeedFile } from '../library/seed-file.js';
import { applyFlags, fail, STORE_FLAGS, withStoreFlags } from './common.js';

/** `tessera seed FILE`: applies a seed file to the store, idempotently. */
export function seedCommand(): Command {
  const command = new Command('seed')
    .description(
      'Apply a seed file (JSON, or YAML when named .yaml/.yml; format: schemas/seed.schema.json) to the ' +
        'store named by DATABASE_URL. Existing items are left alone, so applying it twice changes nothing.',
    )
    .argument('<file>', 'the seed file');
  withStoreFlags(command);
  command.action(async (file: string, options: Record<string, unknown>) => {
    applyFlags(options, STORE_FLAGS);
    try {
      const document = readSeedFile(file);
      await withStore(process.env, async (context) => {
        const target = await ensureBootstrap(context);
        await context.services.seed.apply(document, target);
      });
      process.stdout.write(`Seeded ${document.environments.length} environment(s) from ${file}\n`);
    } catch (error) {
      if (error instanceof SeedFileError || error instanceof SeedError) fail(error.message);
      throw error;
    }
  });
  return command;
}

/** `tessera export FILE`: the store in the seed format (secrets included: the file is sensitive). */
export function exportCommand(): Command {
  const command = new Command('export')
    .description(
      'Write the store named by DATABASE_URL as a seed file (YAML when named .yaml/.yml, else JSON). ' +
        'It holds client secrets and password hashes: it is written readable by its owner only (0600).',
    )
    .argument('<file>', 'the file to write');
  withStoreFlags(command);
  command.action(async (file: string, options: Record<string, unknown>) => {
    applyFlags(options, STORE_FLAGS);
    const document = await withStore(process.env, async (context) => {
      const target = await ensureBootstrap(context);
      return context.services.seed.export(target);
    });
    writeSeedFile(file, document);
    process.stdout.write(`Exported ${document.environments.length} environment(s) to ${file}\n`);
  });
  return command;
}
