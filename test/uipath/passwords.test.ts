import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeStores } from '../support/harness.js';
import { createEnvironment, createExternalApp, TRACE_ID, uipathToken } from './uipath-helpers.js';

const VND = 'application/vnd.pingidentity.';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const SEED_BODY = `{
"oldPassword": "al0h0m0ra-account",
"newPassword": "patr0nu5"
}`;

describeStores('uipath passwords', (server) => {
  let env: string;
  let standardEnv: string;
  let token: string;
  let standardToken: string;

  /** A PingOne user with a password set through PingOne. */
  async function pingUser(environment: string, password: string, forceChange = false): Promise<string> {
    const name = `u${Math.random().toString(36).slice(2, 10)}`;
    const created = await server().request('POST', `/v1/environments/${environment}/users`, {
      body: { username: name, email: `${name}@example.com` },
    });
    assert.equal(created.status, 201, created.text);
    const set = await server().request(
      'PUT',
      `/v1/environments/${environment}/users/${created.body.id}/password`,
      {
        body: { value: password, forceChange },
        contentType: VND + 'password.set+json',
      },
    );
    assert.equal(set.status, 200, set.text);
    return created.body.id as string;
  }
  const pingCheck = (environment: string, user: string, password: string) =>
    server().request('POST', `/v1/environments/${environment}/users/${user}/password`, {
      body: { password },
      contentType: VND + 'password.check+json',
    });
  const pingState = async (environment: string, user: string) =>
    (await server().request('GET', `/v1/environments/${environment}/users/${user}/password`)).body
      .status as string;
  const change = (user: string, body: unknown, options: { prefix?: string; auth?: string } = {}) =>
    server().request('POST', `${options.prefix ?? '/identity_'}/api/User/${user}/changepassword`, {
      token: options.auth ?? token,
      body,
    });

  // Sets up an organization whose default policy is like UiPath's (8 characters, a letter and a digit)
  before(async () => {
    env = await createEnvironment(server(), 'Hogwarts');
    const policy = await server().request('POST', `/v1/environments/${env}/passwordPolicies`, {
      body: {
        name: 'UiPath default',
        default: true,
        length: { min: 8, max: 255 },
        minCharacters: { [LOWER]: 1, [DIGITS]: 1 },
        history: { count: 4 },
        lockout: { failureCount: 3, durationSeconds: 600 },
      },
    });
    assert.equal(policy.status, 201, policy.text);
    token = await uipathToken(server(), await createExternalApp(server(), env, ['PM.User']));
    standardEnv = await createEnvironment(server(), 'Standard Policy Org');
    standardToken = await uipathToken(server(), await createExternalApp(server(), standardEnv, ['PM.User']));
  });

  it('runs seed 002 verbatim: 200 {"succeeded":true,"errors":[]}, then PingOne password.check passes', async () => {
    const user = await pingUser(env, 'al0h0m0ra-account', true);
    assert.equal(await pingState(env, user), 'MUST_CHANGE_PASSWORD');
    const response = await server().app.server.inject({
      method: 'POST',
      url: `/hogwarts/DefaultTenant/identity_/api/User/${user}/changepassword`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: SEED_BODY,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.body, '{"succeeded":true,"errors":[]}');
    assert.equal((await pingCheck(env, user, 'patr0nu5')).status, 200);
    assert.equal((await pingCheck(env, user, 'al0h0m0ra-account')).status, 400);
    assert.equal(await pingState(env, user), 'OK', 'the change resets MUST_CHANGE_PASSWORD');
  });

  it('refuses a wrong old password with PasswordMismatch and counts it toward lockout', async () => {
    const user = await pingUser(env, 'first0ne-pass');
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await change(user, { oldPassword: 'not-it-1', newPassword: 'second2-pass' });
      assert.equal(wrong.status, 400);
      assert.equal(
        wrong.text,
        '{"succeeded":false,"errors":[{"code":"PasswordMismatch","description":"Incorrect password."}]}',
      );
    }
    assert.equal(await pingState(env, user), 'PASSWORD_LOCKED_OUT');
    const locked = await change(user, { oldPassword: 'first0ne-pass', newPassword: 'second2-pass' });
    assert.equal(locked.status, 400);
    assert.deepEqual(locked.body.errors, [
      { code: 'UserLockedOut', description: 'User account locked out.' },
    ]);
    assert.equal(
      (await pingCheck(env, user, 'first0ne-pass')).status,
      400,
      'still the old password, still locked',
    );
  });

  it('keeps history: a recent password is refused with PasswordRecentlyUsed', async () => {
    const user = await pingUser(env, 'history1-a');
    assert.equal((await change(user, { oldPassword: 'history1-a', newPassword: 'history2-b' })).status, 200);
    const back = await change(user, { oldPassword: 'history2-b', newPassword: 'history1-a' });
    assert.equal(back.status, 400);
    assert.deepEqual(
      back.body.errors.map((e: { code: string }) => e.code),
      ['PasswordRecentlyUsed'],
    );
    const same = await change(user, { oldPassword: 'history2-b', newPassword: 'history2-b' });
    assert.deepEqual(
      same.body.errors.map((e: { code: string }) => e.code),
      ['PasswordRecentlyUsed'],
    );
  });

  it("answers one ASP.NET Identity error per failed rule of the user's policy", async () => {
    const user = await pingUser(standardEnv, 'Initial#Pass1', true);
    const weak = await change(
      user,
      { oldPassword: 'Initial#Pass1', newPassword: 'aaa' },
      { auth: standardToken },
    );
    assert.equal(weak.status, 400);
    assert.equal(weak.body.succeeded, false);
    const codes = weak.body.errors.map((e: { code: string }) => e.code);
    for (const code of [
      'PasswordRequiresNonAlphanumeric',
      'PasswordRequiresDigit',
      'PasswordRequiresUpper',
      'PasswordTooShort',
      'PasswordRepeatedChars',
      'PasswordRequiresUniqueChars',
    ]) {
      assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
    }
    const described = Object.fromEntries(
      weak.body.errors.map((e: { code: string; description: string }) => [e.code, e.description]),
    );
    assert.equal(described.PasswordTooShort, 'Passwords must be at least 8 characters.');
    assert.equal(described.PasswordRequiresDigit, "Passwords must have at least one digit ('0'-'9').");
    assert.equal(described.PasswordRequiresUpper, "Passwords must have at least one uppercase ('A'-'Z').");
    assert.equal(
      described.PasswordRequiresNonAlphanumeric,
      'Passwords must have at least one non alphanumeric character.',
    );
    assert.equal(
      described.PasswordRequiresUniqueChars,
      'Passwords must use at least 5 different characters.',
    );
    const common = await change(
      user,
      { oldPassword: 'Initial#Pass1', newPassword: 'Password1!' },
      { auth: standardToken },
    );
    assert.ok(
      common.body.errors.some((e: { code: string }) => e.code === 'PasswordTooCommon'),
      common.text,
    );
    assert.equal(
      await pingState(standardEnv, user),
      'MUST_CHANGE_PASSWORD',
      'refused changes change nothing',
    );
  });

  it('respects minimum password age (Standard policy) with PasswordChangedTooRecently', async () => {
    const user = await pingUser(standardEnv, 'Initial#Pass1');
    const early = await change(
      user,
      { oldPassword: 'Initial#Pass1', newPassword: 'Another$Pass72' },
      { auth: standardToken },
    );
    assert.equal(early.status, 400);
    assert.deepEqual(
      early.body.errors.map((e: { code: string }) => e.code),
      ['PasswordChangedTooRecently'],
    );
  });

  it('answers PasswordMismatch for a user without a password and 404 for an unknown user', async () => {
    const created = await server().request('POST', `/v1/environments/${env}/users`, {
      body: { username: 'nopass' },
    });
    const none = await change(created.body.id, { oldPassword: 'x', newPassword: 'abcdefg1' });
    assert.equal(none.status, 400);
    assert.deepEqual(none.body.errors, [{ code: 'PasswordMismatch', description: 'Incorrect password.' }]);
    const unknown = await change('har-3107', { oldPassword: 'al0h0m0ra-account', newPassword: 'patr0nu5' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.title, 'Not Found');
  });

  it("answers malformed or wrongly typed JSON with ProblemDetails in the seed's form", async () => {
    const user = await pingUser(env, 'malformed1-pass');
    const malformed = await server().request('POST', `/identity/api/User/${user}/changepassword`, {
      token,
      contentType: 'application/json',
      body: '{\n"oldPassword": "malformed1-pass",\n"newPassword": patr0nu5\n}',
    });
    assert.equal(malformed.status, 400);
    assert.deepEqual(Object.keys(malformed.body), ['errors', 'type', 'title', 'status', 'traceId']);
    assert.deepEqual(malformed.body.errors, {
      newPassword: [
        "Unexpected character encountered while parsing value: p. Path 'newPassword', line 3, position 16.",
      ],
    });
    assert.equal(malformed.body.type, 'https://tools.ietf.org/html/rfc7231#section-6.5.1');
    assert.equal(malformed.body.title, 'One or more validation errors occurred.');
    assert.equal(malformed.body.status, 400);
    assert.match(malformed.body.traceId, TRACE_ID);
    const typed = await change(user, { oldPassword: 12, newPassword: ['x'] });
    assert.equal(typed.status, 400);
    assert.deepEqual(typed.body.errors, {
      oldPassword: [
        "Error reading string. Unexpected token: Integer. Path 'oldPassword', line 1, position 17.",
      ],
      newPassword: [
        "Error reading string. Unexpected token: StartArray. Path 'newPassword', line 1, position 33.",
      ],
    });
    const empty = await server().request('POST', `/identity_/api/User/${user}/changepassword`, {
      token,
      contentType: 'application/json',
      body: '',
    });
    assert.deepEqual(empty.body.errors, { '': ['A non-empty request body is required.'] });
    const missing = await change(user, { oldPassword: 'malformed1-pass' });
    assert.deepEqual(missing.body.errors, { newPassword: ['The NewPassword field is required.'] });
    const xml = await server().request('POST', `/identity_/api/User/${user}/changepassword`, {
      token,
      contentType: 'application/xml',
      body: '<x/>',
    });
    assert.equal(xml.status, 415);
    assert.equal(xml.body.title, 'Unsupported Media Type');
    assert.equal((await pingCheck(env, user, 'malformed1-pass')).status, 200, 'nothing changed');
  });

  it('refuses a read-only token', async () => {
    const readToken = await uipathToken(
      server(),
      await createExternalApp(server(), env, ['PM.User.Read']),
      'PM.User.Read',
    );
    const user = await pingUser(env, 'readonly1-pass');
    const response = await change(
      user,
      { oldPassword: 'readonly1-pass', newPassword: 'readonly2-pass' },
      { auth: readToken },
    );
    assert.equal(response.status, 403);
    assert.deepEqual(response.body, {
      errorMessage: "Scope(s) 'PM.User.Read' is(are) invalid. Expect to have 'PM.User' or 'PM.User.Write'. ",
    });
  });

  it('PUT password sets a password without the old one; the policy applies', async () => {
    const user = await pingUser(env, 'adminset1-pass');
    const weak = await server().request('PUT', `/identity_/api/User/${user}`, {
      token,
      body: { password: 'short', surname: 'X' },
    });
    assert.equal(weak.status, 400);
    assert.deepEqual(
      weak.body.errors.map((e: { code: string }) => e.code),
      ['PasswordRequiresDigit', 'PasswordTooShort'],
    );
    const unchanged = await server().request('GET', `/identity_/api/User/${user}`, { token });
    assert.equal(unchanged.body.surname, null, 'a refused password leaves the user unchanged');
    const set = await server().request('PUT', `/identity_/api/User/${user}`, {
      token,
      body: { password: 'adminset2-pass', surname: 'X' },
    });
    assert.equal(set.status, 200, set.text);
    assert.equal((await pingCheck(env, user, 'adminset2-pass')).status, 200);
  });

  it('PUT with a password and a refused field changes neither (one transaction)', async () => {
    const taken = await pingUser(env, 'taken1-pass');
    const takenEmail = (await server().request('GET', `/identity_/api/User/${taken}`, { token })).body
      .email as string;
    const user = await pingUser(env, 'atomic1-pass');
    const refused = await server().request('PUT', `/identity_/api/User/${user}`, {
      token,
      body: { password: 'atomic2-pass', email: takenEmail, surname: 'Atomic' },
    });
    assert.equal(refused.status, 400, refused.text);
    assert.deepEqual(
      refused.body.errors.map((e: { code: string }) => e.code),
      ['DuplicateEmail'],
    );
    assert.equal((await pingCheck(env, user, 'atomic1-pass')).status, 200, 'the old password still works');
    assert.equal((await pingCheck(env, user, 'atomic2-pass')).status, 400, 'the new one was not kept');
    const after = await server().request('GET', `/identity_/api/User/${user}`, { token });
    assert.equal(after.body.surname, null);
  });

  it('POST /api/User sets a password; validatePassword applies the policy', async () => {
    const refused = await server().request('POST', '/identity_/api/User', {
      token,
      body: { partitionGlobalId: env, userName: 'weakling', password: 'abc', validatePassword: true },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.succeeded, false);
    const list = await server().request('GET', `/identity_/api/User/users/${env}?searchTerm=weakling`, {
      token,
    });
    assert.equal(list.body.totalCount, 0, 'nothing created');
    const created = await server().request('POST', '/identity_/api/User', {
      token,
      body: {
        partitionGlobalId: env,
        userName: 'strongling',
        password: 'strong1-enough',
        validatePassword: true,
      },
    });
    assert.equal(created.status, 200, created.text);
    const found = await server().request('GET', `/identity_/api/User/users/${env}?searchTerm=strongling`, {
      token,
    });
    const id = found.body.results[0].id as string;
    assert.equal((await pingCheck(env, id, 'strong1-enough')).status, 200);
    const unchecked = await server().request('POST', '/identity_/api/User', {
      token,
      body: { partitionGlobalId: env, userName: 'unchecked', password: 'abc', validatePassword: false },
    });
    assert.equal(unchecked.status, 200, unchecked.text);
  });
});
