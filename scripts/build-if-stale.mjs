#!/usr/bin/env node
// `npm start` builds only when a source changed since the last build: it compares the newest
// modification time under src/ (and the compiler settings) with dist/.build-stamp.
// `--stamp` only writes the stamp (run by `npm run build` after a successful tsc).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = join('dist', '.build-stamp');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

if (process.argv.includes('--stamp')) {
  writeFileSync(STAMP, new Date().toISOString() + '\n');
  process.exit(0);
}
const sources = Math.max(newest('src'), newest('tsconfig.json'), newest('tsconfig.build.json'));
if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= sources) process.exit(0);
process.stderr.write('tessera: sources changed since the last build; building dist/\n');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['run', 'build', '--silent'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
