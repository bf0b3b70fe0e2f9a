// The UiPath face on test mode's per-environment clock, through the library on both stores: a
// UiPath call runs on the clock of its token's environment (the organization), so moving one
// environment's clock ends that organization's lockouts and dates its new users at the moved
// time, while another environment's clock stays where it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, type SeedDocument, type TesseraInstance } from '../../src/library/index.js';
import { createTestStore, STORES, type TestStore } from '../support/harness.js';
import { api, libraryDatabase } from '../support/library.js';

const A = '5eed10a0-0000-4000-8000-000000000001';
const B = '5eed10b0-0000-4000-8000-000000000001';
const ALICE = '5eed10a0-0000-4000-8000-000000000004';
const BOB = '5eed10b0-0000-4000-8000-000000000004';
const OLD_PW = 'first0ne-pass';
const NEW_PW = 'second2-pass';
const LOCKOUT_SECONDS = 600;

const organization = (
  id: string,
  name: string,
  userId: string,
  username: string,
): SeedDocument['environments'][number] => ({
  id,
  name,
  passwordPolicies: [
    {
      name: 'Tests',
      default: true,
      rules: { length: { min: 8, max: 255 }, lockout: { failureCount: 3, durationSeconds: LOCKOUT_SECONDS } },
    },
  ],
  users: [{ id: userId, username, email: `${username}@example.com`, password: OLD_PW }],
});

const SEED: SeedDocument = {
  environments: [organization(A, 'Org A', ALICE, 'alice'), organization(B, 'Org B', BOB, 'bob')],
};

/** A UiPath "external application" of the environment, and a token for it (PM.User). */
async function uipathToken(t: TesseraInstance, environmentId: string): Promise<string> {
  const created = await api(t, 'POST', `/environments/${environmentId}/applications`, {
    name: 'External app',
    type: 'WORKER',
    scopes: ['PM.User'],
  });
  assert.equal(created.status, 201, created.text);
  const secret = await api(t, 'GET', `/environments/${environmentId}/applications/${created.body.id}/secret`);
  assert.equal(secret.status, 200, secret.text);
  const response = await fetch(`${t.url}/identity_/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: created.body.id as string,
      client_secret: secret.body.secret as string,
      scope: 'PM.User',
    }).toString(),
  });
  const body = (await response.json()) as { access_token: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.access_token;
}

async function uipath(t: TesseraInstance, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.url}/identity_/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), text };
}

const changePassword = (t: TesseraInstance, token: string, user: string, oldPassword: string) =>
  uipath(t, token, 'POST', `/User/${user}/changepassword`, { oldPassword, newPassword: NEW_PW });

const LOCKED_OUT = [{ code: 'UserLockedOut', description: 'User account locked out.' }];

for (const kind of STORES) {
  describe(`UiPath face on the per-environment clock [${kind}]`, () => {
    let t: TesseraInstance;
    let store: TestStore | undefined;
    const tokens: Record<string, string> = {};
    before(async () => {
      store = await createTestStore(kind);
      t = await startTessera({ database: libraryDatabase(store), seed: SEED });
      tokens[A] = await uipathToken(t, A);
      tokens[B] = await uipathToken(t, B);
    });
    after(async () => {
      await t.close();
      await store?.drop();
    });

    it("moving one environment's clock ends its UiPath lockout and dates its new users; the other's stays", async () => {
      for (const [env, user] of [
        [A, ALICE],
        [B, BOB],
      ] as const) {
        for (let attempt = 0; attempt < 3; attempt += 1) {
          const wrong = await changePassword(t, tokens[env]!, user, 'not-it-1');
          assert.equal(wrong.status, 400, wrong.text);
        }
        const locked = await changePassword(t, tokens[env]!, user, OLD_PW);
        assert.deepEqual(locked.body.errors, LOCKED_OUT, locked.text);
      }
      const before = Date.now();

      await t.advanceTime(LOCKOUT_SECONDS + 1, { environmentId: A });

      // Org A: the lockout is over at once, and a user made now is dated at A's moved time.
      const changed = await changePassword(t, tokens[A]!, ALICE, OLD_PW);
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(changed.body, { succeeded: true, errors: [] });
      const madeInA = await uipath(t, tokens[A]!, 'POST', '/User/BulkCreate', {
        partitionGlobalId: A,
        users: [{ userName: 'carol', email: 'carol@example.com' }],
      });
      assert.equal(madeInA.status, 200, madeInA.text);
      const createdInA = Date.parse(madeInA.body.users[0].creationTime as string);
      assert.ok(createdInA >= before + LOCKOUT_SECONDS * 1000, madeInA.text);

      // Org B: bob is still locked out, and its new user is dated at the unmoved time.
      const stillLocked = await changePassword(t, tokens[B]!, BOB, OLD_PW);
      assert.equal(stillLocked.status, 400, stillLocked.text);
      assert.deepEqual(stillLocked.body.errors, LOCKED_OUT);
      const madeInB = await uipath(t, tokens[B]!, 'POST', '/User/BulkCreate', {
        partitionGlobalId: B,
        users: [{ userName: 'dave', email: 'dave@example.com' }],
      });
      assert.equal(madeInB.status, 200, madeInB.text);
      const createdInB = Date.parse(madeInB.body.users[0].creationTime as string);
      assert.ok(createdInB < before + LOCKOUT_SECONDS * 1000, madeInB.text);
      assert.ok(createdInB >= before - 1000, madeInB.text);

      // Reading A's user on the UiPath face shows the same moved instant.
      const read = await uipath(t, tokens[A]!, 'GET', `/User/${madeInA.body.users[0].id as string}`);
      assert.equal(read.status, 200, read.text);
      assert.equal(Date.parse(read.body.creationTime as string), createdInA);
    });
  });
}
