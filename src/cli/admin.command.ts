import { Command } from 'commander';
import { resetBootstrapCredentials } from '../core/bootstrap/reset-credentials.js';
import { credentialsBanner, writeCredentialsFile } from '../library/credentials-file.js';
import { withStore } from '../library/offline.js';
import { applyFlags, STORE_FLAGS, withStoreFlags } from './common.js';

const RESET_FLAGS = [
  ...STORE_FLAGS,
  ['--client-secret <secret>', 'TESSERA_BOOTSTRAP_CLIENT_SECRET', 'the new secret (generated when absent)'],
] as const;

const WHAT = {
  'new-secret': 'the bootstrap worker has a new secret; the old one no longer works',
  'recreated-worker': 'the bootstrap worker was missing and has been made again',
  bootstrapped: 'the store was empty and has been bootstrapped',
} as const;

/** `tessera admin …`: recovery for operators. */
export function adminCommand(): Command {
  const admin = new Command('admin').description(
    'Operator recovery commands (run against a stopped or running store).',
  );
  const reset = new Command('reset-credentials').description(
    'Give the bootstrap worker a new secret, or recreate it (with its roles and environment) when it is gone. ' +
      'Prints the new credentials and writes the credentials file (file or PostgreSQL store).',
  );
  reset.option(RESET_FLAGS[3][0], `${RESET_FLAGS[3][2]} (env ${RESET_FLAGS[3][1]})`);
  withStoreFlags(reset);
  reset.action(async (options: Record<string, unknown>) => {
    applyFlags(options, RESET_FLAGS);
    await withStore(process.env, async ({ config, services }) => {
      const result = await resetBootstrapCredentials(services, {
        clientSecret: config.bootstrap.clientSecret,
      });
      const savedTo = writeCredentialsFile(config, result);
      process.stdout.write(
        credentialsBanner(result, config.publicUrl, {
          title: `Tessera bootstrap credentials reset: ${WHAT[result.action]}`,
          savedTo,
        }),
      );
    });
  });
  return admin.addCommand(reset);
}
