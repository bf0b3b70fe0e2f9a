import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { activitiesWhere } from '../support/activities.js';
import { describeStores } from '../support/harness.js';
import { bulkCreateOne, createEnvironment, createExternalApp, uipathToken } from './uipath-helpers.js';

/** One directory: whatever one face creates or changes, the other sees. */
describeStores('uipath and pingone share one directory', (server) => {
  let env: string;
  let token: string;
  const uipathUser = async (id: string) => server().request('GET', `/identity_/api/User/${id}`, { token });
  const pingUser = async (id: string) => server().request('GET', `/v1/environments/${env}/users/${id}`);

  // Sets up an organization
  before(async () => {
    env = await createEnvironment(server(), 'Shared Org');
    token = await uipathToken(server(), await createExternalApp(server(), env, ['PM.User']));
  });

  it('lists a BulkCreate user through PingOne GET /users with the mapped attributes', async () => {
    const created = await bulkCreateOne(server(), token, env, {
      userName: 'lena',
      email: 'lena@example.com',
      name: 'Lena',
      surname: 'Berg',
      displayName: 'Lena B.',
    });
    const list = await server().request('GET', `/v1/environments/${env}/users`);
    assert.equal(list.status, 200, list.text);
    const found = list.body._embedded.users.find((u: { id: string }) => u.id === created.id);
    assert.ok(found, 'listed by PingOne');
    assert.equal(found.username, 'lena');
    assert.equal(found.email, 'lena@example.com');
    assert.deepEqual(found.name, { given: 'Lena', family: 'Berg', formatted: 'Lena B.' });
    assert.equal(found.enabled, true);
  });

  it('shows a PingOne user on the UiPath face, and changes made on either face on the other', async () => {
    const created = await server().request('POST', `/v1/environments/${env}/users`, {
      body: {
        username: 'milo',
        email: 'milo@example.com',
        name: { given: 'Milo', family: 'Ruiz' },
        enabled: false,
      },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const seen = await uipathUser(id);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.userName, 'milo');
    assert.equal(seen.body.name, 'Milo');
    assert.equal(seen.body.surname, 'Ruiz');
    assert.equal(seen.body.isActive, false);
    assert.equal(seen.body.legacyId, 0);
    assert.equal(seen.body.type, 0);

    const put = await server().request('PUT', `/identity_/api/User/${id}`, {
      token,
      body: { isActive: true, surname: 'Ruiz-Diaz', displayName: 'Milo R.' },
    });
    assert.equal(put.status, 200, put.text);
    const ping = await pingUser(id);
    assert.equal(ping.body.enabled, true);
    assert.deepEqual(ping.body.name, { given: 'Milo', family: 'Ruiz-Diaz', formatted: 'Milo R.' });

    const patch = await server().request('PATCH', `/v1/environments/${env}/users/${id}`, {
      body: { email: 'milo.ruiz@example.com', name: { given: 'Emilio' } },
    });
    assert.equal(patch.status, 200, patch.text);
    const again = await uipathUser(id);
    assert.equal(again.body.email, 'milo.ruiz@example.com');
    assert.equal(again.body.name, 'Emilio');
  });

  it('refuses UiPath user names and emails already used through PingOne', async () => {
    await server().request('POST', `/v1/environments/${env}/users`, {
      body: { username: 'nora', email: 'nora@example.com' },
    });
    const response = await server().request('POST', '/identity_/api/User/BulkCreate', {
      token,
      body: { partitionGlobalId: env, users: [{ userName: 'NORA', email: 'nora@EXAMPLE.com' }] },
    });
    assert.equal(response.status, 400);
    assert.deepEqual(response.body.result.errors, [
      { code: 'DuplicateUserName', description: "Username 'NORA' is already taken." },
      { code: 'DuplicateEmail', description: "Email 'nora@EXAMPLE.com' is already taken." },
    ]);
  });

  it('shows PingOne group memberships as groupIDs', async () => {
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: 'Finance' },
    });
    const user = await bulkCreateOne(server(), token, env, { userName: 'olga' });
    const add = await server().request('POST', `/v1/environments/${env}/users/${user.id}/memberOfGroups`, {
      body: { id: group.body.id },
    });
    assert.equal(add.status, 201, add.text);
    assert.deepEqual((await uipathUser(user.id)).body.groupIDs, [group.body.id]);
  });

  it('records group memberships set through UiPath user bodies in the PingOne audit trail', async () => {
    const groupNamed = async (name: string) => {
      const group = await server().request('POST', `/v1/environments/${env}/groups`, { body: { name } });
      assert.equal(group.status, 201, group.text);
      return group.body.id as string;
    };
    const [first, second] = [await groupNamed('Audit One'), await groupNamed('Audit Two')];
    const created = await server().request('POST', '/identity_/api/User/BulkCreate', {
      token,
      body: {
        partitionGlobalId: env,
        users: [{ userName: 'ines', email: 'ines@example.com' }],
        groupIDs: [first],
      },
    });
    assert.equal(created.status, 200, created.text);
    const id = created.body.users[0].id as string;
    const put = await server().request('PUT', `/identity_/api/User/${id}`, {
      token,
      body: { groupIDsToAdd: [second, first], groupIDsToRemove: [first, second] },
    });
    assert.equal(put.status, 200, put.text);
    const found = await activitiesWhere(server(), env, `resources.id eq "${id}"`);
    const memberships = found.filter((a) => a.action.type.startsWith('MEMBER_OF_GROUP.'));
    assert.deepEqual(
      memberships.map((a) => [a.action.type, a.resources[0]?.id, a.resources[0]?.name]),
      [
        ['MEMBER_OF_GROUP.CREATED', first, 'Audit One'],
        ['MEMBER_OF_GROUP.DELETED', first, 'Audit One'],
        ['MEMBER_OF_GROUP.CREATED', second, 'Audit Two'],
        ['MEMBER_OF_GROUP.CREATED', first, 'Audit One'],
      ],
      'removals first, then additions; removing a group never joined records nothing',
    );
    for (const activity of memberships) assert.ok(activity.actors.client?.id, 'the UiPath app acted');
  });

  it('a user deleted through UiPath is gone from PingOne, and the other way round', async () => {
    const a = await bulkCreateOne(server(), token, env, { userName: 'pia' });
    assert.equal((await server().request('DELETE', `/identity_/api/User/${a.id}`, { token })).status, 204);
    assert.equal((await pingUser(a.id)).status, 404);
    const b = await bulkCreateOne(server(), token, env, { userName: 'quin' });
    assert.equal((await server().request('DELETE', `/v1/environments/${env}/users/${b.id}`)).status, 204);
    assert.equal((await uipathUser(b.id)).status, 404);
  });
});
