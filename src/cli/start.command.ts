import { Command } from 'commander';
import { applyFlags, STORE_FLAGS, withStoreFlags } from './common.js';

const START_FLAGS = [
  ...STORE_FLAGS,
  ['--port <port>', 'PORT', 'port to listen on; 0 picks a free one'],
  ['--host <host>', 'HOST', 'interface to listen on'],
  ['--public-url <url>', 'TESSERA_PUBLIC_URL', 'base URL used in links and token issuers'],
  ['--test-mode', 'TESSERA_TEST_MODE', 'enable the test mailbox, clock control and reset'],
  ['--seed <file>', 'TESSERA_SEED_FILE', 'apply this seed file at start (JSON or YAML)'],
] as const;

export function startCommand(): Command {
  const command = new Command('start').description(
    'Run the Tessera server (stops cleanly on SIGTERM or SIGINT).',
  );
  for (const [flag, variable, help] of START_FLAGS.slice(STORE_FLAGS.length))
    command.option(flag, `${help} (env ${variable})`);
  withStoreFlags(command);
  command.action(async (options: Record<string, unknown>) => {
    applyFlags(options, START_FLAGS);
    // The server entry reads its configuration from the environment, as `node dist/main.js` does.
    await import('../main.js');
  });
  return command;
}
