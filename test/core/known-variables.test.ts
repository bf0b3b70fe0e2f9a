import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import {
  SERVER_VARIABLES,
  TOOLING_VARIABLES,
  unknownVariableWarnings,
} from '../../src/config/known-variables.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('unknown TESSERA_* variables', () => {
  it('are warned about, with the close known name when there is one', () => {
    const config = loadConfig({
      TESSERA_DATA_DIR: '/tmp/tessera-known-variables',
      TESSERA_SCHEDULER_INTERVAL: '5',
      TESSERA_PUBLIC_URL: 'http://tessera.test',
      TESSERA_COMPLETELY_UNRELATED_THING: 'x',
      OTHER_VARIABLE: 'not ours',
    });
    assert.deepEqual(config.warnings, [
      'unknown environment variable TESSERA_COMPLETELY_UNRELATED_THING is ignored',
      'unknown environment variable TESSERA_SCHEDULER_INTERVAL is ignored (did you mean TESSERA_SCHEDULER_INTERVAL_MS?)',
    ]);
  });

  it('leaves known server and tooling variables alone', () => {
    const env = Object.fromEntries([...SERVER_VARIABLES, ...TOOLING_VARIABLES].map((name) => [name, '']));
    assert.deepEqual(unknownVariableWarnings(env), []);
  });

  it('knows every TESSERA_* variable the server and the tests read', () => {
    const known = new Set<string>([...SERVER_VARIABLES, ...TOOLING_VARIABLES]);
    const root = join(import.meta.dirname, '../..');
    const files = [
      ...sources(join(root, 'src/config')),
      ...sources(join(root, 'test')),
      ...sources(join(root, 'bench')),
    ];
    const read = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:env\.|process\.env\.|\[?')(TESSERA_[A-Z0-9_]*[A-Z0-9])'?/g))
        read.add(match[1]!);
    }
    const unknown = [...read].filter(
      (name) => !known.has(name) && !/KYE|SOMETHING|UNRELATED|SCHEDULER_INTERVAL$/.test(name),
    );
    assert.deepEqual(unknown, [], 'add these to src/config/known-variables.ts');
  });
});
