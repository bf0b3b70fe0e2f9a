import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * The issue's "how it will be checked", as a new user would do it: `npm pack` of this repository,
 * the tarball installed into an empty project, then the CLI and a small script run there.
 *
 * The install uses `--ignore-scripts`: better-sqlite3's install step downloads a prebuilt binary
 * or compiles for minutes, which says nothing about Tessera's package. The binary this checkout
 * already built (same version, same Node) is copied in instead; @node-rs/argon2 ships its prebuilt
 * binary as a per-platform optional dependency and needs no install step.
 */
const repository = resolve('.');
const run = (command: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });

describe('the npm package, installed into an empty project', { timeout: 900_000 }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-package-'));
    run('npm', ['pack', '--silent', '--pack-destination', dir], repository);
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote a tarball');
    const project = join(dir, 'project');
    cpSync(join(repository, 'test/package/new-user-script.mjs'), join(project, 'script.mjs'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'new-user', version: '1.0.0', private: true, type: 'module' }),
    );
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', join(dir, tarball)],
      project,
    );
    cpSync(
      join(repository, 'node_modules/better-sqlite3/build'),
      join(project, 'node_modules/better-sqlite3/build'),
      { recursive: true },
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const project = () => join(dir, 'project');

  it('ships built JavaScript and types, no TypeScript sources', () => {
    const installed = join(project(), 'node_modules/@tessera-idp/server');
    const files = readdirSync(installed, { recursive: true }).map(String);
    assert.ok(files.includes(join('dist', 'library', 'index.js')));
    assert.ok(files.includes(join('dist', 'library', 'index.d.ts')));
    assert.ok(files.includes(join('dist', 'cli', 'main.js')));
    assert.equal(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).length, 0);
  });

  it('npx tessera --help lists the commands', () => {
    const help = run('npx', ['--no-install', 'tessera', '--help'], project());
    for (const command of ['start', 'seed', 'export', 'import-users', 'admin'])
      assert.match(help, new RegExp(`^\\s+${command}\\b`, 'm'), help);
  });

  it("a user's script: links carry the real port, the recovery code is a mailbox field, time moves", () => {
    const database = join(dir, 'first.db');
    const facts = JSON.parse(run('node', ['script.mjs', database], project())) as Record<string, unknown>;
    const url = String(facts.url);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(url).port, '0');
    assert.equal(facts.environmentStatus, 201);
    assert.equal(facts.policyStatus, 200, JSON.stringify(facts));
    assert.equal(facts.userStatus, 201);
    assert.equal(facts.passwordStatus, 200);
    assert.ok(String(facts.userSelf).startsWith(`${url}/v1/environments/`), String(facts.userSelf));
    assert.equal(facts.recoveryStatus, 200);
    assert.match(String(facts.mailboxCode), /^[A-Z0-9]{8}$/);
    assert.equal(facts.lockedCode, 'PASSWORD_LOCKED_OUT');
    assert.equal(facts.afterAdvanceStatus, 200);
    // No seed was given: reset() goes back to an empty store plus bootstrap.
    assert.equal(facts.userAfterReset, 404);
  });
});
