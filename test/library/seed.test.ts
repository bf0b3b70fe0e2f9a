// Seeds through the library and the CLI, on both stores: fixed ids, secrets and passwords;
// errors naming the path in the file; idempotence; export → seed → export gives the same file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startTessera, type SeedDocument, type TesseraInstance } from '../../src/library/index.js';
import { createTestStore, STORES } from '../support/harness.js';
import { api, libraryDatabase, passwordCheckStatus, runCli } from '../support/library.js';

const ENV = '5eed0000-0000-4000-8000-000000000001';
const POLICY = '5eed0000-0000-4000-8000-000000000002';
const POPULATION = '5eed0000-0000-4000-8000-000000000003';
const ALICE = '5eed0000-0000-4000-8000-000000000004';
const APP = '5eed0000-0000-4000-8000-000000000005';
const IDENTITY_DATA_ADMIN = '2f2a4c6e-7a3d-4a61-9d2a-0c3a6c1f0003';

export const SEED: SeedDocument = {
  environments: [
    {
      id: ENV,
      name: 'Seeded shop',
      passwordPolicies: [
        {
          id: POLICY,
          name: 'Tests',
          default: true,
          rules: { length: { min: 8, max: 255 }, lockout: { failureCount: 3, durationSeconds: 600 } },
        },
      ],
      populations: [{ id: POPULATION, name: 'Customers', default: true }],
      schemaAttributes: [{ name: 'loyaltyTier', type: 'STRING' }],
      users: [
        { id: ALICE, username: 'alice', email: 'alice@example.com', password: 'alice-Passw0rd!' },
        {
          username: 'bob',
          password: { value: 'bob-Passw0rd!', forceChange: true },
          roleAssignments: [{ roleId: IDENTITY_DATA_ADMIN, scope: { type: 'ENVIRONMENT', id: ENV } }],
        },
      ],
      groups: [{ name: 'Admins', members: ['alice', 'bob'] }],
      applications: [
        {
          id: APP,
          name: 'Backend',
          type: 'WORKER',
          secret: 'seeded-backend-secret-0123456789',
          roleAssignments: [{ roleId: IDENTITY_DATA_ADMIN, scope: { type: 'ENVIRONMENT', id: ENV } }],
        },
      ],
    },
  ],
};

const checkPassword = passwordCheckStatus;

async function tokenStatus(t: TesseraInstance, env: string, clientId: string, secret: string) {
  const response = await fetch(`${t.url}/${env}/as/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Basic ' + Buffer.from(`${clientId}:${secret}`).toString('base64'),
    },
    body: 'grant_type=client_credentials',
  });
  return response.status;
}

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-seed-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The real CLI, as a user runs it, against `database`; a failing command fails the test. */
async function cli(args: string[], database: string, dataDir: string) {
  const result = await runCli(args, database, dataDir);
  assert.equal(result.code, 0, result.stderr);
  return result;
}

describe('seed files (library)', () => {
  it('refuses a bad document, naming the path of the bad value', async () => {
    const bad = structuredClone(SEED) as unknown as { environments: Array<{ users: unknown[] }> };
    bad.environments[0]!.users[1] = { username: 'carol', password: 42 };
    await assert.rejects(
      startTessera({ seed: bad as unknown as SeedDocument }),
      /environments\[0\]\.users\[1\]\.password: /,
    );
    const missing = { environments: [{ users: [] }] } as unknown as SeedDocument;
    await assert.rejects(startTessera({ seed: missing }), /environments\[0\]\.name: is required/);
    const weak = structuredClone(SEED) as unknown as {
      environments: Array<{ users: Array<{ password: string }> }>;
    };
    weak.environments[0]!.users[0]!.password = 'short';
    await assert.rejects(
      startTessera({ seed: weak as unknown as SeedDocument }),
      /environments\[0\]\.users\[0\]\.password: .*password policy/,
    );
  });

  it('reads YAML files; reset() keeps the seeded users and removes the others', async () => {
    const dir = tempDir();
    const file = join(dir, 'seed.yaml');
    writeFileSync(
      file,
      [
        'environments:',
        `  - id: ${ENV}`,
        '    name: From YAML',
        '    users:',
        `      - { id: ${ALICE}, username: alice, password: "alice-Passw0rd!" }`,
      ].join('\n'),
    );
    const t = await startTessera({ seed: file });
    try {
      const made = await api(t, 'POST', `/environments/${ENV}/users`, { username: 'temporary' });
      assert.equal(made.status, 201, made.text);
      await t.reset();
      assert.equal((await api(t, 'GET', `/environments/${ENV}/users/${made.body.id}`)).status, 404);
      assert.equal((await api(t, 'GET', `/environments/${ENV}/users/${ALICE}`)).status, 200);
      assert.equal(await checkPassword(t, ENV, ALICE, 'alice-Passw0rd!'), 200);
    } finally {
      await t.close();
    }
  });
});

for (const kind of STORES) {
  describe(`seed and export [${kind}]`, () => {
    it('applies fixed ids, secrets, passwords, memberships and roles, once', async () => {
      const store = await createTestStore(kind);
      after(() => store.drop());
      const database = libraryDatabase(store);
      const first = await startTessera({ database, seed: SEED });
      await first.close();
      // Applied again at the next start: nothing changes, nothing fails.
      const t = await startTessera({ database, seed: SEED });
      try {
        const users = await api(t, 'GET', `/environments/${ENV}/users`);
        assert.equal(users.status, 200, users.text);
        assert.deepEqual(users.body._embedded.users.map((u: { username: string }) => u.username).sort(), [
          'alice',
          'bob',
        ]);
        const alice = await api(t, 'GET', `/environments/${ENV}/users/${ALICE}`);
        assert.equal(alice.body.population.id, POPULATION);
        assert.equal(await checkPassword(t, ENV, ALICE, 'alice-Passw0rd!'), 200);
        assert.equal(await checkPassword(t, ENV, ALICE, 'wrong-Passw0rd!'), 400);
        const groups = await api(t, 'GET', `/environments/${ENV}/groups`);
        assert.equal(groups.body._embedded.groups.length, 1);
        assert.equal(await tokenStatus(t, ENV, APP, 'seeded-backend-secret-0123456789'), 200);
        const policies = await api(t, 'GET', `/environments/${ENV}/passwordPolicies`);
        assert.deepEqual(
          policies.body._embedded.passwordPolicies.map((p: { id: string }) => p.id),
          [POLICY],
          'the seed replaces the built-in policies of an environment it creates',
        );
      } finally {
        await t.close();
      }
    });

    it('exports with the CLI (0600); seeding an empty store and exporting again gives the same file', async () => {
      const source = await createTestStore(kind);
      const target = await createTestStore(kind);
      after(() => Promise.all([source.drop(), target.drop()]));
      const dir = tempDir();
      const t = await startTessera({ database: libraryDatabase(source), seed: SEED });
      const carol = await api(t, 'POST', `/environments/${t.environmentId}/users`, { username: 'carol' });
      assert.equal(carol.status, 201, carol.text);
      await t.close();

      const exported = join(dir, 'export.json');
      await cli(['export', exported], libraryDatabase(source), dir);
      assert.equal(statSync(exported).mode & 0o777, 0o600, 'an export holds secrets: owner only');
      const document = JSON.parse(readFileSync(exported, 'utf8')) as SeedDocument;
      const shop = document.environments.find((e) => e.id === ENV)!;
      assert.equal(shop.applications?.[0]?.secret, 'seeded-backend-secret-0123456789');
      assert.match(String((shop.users?.[0]?.password as { value: string }).value), /^\{ARGON2\}\$argon2id\$/);

      await cli(['seed', exported], libraryDatabase(target), dir);
      const again = join(dir, 'again.json');
      await cli(['export', again], libraryDatabase(target), dir);
      assert.equal(readFileSync(again, 'utf8'), readFileSync(exported, 'utf8'));

      // A new in-memory instance seeded from the export: the users are there, passwords check.
      const copy = await startTessera({ seed: exported });
      try {
        assert.equal(await checkPassword(copy, ENV, ALICE, 'alice-Passw0rd!'), 200);
        const read = await api(copy, 'GET', `/environments/${copy.environmentId}/users/${carol.body.id}`);
        assert.equal(read.status, 200, read.text);
      } finally {
        await copy.close();
      }
    });
  });
}
