import type { Command } from 'commander';

/**
 * Flags for the environment variables most commands read. A flag given on the command line wins
 * over the variable; every other variable is read from the environment as by the server.
 */
export const STORE_FLAGS = [
  ['--database <url>', 'DATABASE_URL', 'store: sqlite:FILE, sqlite::memory: or postgres://…'],
  ['--data-dir <dir>', 'TESSERA_DATA_DIR', 'directory for the default SQLite file and credentials'],
  ['--log-level <level>', 'LOG_LEVEL', 'fatal, error, warn, info, debug, trace or silent'],
] as const;

export function withStoreFlags(command: Command): Command {
  for (const [flag, variable, help] of STORE_FLAGS) command.option(flag, `${help} (env ${variable})`);
  return command;
}

const camel = (flag: string) =>
  flag
    .replace(/^--/, '')
    .split(' ')[0]!
    .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Copies the given flags into the environment the command (and the server) reads. */
export function applyFlags(
  options: Record<string, unknown>,
  flags: ReadonlyArray<readonly [string, string, string]>,
): void {
  for (const [flag, variable] of flags) {
    const value = options[camel(flag)];
    if (typeof value === 'string') process.env[variable] = value;
    else if (value === true) process.env[variable] = 'true';
  }
}

/** Prints a failure the way every command does and exits with `code`. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`tessera: ${message}\n`);
  process.exit(code);
}
