// Test mode per environment, through the library on both stores: resetting one environment puts
// it back to its seeded state and leaves the others (data, mailbox, clock) alone; moving one
// environment's clock ends its lockouts and expires its codes only, and the scheduler sweeps it
// at its own time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, type SeedDocument, type TesseraInstance } from '../../src/library/index.js';
import { createTestStore, STORES, type TestStore } from '../support/harness.js';
import { api, libraryDatabase, passwordCheckStatus } from '../support/library.js';

const A = '5eed00a0-0000-4000-8000-000000000001';
const B = '5eed00b0-0000-4000-8000-000000000001';
const ALICE = '5eed00a0-0000-4000-8000-000000000004';
const BOB = '5eed00b0-0000-4000-8000-000000000004';
const ALICE_PW = 'alice-Passw0rd!';
const BOB_PW = 'bob-Passw0rd!';
const NEW_PW = 'Quartz!River92x';
const VND = 'application/vnd.pingidentity.';
const IDENTITY_DATA_ADMIN = '2f2a4c6e-7a3d-4a61-9d2a-0c3a6c1f0003';

const environment = (id: string, name: string, userId: string, username: string, password: string) => ({
  id,
  name,
  passwordPolicies: [
    {
      name: 'Tests',
      default: true,
      rules: { length: { min: 8, max: 255 }, lockout: { failureCount: 3, durationSeconds: 600 } },
    },
  ],
  users: [{ id: userId, username, email: `${username}@example.com`, password }],
  groups: [{ name: 'Staff', members: [username] }],
});

const SEED: SeedDocument = {
  environments: [
    environment(A, 'Shop A', ALICE, 'alice', ALICE_PW),
    environment(B, 'Shop B', BOB, 'bob', BOB_PW),
  ],
};

interface Message {
  to: string;
  code?: string;
  status: string;
}

async function call(
  t: TesseraInstance,
  method: string,
  path: string,
  body?: unknown,
  type = 'application/json',
) {
  const response = await fetch(t.url + path, {
    method,
    headers: {
      authorization: `Bearer ${await t.token()}`,
      ...(body === undefined ? {} : { 'content-type': type }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();

  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), text };
}

const password = (t: TesseraInstance, env: string, user: string, type: string, body?: unknown) =>
  call(t, 'POST', `/v1/environments/${env}/users/${user}/password`, body ?? {}, `${VND}${type}`);

async function messages(t: TesseraInstance, env: string): Promise<Message[]> {
  const res = await call(t, 'GET', `/tessera/testing/environments/${env}/messages`);
  assert.equal(res.status, 200, res.text);
  return res.body.messages as Message[];
}

async function clock(t: TesseraInstance, env?: string) {
  const res = await call(t, 'GET', '/tessera/testing/clock' + (env ? `?environment=${env}` : ''));
  assert.equal(res.status, 200, res.text);
  return res.body as { now: string; offsetSeconds: number; environmentOffsetSeconds?: number };
}

async function lock(t: TesseraInstance, env: string, user: string): Promise<void> {
  for (let i = 0; i < 3; i += 1) assert.equal(await passwordCheckStatus(t, env, user, 'wrong-password'), 400);
  const locked = await password(t, env, user, 'password.check+json', { password: 'anything' });
  assert.equal(locked.body.details[0].code, 'PASSWORD_LOCKED_OUT', locked.text);
}

const userNamed = async (t: TesseraInstance, env: string, username: string) =>
  (
    await api(
      t,
      'GET',
      `/environments/${env}/users?filter=${encodeURIComponent(`username eq "${username}"`)}`,
    )
  ).body._embedded.users as Array<{ id: string }>;

for (const kind of STORES) {
  describe(`test mode per environment [${kind}]`, () => {
    let t: TesseraInstance;
    let store: TestStore | undefined;
    before(async () => {
      store = await createTestStore(kind);
      // The background scheduler stays idle: only clock moves run it, so its effect is visible.
      t = await startTessera({
        database: libraryDatabase(store),
        seed: SEED,
        env: { TESSERA_SCHEDULER_INTERVAL_MS: '3600000' },
      });
    });
    after(async () => {
      await t.close();
      await store?.drop();
    });

    it('reset of one environment restores it to the seed; the others keep their data, mailbox and clock', async () => {
      for (const [env, user, username] of [
        [A, ALICE, 'alice'],
        [B, BOB, 'bob'],
      ] as const) {
        const extra = await api(t, 'POST', `/environments/${env}/users`, { username: `${username}-extra` });
        assert.equal(extra.status, 201, extra.text);
        const renamed = await api(t, 'PATCH', `/environments/${env}/users/${user}`, { nickname: 'changed' });
        assert.equal(renamed.status, 200, renamed.text);
        assert.equal((await password(t, env, user, 'password.sendRecoveryCode+json')).status, 200);
        await lock(t, env, user);
      }
      const group = await api(t, 'POST', `/environments/${A}/groups`, { name: 'made-after-start' });
      assert.equal(group.status, 201, group.text);
      await t.advanceTime(120, { environmentId: A });
      await t.advanceTime(300, { environmentId: B });

      await t.reset({ environmentId: A });

      // A is back to its seed: no extra user or group, alice as seeded, unlocked, mailbox empty.
      assert.deepEqual(await userNamed(t, A, 'alice-extra'), []);
      const groups = await api(t, 'GET', `/environments/${A}/groups`);
      assert.deepEqual(
        (groups.body._embedded.groups as Array<{ name: string }>).map((g) => g.name),
        ['Staff'],
      );
      const alice = await api(t, 'GET', `/environments/${A}/users/${ALICE}`);
      assert.equal(alice.status, 200, alice.text);
      assert.equal(alice.body.nickname, undefined);
      assert.equal(await passwordCheckStatus(t, A, ALICE, ALICE_PW), 200);
      assert.deepEqual(await messages(t, A), []);
      const clockA = await clock(t, A);
      assert.equal(clockA.environmentOffsetSeconds, 0);
      // B keeps everything: its extra user, bob's change and lockout, its message and its clock.
      assert.equal((await userNamed(t, B, 'bob-extra')).length, 1);
      assert.equal((await api(t, 'GET', `/environments/${B}/users/${BOB}`)).body.nickname, 'changed');
      const stillLocked = await password(t, B, BOB, 'password.check+json', { password: BOB_PW });
      assert.equal(stillLocked.body.details[0].code, 'PASSWORD_LOCKED_OUT');
      assert.equal((await messages(t, B)).length, 1);
      assert.equal((await clock(t, B)).environmentOffsetSeconds, 300);

      // An environment made after start is deleted by its own reset; an unknown one is a 404.
      const made = await api(t, 'POST', '/environments', {
        name: 'made-after-start',
        type: 'SANDBOX',
        region: 'NA',
        license: { id: '11111111-1111-4111-8111-111111111111' },
      });
      assert.equal(made.status, 201, made.text);
      assert.equal(
        (await api(t, 'POST', `/environments/${made.body.id}/users`, { username: 'c' })).status,
        201,
      );
      assert.equal((await call(t, 'POST', `/tessera/testing/reset?environment=${made.body.id}`)).status, 204);
      assert.equal((await api(t, 'GET', `/environments/${made.body.id}`)).status, 404);
      assert.equal((await call(t, 'POST', `/tessera/testing/reset?environment=${made.body.id}`)).status, 404);

      // The bootstrap environment resets too; its worker keeps working.
      await t.reset({ environmentId: t.environmentId });
      assert.equal((await api(t, 'GET', `/environments/${B}`)).status, 200);
      // Everything back, every clock offset cleared.
      await t.reset();
      assert.deepEqual(await userNamed(t, B, 'bob-extra'), []);
      assert.equal((await clock(t, B)).environmentOffsetSeconds, 0);
    });

    it('role assignments held in another environment stay; those that would dangle go with a deleted environment', async () => {
      await t.reset();
      const worker = await api(t, 'POST', `/environments/${B}/applications`, {
        name: 'b-worker',
        type: 'WORKER',
      });
      assert.equal(worker.status, 201, worker.text);
      const made = await api(t, 'POST', '/environments', {
        name: 'made-for-roles',
        type: 'SANDBOX',
        region: 'NA',
        license: { id: '11111111-1111-4111-8111-111111111111' },
      });
      assert.equal(made.status, 201, made.text);
      const assignments = `/environments/${B}/applications/${worker.body.id}/roleAssignments`;
      for (const scope of [A, made.body.id as string]) {
        const assigned = await api(t, 'POST', assignments, {
          role: { id: IDENTITY_DATA_ADMIN },
          scope: { type: 'ENVIRONMENT', id: scope },
        });
        assert.equal(assigned.status, 201, assigned.text);
      }
      const scopes = async () =>
        (
          (await api(t, 'GET', assignments)).body._embedded.roleAssignments as Array<{
            scope: { id: string };
          }>
        )
          .map((assignment) => assignment.scope.id)
          .filter((id) => id === A || id === made.body.id);
      await t.reset({ environmentId: A });
      assert.deepEqual((await scopes()).sort(), [A, made.body.id].sort());
      await t.reset({ environmentId: made.body.id as string });
      assert.deepEqual(await scopes(), [A]);
    });

    it("moving one environment's clock ends its lockouts and expires its codes; another environment's stay", async () => {
      await t.reset();
      for (const [env, user] of [
        [A, ALICE],
        [B, BOB],
      ] as const) {
        const sent = await password(t, env, user, 'password.sendRecoveryCode+json');
        assert.equal(sent.status, 200, sent.text);
        await lock(t, env, user);
      }
      const [codeA] = await messages(t, A);
      const [codeB] = await messages(t, B);
      assert.equal(codeA?.status, 'QUEUED');

      await t.advanceTime(601, { environmentId: A });
      const moved = await clock(t, A);
      assert.equal(moved.offsetSeconds, 601);
      assert.equal(moved.environmentOffsetSeconds, 601);
      assert.equal((await clock(t)).offsetSeconds, 0);
      assert.equal((await clock(t, B)).offsetSeconds, 0);
      assert.ok(Date.parse(moved.now) - Date.parse((await clock(t, B)).now) >= 600_000);

      // A: the lockout is over at once and the 5-minute recovery code has expired.
      assert.equal(await passwordCheckStatus(t, A, ALICE, ALICE_PW), 200);
      const expired = await password(t, A, ALICE, 'password.recover+json', {
        recoveryCode: codeA?.code,
        newPassword: NEW_PW,
      });
      assert.equal(expired.status, 400, expired.text);
      assert.equal(expired.body.details[0].target, 'recoveryCode');
      // B: bob stays locked and his code still works.
      const locked = await password(t, B, BOB, 'password.check+json', { password: BOB_PW });
      assert.equal(locked.body.details[0].code, 'PASSWORD_LOCKED_OUT');
      const recovered = await password(t, B, BOB, 'password.recover+json', {
        recoveryCode: codeB?.code,
        newPassword: NEW_PW,
      });
      assert.equal(recovered.status, 200, recovered.text);

      // The instance clock adds to A's own offset.
      await t.advanceTime(60);
      assert.equal((await clock(t, A)).offsetSeconds, 661);
      assert.equal((await clock(t, B)).offsetSeconds, 60);
    });

    it("scheduled work runs at each environment's own time", async () => {
      await t.reset();
      // A runs a day ahead: a message queued there is due at A's time, a day after B's.
      await t.advanceTime(86_400, { environmentId: A });
      assert.equal((await password(t, A, ALICE, 'password.sendRecoveryCode+json')).status, 200);
      const [queued] = await messages(t, A);
      assert.equal(queued?.status, 'QUEUED');
      // Any clock move runs a pass; A is swept in its own clock, so its message goes out now.
      await t.advanceTime(1, { environmentId: B });
      const [sent] = await messages(t, A);
      assert.equal(sent?.status, 'SENT');
      // Moving A's clock with an absolute instant, and back to real time.
      const target = '2031-01-01T00:00:00.000Z';
      const at = await call(t, 'POST', `/tessera/testing/clock?environment=${A}`, { at: target });
      assert.equal(at.status, 200, at.text);
      // The clock keeps running from the instant it was set to.
      const drift = Date.parse(at.body.now) - Date.parse(target);
      assert.ok(drift >= 0 && drift < 5000, at.body.now);
      assert.equal((await clock(t, B)).offsetSeconds, 1);
      const unknown = await call(t, 'POST', '/tessera/testing/clock?environment=nope', { advanceSeconds: 1 });
      assert.equal(unknown.status, 404);
    });
  });
}
