import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeStores } from '../support/harness.js';
import {
  bulkCreateOne,
  createEnvironment,
  createExternalApp,
  TRACE_ID,
  uipathToken,
} from './uipath-helpers.js';

interface UserDto {
  id: string;
  userName: string;
  email: string;
  name: string | null;
  surname: string | null;
  displayName: string | null;
  isActive: boolean;
  groupIDs: string[];
  type: number;
  category: number;
  legacyId: number;
  bypassBasicAuthRestriction: boolean;
  invitationAccepted: boolean;
  extensionUserAttributes: Record<string, string>;
}

describeStores('uipath users', (server) => {
  let env: string;
  let token: string;
  const api = (path: string) => `/identity_/api${path}`;
  const get = async (id: string) =>
    (await server().request<UserDto>('GET', api(`/User/${id}`), { token })).body;
  const names = async (query = '') => {
    const page = await server().request('GET', api(`/User/users/${env}?top=1000${query}`), { token });
    assert.equal(page.status, 200, page.text);
    return (page.body.results as UserDto[]).map((u) => u.userName);
  };

  // Sets up an organization and a PM.User token
  before(async () => {
    env = await createEnvironment(server(), 'Users Org');
    token = await uipathToken(server(), await createExternalApp(server(), env, ['PM.User']));
  });

  it('BulkCreate creates every user and answers {result, users} with UserDto', async () => {
    const response = await server().request('POST', api('/User/BulkCreate'), {
      token,
      body: {
        partitionGlobalId: env,
        users: [
          {
            userName: 'ana',
            email: 'ana@example.com',
            name: 'Ana',
            surname: 'Lima',
            displayName: 'Ana L',
            type: 0,
          },
          {
            userName: 'bot-1',
            type: 'robot',
            bypassBasicAuthRestriction: true,
            legacyId: 900,
            invitationAccepted: true,
          },
        ],
      },
    });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.result, { succeeded: true, errors: [] });
    const [ana, bot] = response.body.users as UserDto[];
    assert.equal(ana!.userName, 'ana');
    assert.equal(ana!.email, 'ana@example.com');
    assert.equal(ana!.name, 'Ana');
    assert.equal(ana!.surname, 'Lima');
    assert.equal(ana!.displayName, 'Ana L');
    assert.equal(ana!.type, 0);
    assert.equal(ana!.category, 0);
    assert.equal(ana!.isActive, true);
    assert.deepEqual(ana!.groupIDs, []);
    assert.equal(bot!.email, '', 'no email is ""');
    assert.equal(bot!.type, 1);
    assert.equal(bot!.legacyId, 900);
    assert.equal(bot!.bypassBasicAuthRestriction, true);
    assert.equal(bot!.invitationAccepted, true);
    assert.deepEqual(await get(ana!.id), ana);
  });

  it('BulkCreate is all or nothing: one duplicate refuses the batch with 400 {result, users: []}', async () => {
    const before = await names();
    const response = await server().request('POST', api('/User/BulkCreate'), {
      token,
      body: {
        partitionGlobalId: env,
        users: [
          { userName: 'carl', email: 'carl@example.com' },
          { userName: 'ANA', email: 'Ana@Example.com' },
          { userName: 'carl', email: 'other@example.com' },
        ],
      },
    });
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      result: {
        succeeded: false,
        errors: [
          { code: 'DuplicateUserName', description: "Username 'ANA' is already taken." },
          { code: 'DuplicateEmail', description: "Email 'Ana@Example.com' is already taken." },
          { code: 'DuplicateUserName', description: "Username 'carl' is already taken." },
        ],
      },
      users: [],
    });
    assert.deepEqual(await names(), before);
  });

  it('refuses invalid user names and emails with ASP.NET Identity codes', async () => {
    const bulk = await server().request('POST', api('/User/BulkCreate'), {
      token,
      body: {
        partitionGlobalId: env,
        users: [{ email: 'only@example.com' }, { userName: 'bad name!', email: 'nope' }],
      },
    });
    assert.equal(bulk.status, 400);
    assert.deepEqual(bulk.body.result.errors, [
      { code: 'InvalidUserName', description: "Username '' is invalid, can only contain letters or digits." },
      {
        code: 'InvalidUserName',
        description: "Username 'bad name!' is invalid, can only contain letters or digits.",
      },
      { code: 'InvalidEmail', description: "Email 'nope' is invalid." },
    ]);
    const single = await server().request('POST', api('/User'), {
      token,
      body: { partitionGlobalId: env, userName: '' },
    });
    assert.equal(single.status, 400);
    assert.deepEqual(single.body, {
      succeeded: false,
      errors: [
        {
          code: 'InvalidUserName',
          description: "Username '' is invalid, can only contain letters or digits.",
        },
      ],
    });
  });

  it('POST /api/User creates one user (client id honoured) and answers an IdentityResult', async () => {
    const id = '6a1e3c1e-1d0b-4c6f-9e55-2f9a7c3b0d11';
    const created = await server().request('POST', api('/User'), {
      token,
      body: {
        id,
        partitionGlobalId: env,
        userName: 'dora@example.com',
        email: 'dora@example.com',
        name: 'Dora',
        type: 0,
      },
    });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(created.body, { succeeded: true, errors: [] });
    assert.equal((await get(id)).userName, 'dora@example.com');
    const again = await server().request('POST', api('/User'), {
      token,
      body: { partitionGlobalId: env, userName: 'Dora@example.com', email: 'DORA@example.com' },
    });
    assert.equal(again.status, 400);
    assert.deepEqual(
      again.body.errors.map((e: { code: string }) => e.code),
      ['DuplicateUserName', 'DuplicateEmail'],
    );
  });

  it('PUT changes only the fields sent; null leaves a field as is', async () => {
    const user = await bulkCreateOne(server(), token, env, {
      userName: 'eve',
      email: 'eve@example.com',
      name: 'Eve',
      surname: 'Ng',
    });
    const response = await server().request('PUT', api(`/User/${user.id}`), {
      token,
      body: {
        surname: 'Park',
        name: null,
        isActive: false,
        extensionUserAttributesToAddOrUpdate: { dept: 'R&D', site: 'Oslo' },
      },
    });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, { succeeded: true, errors: [] });
    let read = await get(user.id);
    assert.equal(read.name, 'Eve');
    assert.equal(read.surname, 'Park');
    assert.equal(read.email, 'eve@example.com');
    assert.equal(read.isActive, false);
    assert.deepEqual(read.extensionUserAttributes, { dept: 'R&D', site: 'Oslo' });

    await server().request('PUT', api(`/User/${user.id}`), {
      token,
      body: {
        email: '',
        displayName: 'Eve P',
        extensionUserAttributesToRemove: ['site'],
        bypassBasicAuthRestriction: true,
      },
    });
    read = await get(user.id);
    assert.equal(read.email, '');
    assert.equal(read.displayName, 'Eve P');
    assert.equal(read.bypassBasicAuthRestriction, true);
    assert.deepEqual(read.extensionUserAttributes, { dept: 'R&D' });

    const taken = await server().request('PUT', api(`/User/${user.id}`), {
      token,
      body: { email: 'ANA@example.com' },
    });
    assert.equal(taken.status, 400);
    assert.deepEqual(taken.body, {
      succeeded: false,
      errors: [{ code: 'DuplicateEmail', description: "Email 'ANA@example.com' is already taken." }],
    });
    assert.equal((await get(user.id)).email, '', 'a refused update changes nothing');
  });

  it('PUT adds and removes groups; groupIDs lists them', async () => {
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: 'Robots' },
    });
    assert.equal(group.status, 201, group.text);
    const user = await bulkCreateOne(server(), token, env, { userName: 'fay' });
    const add = await server().request('PUT', api(`/User/${user.id}`), {
      token,
      body: { groupIDsToAdd: [group.body.id] },
    });
    assert.equal(add.status, 200, add.text);
    assert.deepEqual((await get(user.id)).groupIDs, [group.body.id]);
    await server().request('PUT', api(`/User/${user.id}`), {
      token,
      body: { groupIDsToRemove: [group.body.id] },
    });
    assert.deepEqual((await get(user.id)).groupIDs, []);
    const bulk = await server().request('POST', api('/User/BulkCreate'), {
      token,
      body: { partitionGlobalId: env, groupIDs: [group.body.id], users: [{ userName: 'gus' }] },
    });
    assert.deepEqual(bulk.body.users[0].groupIDs, [group.body.id]);
  });

  it('lists users with top, skip, sortBy, sortOrder, searchTerm and totalCount', async () => {
    const all = await server().request('GET', api(`/User/users/${env}`), { token });
    assert.equal(all.status, 200);
    const total = all.body.totalCount as number;
    assert.ok(total >= 6);
    assert.equal(all.body.results.length, Math.min(total, 10), 'top defaults to 10');
    const sorted = await names('&sortBy=userName&sortOrder=desc');
    assert.deepEqual(
      sorted,
      [...sorted].sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase())),
    );
    const page = await server().request('GET', api(`/User/users/${env}?sortBy=UserName&top=2&skip=1`), {
      token,
    });
    assert.equal(page.body.totalCount, total);
    assert.deepEqual(
      page.body.results.map((u: UserDto) => u.userName),
      [...sorted].reverse().slice(1, 3),
    );
    const search = await server().request('GET', api(`/User/users/${env}?searchTerm=LIMA`), { token });
    assert.equal(search.body.totalCount, 1);
    assert.equal(search.body.results[0].userName, 'ana');
    const none = await server().request('GET', api(`/User/users/${env}?top=0`), { token });
    assert.deepEqual(none.body, { totalCount: total, results: [] });
  });

  it('refuses bad list parameters with ProblemDetails', async () => {
    const tooMany = await server().request('GET', api(`/User/users/${env}?top=1001`), { token });
    assert.equal(tooMany.status, 400);
    assert.deepEqual(tooMany.body.errors, { top: ['The field top must be between 0 and 1000.'] });
    assert.match(tooMany.body.traceId, TRACE_ID);
    const notNumber = await server().request('GET', api(`/User/users/${env}?skip=x`), { token });
    assert.deepEqual(notNumber.body.errors, { skip: ["The value 'x' is not valid for skip."] });
    const sortBy = await server().request('GET', api(`/User/users/${env}?sortBy=shoeSize`), { token });
    assert.deepEqual(sortBy.body.errors, { sortBy: ["The value 'shoeSize' is not valid for sortBy."] });
    const order = await server().request('GET', api(`/User/users/${env}?sortOrder=up`), { token });
    assert.deepEqual(order.body.errors, { sortOrder: ["The value 'up' is not valid for sortOrder."] });
    const otherPartition = await server().request(
      'GET',
      api('/User/users/7d4c0000-0000-4000-8000-000000000000'),
      { token },
    );
    assert.equal(otherPartition.status, 403);
  });

  it('deletes one user (204, then 404) and answers 404 ProblemDetails for unknown users', async () => {
    const user = await bulkCreateOne(server(), token, env, { userName: 'hal' });
    const deleted = await server().request('DELETE', api(`/User/${user.id}`), { token });
    assert.equal(deleted.status, 204);
    const gone = await server().request('GET', api(`/User/${user.id}`), { token });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.title, 'Not Found');
    assert.equal(gone.body.status, 404);
    assert.equal(gone.body.type, 'https://tools.ietf.org/html/rfc7231#section-6.5.4');
    assert.match(gone.body.traceId, TRACE_ID);
    assert.equal((await server().request('DELETE', api(`/User/${user.id}`), { token })).status, 404);
    assert.equal(
      (await server().request('PUT', api('/User/har-3107'), { token, body: { name: 'x' } })).status,
      404,
    );
  });

  it('bulk-deletes users with a JSON body in one call', async () => {
    const a = await bulkCreateOne(server(), token, env, { userName: 'ivy' });
    const b = await bulkCreateOne(server(), token, env, { userName: 'jon' });
    const wrongPartition = await server().request('DELETE', api('/User'), {
      token,
      body: { partitionGlobalId: '7d4c0000-0000-4000-8000-000000000000', userIds: [a.id, b.id] },
    });
    assert.equal(wrongPartition.status, 403);
    assert.equal((await server().request('GET', api(`/User/${a.id}`), { token })).status, 200);
    const response = await server().request('DELETE', api('/User'), {
      token,
      body: {
        partitionGlobalId: env,
        userIds: [a.id, b.id.toUpperCase(), '7d4c0000-0000-4000-8000-00000000beef'],
      },
    });
    assert.equal(response.status, 204, response.text);
    assert.equal((await server().request('GET', api(`/User/${a.id}`), { token })).status, 404);
    assert.equal((await server().request('GET', api(`/User/${b.id}`), { token })).status, 404);
  });

  it('serves every prefix; the organization is the environment id or its name', async () => {
    const user = await bulkCreateOne(server(), token, env, { userName: 'kim' });
    for (const prefix of [
      '/identity',
      '/identity_',
      `/${env}/identity_`,
      '/users%20org/identity_',
      '/USERS%20ORG/Default/identity_',
    ]) {
      const response = await server().request('GET', `${prefix}/api/User/${user.id}`, { token });
      assert.equal(response.status, 200, `${prefix}: ${response.text}`);
      assert.equal(response.body.userName, 'kim');
    }
    const other = await server().request('GET', `/another-org/identity_/api/User/${user.id}`, { token });
    assert.equal(other.status, 403);
    assert.equal(other.body.title, 'Forbidden');
  });

  it('serves every endpoint under every prefix', async () => {
    for (const prefix of ['/identity', '/identity_', '/users%20org/identity_', `/${env}/Default/identity_`]) {
      const tag = Math.random().toString(36).slice(2, 8);
      const bulk = await server().request('POST', `${prefix}/api/User/BulkCreate`, {
        token,
        body: { partitionGlobalId: env, users: [{ userName: `bulk-${tag}` }, { userName: `gone-${tag}` }] },
      });
      assert.equal(bulk.status, 200, `${prefix} BulkCreate: ${bulk.text}`);
      const [kept, gone] = bulk.body.users as UserDto[];
      const created = await server().request('POST', `${prefix}/api/User`, {
        token,
        body: { partitionGlobalId: env, userName: `one-${tag}` },
      });
      assert.equal(created.status, 200, `${prefix} POST: ${created.text}`);
      const list = await server().request('GET', `${prefix}/api/User/users/${env}?searchTerm=${tag}`, {
        token,
      });
      assert.equal(list.body.totalCount, 3, `${prefix} list`);
      const one = await server().request('GET', `${prefix}/api/User/${kept!.id}`, { token });
      assert.equal(one.status, 200, `${prefix} GET`);
      const put = await server().request('PUT', `${prefix}/api/User/${kept!.id}`, {
        token,
        body: { surname: tag },
      });
      assert.equal(put.status, 200, `${prefix} PUT`);
      const change = await server().request('POST', `${prefix}/api/User/${kept!.id}/changepassword`, {
        token,
        body: { oldPassword: 'a', newPassword: 'b' },
      });
      assert.equal(change.body.errors[0].code, 'PasswordMismatch', `${prefix} changepassword`);
      const bulkDelete = await server().request('DELETE', `${prefix}/api/User`, {
        token,
        body: { partitionGlobalId: env, userIds: [gone!.id] },
      });
      assert.equal(bulkDelete.status, 204, `${prefix} bulk DELETE`);
      const del = await server().request('DELETE', `${prefix}/api/User/${kept!.id}`, { token });
      assert.equal(del.status, 204, `${prefix} DELETE`);
      const left = await server().request('GET', `${prefix}/api/User/users/${env}?searchTerm=${tag}`, {
        token,
      });
      assert.deepEqual(
        left.body.results.map((u: UserDto) => u.userName),
        [`one-${tag}`],
      );
    }
  });

  it('keeps emails unique under concurrent creates and updates', async () => {
    const creates = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        server().request('POST', api('/User/BulkCreate'), {
          token,
          body: { partitionGlobalId: env, users: [{ userName: `race-${n}`, email: 'race@example.com' }] },
        }),
      ),
    );
    assert.deepEqual(creates.map((r) => r.status).sort(), [200, 400, 400, 400, 400]);
    const a = await bulkCreateOne(server(), token, env, { userName: 'race-a' });
    const b = await bulkCreateOne(server(), token, env, { userName: 'race-b' });
    const updates = await Promise.all(
      [a, b].map((u) =>
        server().request('PUT', api(`/User/${u.id}`), { token, body: { email: 'race2@example.com' } }),
      ),
    );
    assert.deepEqual(updates.map((r) => r.status).sort(), [200, 400]);
  });

  it('answers 405 for a known path with another method and 404 for an unknown path', async () => {
    const wrong = await server().request('PATCH', api('/User/abc'), { token, body: {} });
    assert.equal(wrong.status, 405);
    assert.match(String(wrong.headers.allow), /PUT/);
    const unknown = await server().request('GET', api('/Nothing'), { token });
    assert.equal(unknown.status, 404);
    // The PingOne face keeps its own routes and errors.
    const pingone = await server().request('GET', '/v1/environments/nope');
    assert.equal(pingone.body.code, 'NOT_FOUND');
  });
});
