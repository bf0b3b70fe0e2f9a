#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { adminCommand } from './admin.command.js';
import { importUsersCommand } from './import-users.command.js';
import { exportCommand, seedCommand } from './seed.command.js';
import { startCommand } from './start.command.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('tessera')
  .description(
    'Tessera: a self-hostable identity server speaking the PingOne Platform API.\n' +
      'Every command reads the same environment variables as the server (DATABASE_URL, PORT, TESSERA_*).',
  )
  .version(pkg.version)
  .addCommand(startCommand())
  .addCommand(seedCommand())
  .addCommand(exportCommand())
  .addCommand(importUsersCommand())
  .addCommand(adminCommand());

await program.parseAsync(process.argv);
