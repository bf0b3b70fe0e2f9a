// `tessera import-users` spawned as a user runs it, on both stores: JSON Lines and CSV, pre-encoded
// and cleartext passwords checked afterwards through the API, bad lines reported by number while
// the good lines import, exit code 1 when any line failed.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { startTessera, type TesseraInstance } from '../../src/library/index.js';
import {
  createTestStore,
  POSTGRES_URL as POSTGRES_TEST_URL,
  STORES,
  type StoreKind,
} from '../support/harness.js';
import { api, libraryDatabase, passwordCheckStatus, runCli } from '../support/library.js';

/** A `{SSHA512}` value as PingOne's import accepts: base64(sha512(password + salt) + salt). */
function ssha512(password: string): string {
  const salt = randomBytes(16);
  const digest = createHash('sha512').update(password).update(salt).digest();
  return `{SSHA512}${Buffer.concat([digest, salt]).toString('base64')}`;
}

const cli = runCli;

const passwordCheck = (t: TesseraInstance, userId: string, password: string) =>
  passwordCheckStatus(t, t.environmentId, userId, password);

async function userNamed(t: TesseraInstance, username: string) {
  const filter = encodeURIComponent(`username eq "${username}"`);
  const found = await api(t, 'GET', `/environments/${t.environmentId}/users?filter=${filter}`);
  assert.equal(found.status, 200, found.text);
  return (found.body as { _embedded: { users: Array<{ id: string; name?: unknown }> } })._embedded.users[0];
}

/**
 * A fresh store bootstrapped by the library (the CLI then imports into its environment), and a
 * folder for the import files; both removed after the test file.
 */
async function bootstrappedStore(kind: StoreKind) {
  const store = await createTestStore(kind);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-import-'));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await store.drop();
  });
  const database = libraryDatabase(store);
  const first = await startTessera({ database });
  const environmentId = first.environmentId;
  await first.close();
  return { dir, database, environmentId, store };
}

/** When PostgreSQL last analyzed the store's `users` table (undefined: never). */
async function usersLastAnalyzed(schema: string): Promise<Date | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ last_analyze: Date | null }>(
      `select last_analyze from pg_stat_user_tables where schemaname = $1 and relname = 'users'`,
      [schema],
    );
    return rows[0]?.last_analyze ?? undefined;
  } finally {
    await client.end();
  }
}

for (const kind of STORES) {
  describe(`tessera import-users (${kind})`, () => {
    it('imports JSON Lines and CSV; bad lines are reported by number while the good ones import', async () => {
      const { dir, database, environmentId } = await bootstrappedStore(kind);

      const jsonl = join(dir, 'users.jsonl');
      writeFileSync(
        jsonl,
        [
          JSON.stringify({ username: 'ann', email: 'ann@example.com', password: ssha512('ann-Passw0rd!') }),
          'not json',
          JSON.stringify({
            username: 'ben',
            name: { given: 'Ben', family: 'Ng' },
            password: 'ben-Passw0rd!1',
          }),
          JSON.stringify({ username: 'ann' }),
          JSON.stringify({ username: 'cy', password: '{SSHA512}broken' }),
          '',
          JSON.stringify({ username: 'dee', email: 'not-an-email' }),
          JSON.stringify({ username: 'eve' }),
        ].join('\n'),
      );
      const imported = await cli(
        ['import-users', jsonl, '--environment', environmentId, '--batch-size', '3'],
        database,
        dir,
      );
      assert.equal(imported.code, 1, imported.stderr);
      assert.match(imported.stderr, new RegExp(`${jsonl}:2: not valid JSON`));
      assert.match(imported.stderr, new RegExp(`${jsonl}:4: username ann is already taken`));
      assert.match(imported.stderr, new RegExp(`${jsonl}:5: .*pre-encoded password`));
      assert.match(imported.stderr, new RegExp(`${jsonl}:7: email must be a well-formed`));
      assert.doesNotMatch(imported.stderr, /Passw0rd/, 'no password in any report');
      assert.match(imported.stdout, /Imported 3 user\(s\), 4 failed, in .* users\/s\)/);

      const csv = join(dir, 'users.csv');
      writeFileSync(
        csv,
        'username,email,given,family,password\n' +
          `fay,fay@example.com,"Fay, Jr.",Ray,${ssha512('fay-Passw0rd!')}\n` +
          'gus,gus@example.com,Gus\n' +
          'hal,,,,hal-Passw0rd!1\n',
      );
      const fromCsv = await cli(['import-users', csv, '--environment', environmentId], database, dir);
      assert.equal(fromCsv.code, 1, fromCsv.stderr);
      assert.match(fromCsv.stderr, new RegExp(`${csv}:3: 3 fields, the header has 5`));
      assert.match(fromCsv.stdout, /Imported 2 user\(s\), 1 failed/);

      const t = await startTessera({ database });
      after(() => t.close());
      const ann = await userNamed(t, 'ann');
      assert.equal(await passwordCheck(t, ann!.id, 'ann-Passw0rd!'), 200);
      assert.equal(await passwordCheck(t, ann!.id, 'wrong-Passw0rd!'), 400);
      const ben = await userNamed(t, 'ben');
      assert.deepEqual(ben!.name, { given: 'Ben', family: 'Ng' });
      assert.equal(await passwordCheck(t, ben!.id, 'ben-Passw0rd!1'), 200);
      assert.ok(await userNamed(t, 'eve'));
      assert.equal(await userNamed(t, 'cy'), undefined, 'a refused line leaves no half-made user');
      assert.equal(await userNamed(t, 'dee'), undefined);
      const fay = await userNamed(t, 'fay');
      assert.deepEqual(fay!.name, { given: 'Fay, Jr.', family: 'Ray' });
      assert.equal(await passwordCheck(t, fay!.id, 'fay-Passw0rd!'), 200);
      const hal = await userNamed(t, 'hal');
      assert.equal(await passwordCheck(t, hal!.id, 'hal-Passw0rd!1'), 200);
      assert.equal(await userNamed(t, 'gus'), undefined);
    });

    it('writes a batch of pre-encoded users in bulk, and falls back to row by row when one is refused', async () => {
      const { dir, database, environmentId, store } = await bootstrappedStore(kind);
      if (store.postgresSchema !== undefined)
        assert.equal(await usersLastAnalyzed(store.postgresSchema), undefined, 'not analyzed before');

      // One batch, every password pre-encoded or absent: the multi-row path.
      const bulk = join(dir, 'bulk.jsonl');
      writeFileSync(
        bulk,
        ['ivy', 'jo', 'kim', 'lee']
          .map((u) =>
            JSON.stringify({
              username: u,
              email: `${u}@example.com`,
              name: { given: u, family: 'Bulk' },
              ...(u === 'lee' ? {} : { password: ssha512(`${u}-Passw0rd!`) }),
            }),
          )
          .join('\n'),
      );
      const imported = await cli(['import-users', bulk, '--environment', environmentId], database, dir);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /Imported 4 user\(s\), 0 failed/);
      // PostgreSQL plans the next list pages from fresh statistics, not from an empty table's.
      if (store.postgresSchema !== undefined)
        assert.ok(await usersLastAnalyzed(store.postgresSchema), 'users analyzed after the import');

      // A taken username in a pre-encoded batch: the batch is redone row by row, the line reported.
      const again = join(dir, 'again.jsonl');
      writeFileSync(
        again,
        ['nia', 'IVY', 'oz']
          .map((u) => JSON.stringify({ username: u, password: ssha512(`${u.toLowerCase()}-Passw0rd!`) }))
          .join('\n'),
      );
      const retried = await cli(['import-users', again, '--environment', environmentId], database, dir);
      assert.equal(retried.code, 1, retried.stderr);
      assert.match(retried.stderr, new RegExp(`${again}:2: username IVY is already taken`));
      assert.match(retried.stdout, /Imported 2 user\(s\), 1 failed/);

      const t = await startTessera({ database });
      after(() => t.close());
      const ivy = await userNamed(t, 'ivy');
      assert.deepEqual(ivy!.name, { given: 'ivy', family: 'Bulk' });
      assert.equal(await passwordCheck(t, ivy!.id, 'ivy-Passw0rd!'), 200);
      assert.equal(await passwordCheck(t, ivy!.id, 'wrong-Passw0rd!'), 400);
      const lee = await userNamed(t, 'lee');
      const leePassword = await api(t, 'GET', `/environments/${environmentId}/users/${lee!.id}/password`);
      assert.equal((leePassword.body as { status?: string }).status, 'NO_PASSWORD', leePassword.text);
      const nia = await userNamed(t, 'nia');
      assert.equal(await passwordCheck(t, nia!.id, 'nia-Passw0rd!'), 200);
      assert.ok(await userNamed(t, 'oz'));
      // Each imported password is a PASSWORD.SET activity naming its user, on either path.
      const filter = encodeURIComponent(`action.type eq "PASSWORD.SET" and resources.id eq "${ivy!.id}"`);
      const activities = await api(t, 'GET', `/environments/${environmentId}/activities?filter=${filter}`);
      assert.equal(activities.status, 200, activities.text);
      const listed = (
        activities.body as { _embedded: { activities: Array<{ resources: Array<{ name: string }> }> } }
      )._embedded.activities;
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.resources[0]!.name, 'ivy');
    });
  });
}
