import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStores } from '../support/harness.js';
import {
  createPolicy,
  newEnvironment,
  newUser,
  populationWithPolicy,
  pw,
  STRONG,
  STRONG2,
  travel,
  VND,
} from './password-helpers.js';

const DAY = 86_400_000;

describeStores('user passwords', (server) => {
  it('answers the seed request (password.set) with exactly the seed response shape', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    // Verbatim seed body, with its whitespace.
    const res = await server().request('PUT', `/v1/environments/${env}/users/${user}/password`, {
      body: `{\n    "value": "${STRONG}",\n    "forceChange": false\n}`,
      contentType: 'application/vnd.pingidentity.password.set+json',
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body), [
      '_links',
      'environment',
      'user',
      'passwordPolicy',
      'status',
      'lastChangedAt',
    ]);
    assert.deepEqual(Object.keys(res.body._links), [
      'self',
      'environment',
      'user',
      'passwordPolicy',
      'password.check',
      'password.reset',
      'password.set',
      'password.recover',
    ]);
    const base = `http://tessera.test/v1/environments/${env}`;
    const standard = (await server().request('GET', `/v1/environments/${env}/passwordPolicies`)).body
      ._embedded.passwordPolicies[0];
    assert.equal(res.body._links.self.href, `${base}/users/${user}/password`);
    assert.equal(res.body._links.environment.href, base);
    assert.equal(res.body._links.user.href, `${base}/users/${user}`);
    assert.equal(res.body._links.passwordPolicy.href, `${base}/passwordPolicies/${standard.id}`);
    for (const rel of ['password.check', 'password.reset', 'password.set', 'password.recover']) {
      assert.equal(res.body._links[rel].href, `${base}/users/${user}/password`);
    }
    assert.deepEqual(res.body.environment, { id: env });
    assert.deepEqual(res.body.user, { id: user });
    assert.deepEqual(res.body.passwordPolicy, { id: standard.id });
    assert.equal(res.body.status, 'OK');
    assert.equal(res.body.lastChangedAt, new Date(server().clock.now()).toISOString());
    assert.equal((await pw(server(), env, user).check(STRONG)).status, 200);
  });

  it('reports state, NO_PASSWORD, forceChange and setValue removal, and expands the policy', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const p = pw(server(), env, user);
    const none = await p.get();
    assert.equal(none.status, 200);
    assert.equal(none.body.status, 'NO_PASSWORD');
    assert.equal(none.body.lastChangedAt, undefined);
    const noCheck = await p.check('anything');
    assert.equal(noCheck.status, 400);
    assert.equal(noCheck.body.details[0].code, 'NO_PASSWORD');

    const forced = await p.set(STRONG, true);
    assert.equal(forced.body.status, 'MUST_CHANGE_PASSWORD');
    const check = await p.check(STRONG);
    assert.equal(check.status, 200);
    assert.equal(check.body.status, 'MUST_CHANGE_PASSWORD');

    const expanded = await p.get('?expand=passwordPolicy');
    assert.equal(expanded.body._embedded.passwordPolicy.name, 'Standard');
    assert.equal(expanded.body._embedded.passwordPolicy.id, expanded.body.passwordPolicy.id);
    assert.equal((await p.get()).body._embedded, undefined);

    const removed = await p.put('password.setValue+json', {});
    assert.equal(removed.status, 200, removed.text);
    assert.equal(removed.body.status, 'NO_PASSWORD');
    const again = await p.put('password.setValue+json', { value: STRONG2 });
    assert.equal(again.body.status, 'OK');

    const fc = await p.post('password.forceChange');
    assert.equal(fc.status, 200, fc.text);
    assert.equal(fc.body.status, 'MUST_CHANGE_PASSWORD');
  });

  it('dispatches on media type: parameters and case tolerated, unknown types 415', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const url = `/v1/environments/${env}/users/${user}/password`;
    const res = await server().request('PUT', url, {
      body: { value: STRONG },
      contentType: 'Application/VND.PingIdentity.Password.Set+JSON; charset=UTF-8',
    });
    assert.equal(res.status, 200, res.text);
    const unlockBare = await server().request('POST', url, { contentType: `${VND}password.unlock` });
    assert.equal(unlockBare.status, 200, unlockBare.text);
    const fcJson = await server().request('POST', url, { contentType: `${VND}password.forceChange+json` });
    assert.equal(fcJson.status, 200, fcJson.text);
    const unknown = await server().request('PUT', url, {
      body: { value: STRONG },
      contentType: `${VND}password.frobnicate+json`,
    });
    assert.equal(unknown.status, 415);
    assert.equal(unknown.body.code, 'INVALID_REQUEST');
    const plain = await server().request('PUT', url, { body: { value: STRONG } });
    assert.equal(plain.status, 415);
  });

  it('answers a policy violation exactly as PingOne', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const res = await pw(server(), env, user).set('aaab');
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'INVALID_DATA');
    assert.equal(
      res.body.message,
      'The request could not be completed. One or more validation errors were in the request.',
    );
    assert.equal(res.body.details.length, 1);
    const detail = res.body.details[0];
    assert.equal(detail.code, 'INVALID_VALUE');
    assert.equal(detail.target, 'password');
    assert.equal(detail.message, 'User password did not satisfy password policy requirements');
    assert.deepEqual(detail.innerError.unsatisfiedRequirements, [
      'minCharacters',
      'minCharacters',
      'minCharacters',
      'length',
      'maxRepeatedCharacters',
      'minUniqueCharacters',
    ]);
    assert.equal(
      detail.innerError.minCharacters,
      "The provided password did not contain enough characters from the character set 'ZYXWVUTSRQPONMLKJIHGFEDCBA'.  The minimum number of characters from that set that must be present in user passwords is 1",
    );
    assert.equal(
      detail.innerError.length,
      'The provided password is shorter than the minimum required length of 8 characters',
    );
    assert.equal(
      detail.innerError.maxRepeatedCharacters,
      'The provided password is not acceptable because it contains a character repeated more than 2 times in a row',
    );
    assert.equal(
      detail.innerError.minUniqueCharacters,
      'The provided password does not contain enough unique characters.  The minimum number of unique characters that may appear in a user password is 5',
    );
    const common = await pw(server(), env, user).set('Password1!');
    assert.deepEqual(common.body.details[0].innerError.unsatisfiedRequirements, ['excludesCommonlyUsed']);
    assert.equal(
      common.body.details[0].innerError.excludesCommonlyUsed,
      'The provided password (or a variant of that password) was found in a list of prohibited passwords',
    );
    // bypassPolicy skips the policy.
    const bypass = await pw(server(), env, user).put('password.set+json', {
      value: 'aaab',
      bypassPolicy: true,
    });
    assert.equal(bypass.status, 200, bypass.text);
  });

  it('enforces profile data, similarity, history, "not the current one" and minimum age on self change', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env, { name: { given: 'Zephyrine#Q9x' } });
    const p = pw(server(), env, user);
    const profile = await p.set('Zephyrine#Q9x');
    assert.deepEqual(profile.body.details[0].innerError.unsatisfiedRequirements, ['excludesProfileData']);
    assert.equal((await p.set(STRONG)).status, 200);

    const reset = (currentPassword: string, newPassword: string) =>
      p.put('password.reset+json', { currentPassword, newPassword });
    // Standard has minAgeDays 1.
    const young = await reset(STRONG, STRONG2);
    assert.equal(young.status, 400);
    assert.equal(young.body.code, 'REQUEST_FAILED');
    assert.equal(young.body.details[0].code, 'PASSWORD_TOO_YOUNG');
    travel(server(), 2 * DAY);

    const wrong = await reset('not-it', STRONG2);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.code, 'INVALID_DATA');
    assert.equal(wrong.body.details[0].message, 'The current password provided for the user is invalid');
    assert.equal(wrong.body.details[0].innerError.failuresRemaining, 4);

    const similar = await reset(STRONG, STRONG + 'x');
    assert.equal(similar.status, 400);
    assert.equal(similar.body.details[0].target, 'newPassword');
    assert.equal(
      similar.body.details[0].message,
      'New password did not satisfy password policy requirements',
    );
    assert.deepEqual(similar.body.details[0].innerError.unsatisfiedRequirements, ['notSimilarToCurrent']);

    const same = await reset(STRONG, STRONG);
    assert.equal(same.status, 400);
    assert.deepEqual(same.body.details[0].innerError.unsatisfiedRequirements, ['history']);

    const changed = await reset(STRONG, STRONG2);
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.status, 'OK');
    travel(server(), 2 * DAY);
    const reuse = await reset(STRONG2, STRONG);
    assert.equal(reuse.status, 400);
    assert.deepEqual(reuse.body.details[0].innerError.unsatisfiedRequirements, ['history']);
    // An admin set of the current password is refused too.
    const adminSame = await p.set(STRONG2);
    assert.equal(adminSame.status, 400);
  });

  it('admin reset gives a temporary password without policy; a self change clears MUST_CHANGE_PASSWORD', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const p = pw(server(), env, user);
    await p.set(STRONG);
    const temp = await p.put('password.reset+json', { newPassword: 'temp' });
    assert.equal(temp.status, 200, temp.text);
    assert.equal(temp.body.status, 'MUST_CHANGE_PASSWORD');
    // A forced change is allowed within minAgeDays.
    const self = await p.put('password.reset+json', { currentPassword: 'temp', newPassword: STRONG2 });
    assert.equal(self.status, 200, self.text);
    assert.equal(self.body.status, 'OK');
  });

  it('history by count and retentionDays', async () => {
    const env = await newEnvironment(server());
    const policy = await createPolicy(server(), env, { history: { count: 2, retentionDays: 10 } });
    const population = await populationWithPolicy(server(), env, policy);
    const user = await newUser(server(), env, { population: { id: population } });
    const p = pw(server(), env, user);
    assert.equal((await p.get()).body.passwordPolicy.id, policy);
    for (const value of ['first-pass', 'second-pass', 'third-pass'])
      assert.equal((await p.set(value)).status, 200);
    assert.equal((await p.set('second-pass')).status, 400);
    assert.equal((await p.set('fourth-pass')).status, 200);
    // The two newest retired passwords are third and second: first is beyond the count.
    assert.equal((await p.set('first-pass')).status, 200);
    travel(server(), 11 * DAY);
    // Everything retired more than 10 days ago is forgotten.
    assert.equal((await p.set('fourth-pass')).status, 200);
  });

  it('expires passwords after maxAgeDays and warns within 21 days', async () => {
    const env = await newEnvironment(server());
    const policy = await createPolicy(server(), env, { maxAgeDays: 30 });
    const population = await populationWithPolicy(server(), env, policy);
    const user = await newUser(server(), env, { population: { id: population } });
    const p = pw(server(), env, user);
    await p.set(STRONG);
    assert.equal((await p.get()).body.expiresAt, undefined);
    travel(server(), 10 * DAY);
    const warned = await p.get();
    assert.equal(warned.body.status, 'OK');
    assert.ok(warned.body.expiresAt);
    travel(server(), 21 * DAY);
    assert.equal((await p.get()).body.status, 'PASSWORD_EXPIRED');
    const check = await p.check(STRONG);
    assert.equal(check.status, 200);
    assert.equal(check.body.status, 'PASSWORD_EXPIRED');
  });

  it('locks out after failureCount failures, unlocks after durationSeconds or on unlock', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    const p = pw(server(), env, user);
    await p.set(STRONG);
    for (let remaining = 4; remaining >= 0; remaining -= 1) {
      const res = await p.check('wrong');
      assert.equal(res.status, 400);
      assert.equal(res.body.details[0].message, 'The provided password did not match provisioned password');
      assert.equal(res.body.details[0].innerError.failuresRemaining, remaining);
    }
    const locked = await p.check(STRONG);
    assert.equal(locked.status, 400);
    assert.equal(locked.body.details[0].code, 'PASSWORD_LOCKED_OUT');
    assert.equal(locked.body.details[0].innerError.secondsUntilUnlock, 900);
    const state = await p.get();
    assert.equal(state.body.status, 'PASSWORD_LOCKED_OUT');
    assert.equal(state.body.secondsUntilUnlock, 900);
    // The user resource tells that the user cannot sign on, while the account itself is not locked.
    const userUrl = `/v1/environments/${env}/users/${user}`;
    const lockedUser = await server().request('GET', userUrl);
    assert.deepEqual(lockedUser.body.account, { canAuthenticate: false, status: 'OK' });
    const listed = await server().request('GET', `/v1/environments/${env}/users`);
    const inList = listed.body._embedded.users.find((u: { id: string }) => u.id === user);
    assert.equal(inList.account.canAuthenticate, false);
    // A write answers the same (its lockout is read inside the write's transaction).
    const patched = await server().request('PATCH', userUrl, { body: { title: 'Locked out' } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.account, { canAuthenticate: false, status: 'OK' });
    const replaced = await server().request('PUT', userUrl, {
      body: { username: lockedUser.body.username, email: lockedUser.body.email, title: 'Still locked out' },
    });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.deepEqual(replaced.body.account, { canAuthenticate: false, status: 'OK' });
    server().clock.advance(899_000);
    assert.equal((await p.get()).body.secondsUntilUnlock, 1);
    server().clock.advance(1_000);
    assert.equal((await p.get()).body.status, 'OK');
    assert.equal((await server().request('GET', userUrl)).body.account.canAuthenticate, true);
    const ok = await p.check(STRONG);
    assert.equal(ok.status, 200);
    // A fresh count after the automatic unlock.
    assert.equal((await p.check('wrong')).body.details[0].innerError.failuresRemaining, 4);
    assert.equal((await p.get()).body.failuresRemaining, 4);

    for (let i = 0; i < 4; i += 1) await p.check('wrong');
    assert.equal((await p.get()).body.status, 'PASSWORD_LOCKED_OUT');
    const unlocked = await p.post('password.unlock+json');
    assert.equal(unlocked.status, 200);
    assert.equal(unlocked.body.status, 'OK');
    assert.equal((await p.check(STRONG)).status, 200);
  });

  it('lets Identity Data Read Only read but not change passwords', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    await pw(server(), env, user).set(STRONG);
    const { workerToken, ROLE_IDS } = await import('../support/fixtures.js');
    const token = await workerToken(server(), ROLE_IDS.identityDataReadOnly, {
      id: env,
      type: 'ENVIRONMENT',
    });
    const url = `/v1/environments/${env}/users/${user}/password`;
    assert.equal((await server().request('GET', url, { token })).status, 200);
    const set = await server().request('PUT', url, {
      token,
      body: { value: STRONG2 },
      contentType: `${VND}password.set+json`,
    });
    assert.equal(set.status, 403);
    const check = await server().request('POST', url, {
      token,
      body: { password: STRONG },
      contentType: `${VND}password.check+json`,
    });
    assert.equal(check.status, 403);
    const admin = await workerToken(server(), ROLE_IDS.identityDataAdmin, { id: env, type: 'ENVIRONMENT' });
    const allowed = await server().request('PUT', url, {
      token: admin,
      body: { value: STRONG2 },
      contentType: `${VND}password.set+json`,
    });
    assert.equal(allowed.status, 200, allowed.text);
  });

  it('scopes password administration to the populations an admin holds', async () => {
    const env = await newEnvironment(server());
    const { workerToken, ROLE_IDS } = await import('../support/fixtures.js');
    const policy = await createPolicy(server(), env, { excludesCommonlyUsed: true });
    const mine = await populationWithPolicy(server(), env, policy);
    const inside = await newUser(server(), env, { population: { id: mine } });
    const outside = await newUser(server(), env);
    const token = await workerToken(server(), ROLE_IDS.identityDataAdmin, { id: mine, type: 'POPULATION' });
    const set = (user: string) =>
      server().request('PUT', `/v1/environments/${env}/users/${user}/password`, {
        token,
        body: { value: STRONG },
        contentType: `${VND}password.set+json`,
      });
    assert.equal((await set(inside)).status, 200);
    assert.equal((await set(outside)).status, 403);
    const expanded = await server().request(
      'GET',
      `/v1/environments/${env}/users/${inside}/password?expand=passwordPolicy`,
      { token },
    );
    assert.equal(expanded.status, 200, expanded.text);
    assert.equal(expanded.body._embedded.passwordPolicy.id, policy);
    assert.equal(expanded.body._embedded.passwordPolicy.populationCount, 1);
  });
});
