import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeStores } from '../support/harness.js';
import {
  createEnvironment,
  createPopulation,
  createUser,
  defaultPopulation,
  ROLE_IDS,
  workerToken,
} from '../support/fixtures.js';

describeStores('groups and memberships', (server) => {
  let env: string;
  let pop: string;
  const groups = () => `/v1/environments/${env}/groups`;
  const memberships = (userId: string) => `/v1/environments/${env}/users/${userId}/memberOfGroups`;

  before(async () => {
    env = await createEnvironment(server());
    pop = await defaultPopulation(server(), env);
  });

  it('creates, reads, lists, replaces and deletes a group', async () => {
    const created = await server().request('POST', groups(), {
      body: {
        name: 'Engineers',
        description: 'All engineers',
        externalId: 'ext-eng',
        customData: { cost: 42 },
      },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.location, created.body._links.self.href);
    assert.equal(created.body.name, 'Engineers');
    assert.equal(created.body.displayName, 'Engineers');
    assert.deepEqual(created.body.customData, { cost: 42 });
    assert.deepEqual(created.body.directMemberCounts, { users: 0 });
    assert.deepEqual(created.body.environment, { id: env });

    const read = await server().request('GET', `${groups()}/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.externalId, 'ext-eng');

    const popGroup = await server().request('POST', groups(), {
      body: { name: 'Population group', population: { id: pop } },
    });
    assert.equal(popGroup.status, 201, popGroup.text);
    assert.deepEqual(popGroup.body.population, { id: pop });

    const list = await server().request('GET', `${groups()}?filter=${encodeURIComponent('name sw "eng"')}`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body._embedded.groups.map((g: { id: string }) => g.id),
      [created.body.id],
    );
    const byPopulation = await server().request(
      'GET',
      `${groups()}?filter=${encodeURIComponent(`population.id eq "${pop}"`)}`,
    );
    assert.deepEqual(
      byPopulation.body._embedded.groups.map((g: { id: string }) => g.id),
      [popGroup.body.id],
    );
    assert.equal(
      (await server().request('GET', `${groups()}?filter=${encodeURIComponent('description eq "x"')}`))
        .status,
      400,
    );

    const replaced = await server().request('PUT', `${groups()}/${created.body.id}`, {
      body: { name: 'Engineering' },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.name, 'Engineering');
    assert.equal(replaced.body.description, undefined, 'PUT clears omitted attributes');
    assert.equal(replaced.body.customData, undefined);

    const move = await server().request('PUT', `${groups()}/${popGroup.body.id}`, {
      body: { name: 'Population group', population: { id: await createPopulation(server(), env) } },
    });
    assert.equal(move.status, 400);

    assert.equal((await server().request('DELETE', `${groups()}/${created.body.id}`)).status, 204);
    assert.equal((await server().request('GET', `${groups()}/${created.body.id}`)).status, 404);
  });

  it('keeps group names unique per environment (case-insensitive)', async () => {
    assert.equal((await server().request('POST', groups(), { body: { name: 'Unique Group' } })).status, 201);
    const dup = await server().request('POST', groups(), { body: { name: 'unique group' } });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.details[0].code, 'UNIQUENESS_VIOLATION');
    assert.equal(dup.body.details[0].target, 'name');
    const missing = await server().request('POST', groups(), { body: { description: 'no name' } });
    assert.equal(missing.status, 400);
  });

  it('adds, lists, reads and removes memberships', async () => {
    const user = await createUser(server(), env, { username: 'member' });
    const group = await server().request('POST', groups(), { body: { name: 'Members' } });
    const added = await server().request('POST', memberships(user.id), { body: { id: group.body.id } });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.id, group.body.id);
    assert.equal(added.body.name, 'Members');
    assert.equal(added.body.type, 'DIRECT');
    assert.equal(added.headers.location, `http://tessera.test${memberships(user.id)}/${group.body.id}`);
    const again = await server().request('POST', memberships(user.id), { body: { id: group.body.id } });
    assert.equal(again.status, 201, 'adding an existing membership is idempotent');

    const list = await server().request('GET', memberships(user.id));
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body._embedded.groupMemberships.map((m: { id: string }) => m.id),
      [group.body.id],
    );
    assert.equal(list.body.size, 1);
    assert.equal((await server().request('GET', `${memberships(user.id)}/${group.body.id}`)).status, 200);
    assert.equal(
      (await server().request('GET', `${groups()}/${group.body.id}`)).body.directMemberCounts.users,
      1,
    );

    assert.equal((await server().request('DELETE', `${memberships(user.id)}/${group.body.id}`)).status, 204);
    assert.equal((await server().request('DELETE', `${memberships(user.id)}/${group.body.id}`)).status, 404);
    assert.equal((await server().request('GET', memberships(user.id))).body.size, 0);

    const unknownGroup = await server().request('POST', memberships(user.id), {
      body: { id: '7b3c5a5e-0000-4000-8000-000000000000' },
    });
    assert.equal(unknownGroup.status, 400);
    const unknownUser = await server().request('POST', memberships('7b3c5a5e-0000-4000-8000-000000000000'), {
      body: { id: group.body.id },
    });
    assert.equal(unknownUser.status, 404);
  });

  it('population groups accept only users of their population; deleting a group ends memberships', async () => {
    const other = await createPopulation(server(), env);
    const outsider = await createUser(server(), env, { username: 'outsider', population: { id: other } });
    const group = await server().request('POST', groups(), {
      body: { name: 'Default people', population: { id: pop } },
    });
    const refused = await server().request('POST', memberships(outsider.id), { body: { id: group.body.id } });
    assert.equal(refused.status, 400);

    const insider = await createUser(server(), env, { username: 'insider' });
    assert.equal(
      (await server().request('POST', memberships(insider.id), { body: { id: group.body.id } })).status,
      201,
    );
    assert.equal((await server().request('DELETE', `${groups()}/${group.body.id}`)).status, 204);
    assert.equal((await server().request('GET', memberships(insider.id))).body.size, 0);
  });

  it('Identity Data Read Only reads groups but cannot change them or memberships', async () => {
    const token = await workerToken(server(), ROLE_IDS.identityDataReadOnly, {
      id: env,
      type: 'ENVIRONMENT',
    });
    const group = await server().request('POST', groups(), { body: { name: 'Read only test' } });
    const user = await createUser(server(), env, { username: 'ro-member' });
    assert.equal((await server().request('GET', `${groups()}/${group.body.id}`, { token })).status, 200);
    assert.equal((await server().request('GET', groups(), { token })).status, 200);
    assert.equal((await server().request('POST', groups(), { token, body: { name: 'x' } })).status, 403);
    assert.equal(
      (await server().request('PUT', `${groups()}/${group.body.id}`, { token, body: { name: 'x' } })).status,
      403,
    );
    assert.equal((await server().request('DELETE', `${groups()}/${group.body.id}`, { token })).status, 403);
    assert.equal(
      (await server().request('POST', memberships(user.id), { token, body: { id: group.body.id } })).status,
      403,
    );
  });

  it('isolates environments', async () => {
    const group = await server().request('POST', groups(), { body: { name: 'Isolated group' } });
    const other = await createEnvironment(server());
    assert.equal(
      (await server().request('GET', `/v1/environments/${other}/groups/${group.body.id}`)).status,
      404,
    );
    const stranger = await createUser(server(), other, { username: 'stranger' });
    const cross = await server().request(
      'POST',
      `/v1/environments/${other}/users/${stranger.id}/memberOfGroups`,
      {
        body: { id: group.body.id },
      },
    );
    assert.equal(cross.status, 400, 'a group of another environment does not exist here');
  });
});
