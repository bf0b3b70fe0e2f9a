import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, it } from 'node:test';
import { describeStores } from '../support/harness.js';
import { createEnvironment, createPopulation, createUser, defaultPopulation } from '../support/fixtures.js';

/** Seed 003 (a verbatim copy of the product document): its request body and example response. */
function seed003() {
  const text = readFileSync(new URL('../fixtures/seeds/003_1612f7c8ac955444.txt', import.meta.url), 'utf8');
  const body = text.slice(text.indexOf('Body\n'), text.indexOf('Example Request'));
  const requestJson = body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1);
  const response = text.slice(text.indexOf('200 OK'));
  const responseJson = response.slice(response.indexOf('{'), response.lastIndexOf('}') + 1);
  return { requestJson, response: JSON.parse(responseJson) as Record<string, Record<string, unknown>> };
}

describeStores('users', (server) => {
  let env: string;
  let pop: string;
  const users = () => `/v1/environments/${env}/users`;

  before(async () => {
    env = await createEnvironment(server());
    pop = await defaultPopulation(server(), env);
  });

  it('creates a user with PingOne defaults, 201 and Location', async () => {
    const res = await server().request('POST', users(), {
      body: { username: 'alice', email: 'alice@example.com', name: { given: 'Alice', family: 'Liddell' } },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.location, `http://tessera.test${users()}/${res.body.id}`);
    assert.equal(res.body._links.self.href, res.headers.location);
    assert.deepEqual(res.body.population, { id: pop });
    assert.deepEqual(res.body.environment, { id: env });
    assert.equal(res.body.enabled, true);
    assert.equal(res.body.mfaEnabled, false);
    assert.deepEqual(res.body.account, { canAuthenticate: true, status: 'OK' });
    assert.deepEqual(res.body.lifecycle, { status: 'ACCOUNT_OK' });
    assert.deepEqual(res.body.identityProvider, { type: 'PING_ONE' });
    assert.equal(res.body.verifyStatus, 'NOT_INITIATED');
    assert.equal(res.body.emailVerified, undefined);
    assert.equal(res.body.password, undefined);
    assert.deepEqual(res.body.name, { given: 'Alice', family: 'Liddell' });
  });

  it('answers the seed 003 PATCH with the full user: every field and _links rel of the seed response', async () => {
    const { requestJson, response } = seed003();
    const user = await createUser(server(), env, {
      username: 'dspanner',
      email: 'dspanner@example.com',
      name: { given: 'David', family: 'Spanner' },
    });
    server().clock.advance(1149);
    const body = requestJson.replace(
      '{{userImage}}',
      'https://uploads.example.com/images/dspanner_original.png',
    );
    const res = await server().request('PATCH', `${users()}/${user.id}`, {
      body,
      contentType: 'application/json',
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), Object.keys(response).sort());
    // Issue 12: Tessera has no MFA devices, so it does not advertise the seed's `devices` rel
    // (every rel it emits must resolve; see docs/users.md).
    assert.deepEqual(
      Object.keys(res.body._links).sort(),
      Object.keys(response._links!)
        .filter((rel) => rel !== 'devices')
        .sort(),
    );
    for (const key of ['account', 'identityProvider', 'lifecycle', 'name']) {
      assert.deepEqual(Object.keys(res.body[key]).sort(), Object.keys(response[key]!).sort(), key);
    }
    assert.deepEqual(res.body.photo, { href: 'https://uploads.example.com/images/dspanner_original.png' });
    assert.equal(res.body.username, 'dspanner');
    assert.deepEqual(res.body.name, { given: 'David', family: 'Spanner' });
    assert.ok(Date.parse(res.body.updatedAt) > Date.parse(res.body.createdAt));
    for (const [rel, link] of Object.entries(res.body._links as Record<string, { href: string }>)) {
      assert.match(link.href, /^http:\/\/tessera\.test\/v1\/environments\//, rel);
    }
    assert.equal(res.body._links['password.reset'].href, `http://tessera.test${users()}/${user.id}/password`);
    assert.equal(
      res.body._links['account.sendVerificationCode'].href,
      `http://tessera.test${users()}/${user.id}`,
    );
    const read = await server().request('GET', `${users()}/${user.id}`);
    assert.deepEqual(read.body, res.body);
  });

  it('refuses duplicate usernames case-insensitively, across populations', async () => {
    const other = await createPopulation(server(), env);
    await createUser(server(), env, { username: 'Duplicate.Name' });
    const res = await server().request('POST', users(), {
      body: { username: 'duplicate.name', population: { id: other } },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'INVALID_DATA');
    assert.deepEqual(res.body.details, [
      {
        code: 'UNIQUENESS_VIOLATION',
        target: 'username',
        message: 'is unique but a non-unique value is provided',
      },
    ]);
  });

  it('validates username, email and unknown attributes', async () => {
    const tooLong = await server().request('POST', users(), { body: { username: 'x'.repeat(129) } });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.details[0].target, 'username');
    assert.equal(
      (await server().request('POST', users(), { body: { username: 'x'.repeat(128) } })).status,
      201,
    );
    const empty = await server().request('POST', users(), { body: { username: '' } });
    assert.equal(empty.status, 400);
    // Lengths count code points: 128 emoji (256 UTF-16 units) fit, 129 do not; so does a
    // nickname of 256, not 257.
    const emoji = '\u{1F600}';
    assert.equal(
      (await server().request('POST', users(), { body: { username: emoji.repeat(129) } })).status,
      400,
    );
    const emojiUser = await server().request('POST', users(), {
      body: { username: emoji.repeat(128), nickname: emoji.repeat(256) },
    });
    assert.equal(emojiUser.status, 201, emojiUser.text);
    const longNickname = await server().request('PATCH', `${users()}/${emojiUser.body.id}`, {
      body: { nickname: `${emoji.repeat(256)}x` },
    });
    assert.equal(longNickname.status, 400);
    assert.equal(longNickname.body.details[0].target, 'nickname');

    const email = await server().request('POST', users(), {
      body: { username: 'bademail', email: 'not-an-email' },
    });
    assert.equal(email.status, 400);
    assert.equal(email.body.code, 'INVALID_DATA');
    assert.deepEqual(email.body.details, [
      { code: 'INVALID_VALUE', target: 'email', message: 'must be a well-formed email address' },
    ]);

    const unknown = await server().request('POST', users(), {
      body: { username: 'unknownattr', favouriteColour: 'blue' },
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 'INVALID_DATA');
    assert.equal(unknown.body.details[0].target, 'favouriteColour');

    const nested = await server().request('POST', users(), {
      body: { username: 'nested', name: { nick: 'x' } },
    });
    assert.equal(nested.status, 400);
    assert.equal(nested.body.details[0].target, 'name.nick');

    const missing = await server().request('POST', users(), { body: { email: 'a@example.com' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.details[0].target, 'username');

    const badPopulation = await server().request('POST', users(), {
      body: { username: 'nopop', population: { id: '7b3c5a5e-0000-4000-8000-000000000000' } },
    });
    assert.equal(badPopulation.status, 400);

    const verified = await server().request('POST', users(), {
      body: { username: 'verified', emailVerified: true },
    });
    assert.equal(verified.status, 400);
    assert.equal(verified.body.details[0].target, 'emailVerified');
  });

  it('imports a user through the import media type (lifecycle, emailVerified, password accepted)', async () => {
    const res = await server().request('POST', users(), {
      contentType: 'application/vnd.pingidentity.user.import+json',
      body: {
        username: 'imported',
        email: 'imported@example.com',
        population: { id: pop },
        emailVerified: true,
        lifecycle: { status: 'VERIFICATION_REQUIRED', suppressVerificationCode: true },
        password: { value: 'Imported-Passw0rd!', forceChange: false },
      },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.emailVerified, true);
    assert.deepEqual(res.body.lifecycle, { status: 'VERIFICATION_REQUIRED' });
    assert.equal(res.body.password, undefined);
    assert.ok(res.headers.location);

    const plain = await server().request('POST', users(), {
      body: { username: 'plainlifecycle', lifecycle: { status: 'VERIFICATION_REQUIRED' } },
    });
    assert.equal(plain.status, 201);
    assert.deepEqual(plain.body.lifecycle, { status: 'ACCOUNT_OK' }, 'lifecycle is settable only on import');

    const wrong = await server().request('POST', users(), { contentType: 'text/plain', body: 'username=x' });
    assert.equal(wrong.status, 415);
    assert.equal(wrong.body.code, 'INVALID_REQUEST');
    const malformed = await server().request('POST', users(), {
      contentType: 'application/json',
      body: '{"username":',
    });
    assert.equal(malformed.status, 400);
  });

  it('PUT replaces: omitted attributes are cleared, server-managed ones ignored', async () => {
    const user = await createUser(server(), env, {
      username: 'putme',
      email: 'putme@example.com',
      nickname: 'Putty',
      title: 'Dr',
      name: { given: 'Put', family: 'Me' },
      address: { locality: 'Paris', countryCode: 'FR' },
    });
    const other = await createPopulation(server(), env);
    const res = await server().request('PUT', `${users()}/${user.id}`, {
      body: {
        username: 'putme2',
        name: { given: 'Putin' },
        title: null,
        enabled: false,
        mfaEnabled: true,
        population: { id: other },
        password: { value: 'ignored' },
        account: { status: 'LOCKED' },
        lifecycle: { status: 'VERIFICATION_REQUIRED' },
        verifyStatus: 'ENABLED',
        id: 'ignored',
        createdAt: '2000-01-01T00:00:00Z',
        identityProvider: { type: 'GOOGLE' },
      },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.username, 'putme2');
    assert.deepEqual(res.body.name, { given: 'Putin' });
    for (const cleared of ['email', 'nickname', 'title', 'address'])
      assert.equal(res.body[cleared], undefined, cleared);
    assert.equal(res.body.id, user.id);
    assert.equal(res.body.enabled, true);
    assert.equal(res.body.mfaEnabled, false);
    assert.deepEqual(res.body.population, { id: pop });
    assert.deepEqual(res.body.account, { canAuthenticate: true, status: 'OK' });
    assert.deepEqual(res.body.lifecycle, { status: 'ACCOUNT_OK' });
    assert.equal(res.body.verifyStatus, 'NOT_INITIATED');
    assert.deepEqual(res.body.identityProvider, { type: 'PING_ONE' });
    assert.equal(res.body.createdAt, user.createdAt);

    const noUsername = await server().request('PUT', `${users()}/${user.id}`, {
      body: { email: 'x@example.com' },
    });
    assert.equal(noUsername.status, 400);
    assert.equal(noUsername.body.details[0].target, 'username');
  });

  it('PATCH merges: omitted ignored, nested objects merged, null clears', async () => {
    const user = await createUser(server(), env, {
      username: 'patchme',
      email: 'patchme@example.com',
      nickname: 'Patchy',
      name: { given: 'Patch', family: 'Me', middle: 'X' },
    });
    const res = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { name: { family: 'Merged', middle: null }, nickname: null, title: 'Ms', enabled: false },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.name, { given: 'Patch', family: 'Merged' });
    assert.equal(res.body.nickname, undefined);
    assert.equal(res.body.title, 'Ms');
    assert.equal(res.body.email, 'patchme@example.com');
    assert.equal(res.body.username, 'patchme');
    assert.equal(res.body.enabled, true, 'enabled is ignored by PATCH');

    const clearName = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { name: { given: null, family: null } },
    });
    assert.equal(clearName.body.name, undefined, 'an emptied object disappears');
    const clearEmail = await server().request('PATCH', `${users()}/${user.id}`, { body: { email: null } });
    assert.equal(clearEmail.body.email, undefined);
    const nullUsername = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { username: null },
    });
    assert.equal(nullUsername.status, 400);
    const badPhoto = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { photo: { href: 'ftp://x' } },
    });
    assert.equal(badPhoto.status, 400);
    assert.equal(badPhoto.body.details[0].target, 'photo.href');
    const badCountry = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { address: { countryCode: 'fra' } },
    });
    assert.equal(badCountry.status, 400);
    const rename = await server().request('PATCH', `${users()}/${user.id}`, { body: { username: 'ALICE' } });
    assert.equal(rename.status, 400);
    assert.equal(rename.body.details[0].code, 'UNIQUENESS_VIOLATION');
  });

  it('reads with include=memberOfGroupIDs/Names and expand=population', async () => {
    const user = await createUser(server(), env, { username: 'reader' });
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: 'Readers' },
    });
    assert.equal(group.status, 201, group.text);
    const add = await server().request('POST', `${users()}/${user.id}/memberOfGroups`, {
      body: { id: group.body.id },
    });
    assert.equal(add.status, 201, add.text);

    const plain = await server().request('GET', `${users()}/${user.id}`);
    assert.equal(plain.body.memberOfGroupIDs, undefined);
    assert.equal(plain.body._embedded, undefined);

    const ids = await server().request('GET', `${users()}/${user.id}?include=memberOfGroupIDs`);
    assert.deepEqual(ids.body.memberOfGroupIDs, [group.body.id]);
    assert.equal(ids.body.memberOfGroupNames, undefined);
    const names = await server().request('GET', `${users()}/${user.id}?include=memberOfGroupNames`);
    assert.deepEqual(names.body.memberOfGroupNames, ['Readers']);

    const expanded = await server().request('GET', `${users()}/${user.id}?expand=population`);
    assert.equal(expanded.body._embedded.population.id, pop);
    assert.equal(expanded.body._embedded.population.default, true);
    assert.ok(expanded.body._embedded.population._links.self.href.endsWith(`/populations/${pop}`));

    const list = await server().request(
      'GET',
      `${users()}?filter=${encodeURIComponent('username eq "reader"')}`,
    );
    assert.equal(list.body._embedded.users[0].memberOfGroupIDs, undefined, 'never in lists');
  });

  it('deletes a user (204, memberships gone) and answers 404 afterwards', async () => {
    const user = await createUser(server(), env, { username: 'deleteme' });
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: 'Doomed' },
    });
    await server().request('POST', `${users()}/${user.id}/memberOfGroups`, { body: { id: group.body.id } });
    const res = await server().request('DELETE', `${users()}/${user.id}`);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    const read = await server().request('GET', `${users()}/${user.id}`);
    assert.equal(read.status, 404);
    assert.equal(read.body.code, 'NOT_FOUND');
    assert.equal(
      read.body.message,
      'The request could not be completed. The requested resource was not found.',
    );
    assert.equal((await server().request('DELETE', `${users()}/${user.id}`)).status, 404);
    const groupRead = await server().request('GET', `/v1/environments/${env}/groups/${group.body.id}`);
    assert.equal(groupRead.body.directMemberCounts.users, 0);
  });

  it('isolates environments: a user of A is 404 through B, including its sub-resources', async () => {
    const other = await createEnvironment(server());
    const user = await createUser(server(), env, { username: 'isolated' });
    const through = `/v1/environments/${other}/users/${user.id}`;
    for (const [method, path, body] of [
      ['GET', through, undefined],
      ['PATCH', through, { nickname: 'x' }],
      ['PUT', through, { username: 'x' }],
      ['DELETE', through, undefined],
      ['GET', `${through}/enabled`, undefined],
      ['PUT', `${through}/enabled`, { enabled: false }],
      ['GET', `${through}/memberOfGroups`, undefined],
    ] as const) {
      const res = await server().request(method, path, body ? { body } : {});
      assert.equal(res.status, 404, `${method} ${path}`);
    }
    const list = await server().request(
      'GET',
      `/v1/environments/${other}/users?filter=${encodeURIComponent('username eq "isolated"')}`,
    );
    assert.equal(list.body.size, 0);
    // The same username is free in another environment.
    await createUser(server(), other, { username: 'isolated' });
  });
});
