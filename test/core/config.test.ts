import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';

/** Asserts that loading `env` stops with a ConfigError naming `variable`. */
function refuses(env: Record<string, string>, variable: string) {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) =>
      error instanceof ConfigError && error.variable === variable && error.message.includes(variable),
    `${JSON.stringify(env)} should be refused, naming ${variable}`,
  );
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.publicUrl, 'http://localhost:8080');
    assert.equal(config.dataDir, resolve('data'));
    assert.deepEqual(config.store, { kind: 'sqlite', filename: resolve('data', 'tessera.db') });
    assert.equal(config.bootstrap.credentialsFile, resolve('data', 'bootstrap-credentials.json'));
    assert.equal(config.bootstrap.clientSecret, undefined);
    assert.equal(config.rateLimitPerSecond, 0);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.testMailbox, false);
    assert.equal(config.hashing.memoryKiB, 19456);
    assert.equal(config.hashing.passes, 2);
    assert.equal(config.hashing.belowOwaspMinimum, false);
    assert.equal(config.secretKey, undefined);
    assert.equal(config.schedulerIntervalMs, 1000);
    assert.ok(Object.isFrozen(config));
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9090',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://tessera:pw@db.example:5432/tessera',
      TESSERA_PUBLIC_URL: 'https://id.example.com/',
      TESSERA_DATA_DIR: '/tmp/tessera-config-test',
      TESSERA_BOOTSTRAP_ENVIRONMENT_ID: 'AAAAAAAA-0000-4000-8000-000000000001',
      TESSERA_BOOTSTRAP_CLIENT_ID: 'aaaaaaaa-0000-4000-8000-000000000002',
      TESSERA_BOOTSTRAP_CLIENT_SECRET: 'a-long-enough-secret-of-32-characters',
      TESSERA_RATE_LIMIT_PER_SECOND: '50',
      TESSERA_ARGON2_MEMORY_KIB: '1024',
      TESSERA_ARGON2_PASSES: '1',
      TESSERA_ARGON2_PARALLELISM: '2',
      TESSERA_HASH_CONCURRENCY: '4',
      TESSERA_HASH_QUEUE_LIMIT: '10',
      LOG_LEVEL: 'warn',
      TESSERA_TEST_MAILBOX: 'true',
      TESSERA_SECRET_KEY: 'k'.repeat(32),
      TESSERA_SCHEDULER_INTERVAL_MS: '250',
    });
    assert.equal(config.port, 9090);
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.store, {
      kind: 'postgres',
      url: 'postgres://tessera:pw@db.example:5432/tessera',
    });
    assert.equal(config.publicUrl, 'https://id.example.com', 'trailing slashes are dropped');
    assert.equal(config.dataDir, '/tmp/tessera-config-test');
    assert.equal(config.bootstrap.credentialsFile, '/tmp/tessera-config-test/bootstrap-credentials.json');
    assert.equal(
      config.bootstrap.environmentId,
      'aaaaaaaa-0000-4000-8000-000000000001',
      'ids are lower-cased',
    );
    assert.equal(config.bootstrap.clientId, 'aaaaaaaa-0000-4000-8000-000000000002');
    assert.equal(config.bootstrap.clientSecret, 'a-long-enough-secret-of-32-characters');
    assert.equal(config.rateLimitPerSecond, 50);
    assert.deepEqual(
      { ...config.hashing },
      {
        memoryKiB: 1024,
        passes: 1,
        parallelism: 2,
        maxConcurrent: 4,
        queueLimit: 10,
        belowOwaspMinimum: true,
      },
    );
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.testMailbox, true);
    assert.equal(config.secretKey, 'k'.repeat(32));
    assert.equal(config.schedulerIntervalMs, 250);
  });

  it('derives the public URL from PORT', () => {
    assert.equal(loadConfig({ PORT: '3000' }).publicUrl, 'http://localhost:3000');
  });

  it('understands the SQLite forms of DATABASE_URL', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).store, {
      kind: 'sqlite',
      filename: ':memory:',
    });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:./x/db.sqlite' }).store, {
      kind: 'sqlite',
      filename: resolve('x/db.sqlite'),
    });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:///var/lib/tessera.db' }).store, {
      kind: 'sqlite',
      filename: '/var/lib/tessera.db',
    });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'file:/tmp/t.db' }).store, {
      kind: 'sqlite',
      filename: '/tmp/t.db',
    });
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql://localhost/db' }).store.kind, 'postgres');
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({
      PORT: '',
      DATABASE_URL: '',
      LOG_LEVEL: '',
      TESSERA_BOOTSTRAP_CLIENT_SECRET: '',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.store.kind, 'sqlite');
    assert.equal(config.bootstrap.clientSecret, undefined);
  });

  it('stops on every invalid variable with a message naming it', () => {
    refuses({ PORT: 'eighty' }, 'PORT');
    refuses({ PORT: '70000' }, 'PORT');
    refuses({ PORT: '-1' }, 'PORT');
    refuses({ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL');
    refuses({ DATABASE_URL: 'sqlite:' }, 'DATABASE_URL');
    refuses({ DATABASE_URL: 'postgres://exa mple:x' }, 'DATABASE_URL');
    refuses({ TESSERA_PUBLIC_URL: 'not a url' }, 'TESSERA_PUBLIC_URL');
    refuses({ TESSERA_PUBLIC_URL: 'ftp://example.com' }, 'TESSERA_PUBLIC_URL');
    refuses({ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL');
    refuses({ TESSERA_BOOTSTRAP_ENVIRONMENT_ID: 'admin' }, 'TESSERA_BOOTSTRAP_ENVIRONMENT_ID');
    refuses({ TESSERA_BOOTSTRAP_CLIENT_ID: '1234' }, 'TESSERA_BOOTSTRAP_CLIENT_ID');
    refuses({ TESSERA_BOOTSTRAP_CLIENT_SECRET: 'short' }, 'TESSERA_BOOTSTRAP_CLIENT_SECRET');
    refuses({ TESSERA_BOOTSTRAP_CLIENT_SECRET: 'x'.repeat(31) }, 'TESSERA_BOOTSTRAP_CLIENT_SECRET');
    refuses({ TESSERA_BODY_TIMEOUT_SECONDS: '0' }, 'TESSERA_BODY_TIMEOUT_SECONDS');
    refuses({ TESSERA_MAX_CONNECTIONS_PER_ADDRESS: 'lots' }, 'TESSERA_MAX_CONNECTIONS_PER_ADDRESS');
    refuses({ TESSERA_RATE_LIMIT_PER_SECOND: '1.5' }, 'TESSERA_RATE_LIMIT_PER_SECOND');
    refuses({ TESSERA_ARGON2_MEMORY_KIB: '8' }, 'TESSERA_ARGON2_MEMORY_KIB');
    refuses({ TESSERA_ARGON2_PASSES: '0' }, 'TESSERA_ARGON2_PASSES');
    refuses({ TESSERA_ARGON2_PARALLELISM: '99' }, 'TESSERA_ARGON2_PARALLELISM');
    refuses({ TESSERA_HASH_CONCURRENCY: 'many' }, 'TESSERA_HASH_CONCURRENCY');
    refuses({ TESSERA_HASH_QUEUE_LIMIT: '0' }, 'TESSERA_HASH_QUEUE_LIMIT');
    refuses({ TESSERA_TEST_MAILBOX: 'maybe' }, 'TESSERA_TEST_MAILBOX');
    refuses({ TESSERA_SECRET_KEY: 'too-short' }, 'TESSERA_SECRET_KEY');
    refuses({ TESSERA_SCHEDULER_INTERVAL_MS: '1' }, 'TESSERA_SCHEDULER_INTERVAL_MS');
  });

  it('never repeats a secret in its error message', () => {
    try {
      loadConfig({ TESSERA_BOOTSTRAP_CLIENT_SECRET: 'sh0rt!' });
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.doesNotMatch(error.message, /sh0rt!/);
    }
    try {
      loadConfig({ TESSERA_SECRET_KEY: 'key-material' });
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.doesNotMatch(error.message, /key-material/);
    }
  });
});

describe('configuration documentation', () => {
  it('lists every variable the code reads, in the README and in docs/configuration.md', () => {
    const source = readFileSync(join(import.meta.dirname, '../../src/config/config.ts'), 'utf8');
    const variables = new Set([
      ...[...source.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!),
      ...[...source.matchAll(/'([A-Z][A-Z0-9]*_[A-Z0-9_]+|PORT|HOST)'/g)].map((m) => m[1]!),
    ]);
    assert.ok(variables.size >= 15, [...variables].join(', '));
    for (const doc of ['README.md', 'docs/configuration.md']) {
      const text = readFileSync(join(import.meta.dirname, '../..', doc), 'utf8');
      const missing = [...variables].filter((name) => !text.includes(`| \`${name}\``));
      assert.deepEqual(missing, [], `${doc} has a table row for every variable`);
    }
  });
});
