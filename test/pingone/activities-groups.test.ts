import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

interface ActivityWire {
  correlationId?: string;
  actors: { client?: { id: string }; user?: { id: string } };
  action: { type: string };
  resources: Array<{ type: string; id: string; name?: string }>;
  result: { status: string; description: string };
}

async function activities(server: TestServer, env: string, filter: string): Promise<ActivityWire[]> {
  const res = await server.request('POST', `/v1/environments/${env}/activities`, { body: { filter } });
  assert.equal(res.status, 200, res.text);
  return res.body._embedded.activities as ActivityWire[];
}

/** The one activity the request answered by `res` recorded (found by its Correlation-Id). */
async function activityOf(server: TestServer, env: string, res: { headers: Record<string, unknown> }) {
  const correlationId = String(res.headers['correlation-id']);
  const found = await activities(server, env, `correlationId eq "${correlationId}"`);
  assert.equal(found.length, 1, `one activity for ${correlationId}`);
  assert.equal(found[0]!.correlationId, correlationId);
  assert.equal(found[0]!.actors.client?.id, BOOTSTRAP.clientId);
  return found[0]!;
}

describeStores('audit activities of groups and memberships', (server) => {
  it('records GROUP.CREATED, GROUP.UPDATED and GROUP.DELETED with the group as resource', async () => {
    const env = await createEnvironment(server());
    const groups = `/v1/environments/${env}/groups`;
    const name = unique('team');
    const created = await server().request('POST', groups, { body: { name } });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const createdActivity = await activityOf(server(), env, created);
    assert.equal(createdActivity.action.type, 'GROUP.CREATED');
    assert.deepEqual(
      createdActivity.resources.map((r) => [r.type, r.id, r.name]),
      [['GROUP', id, name]],
    );
    assert.equal(createdActivity.result.description, `Created Group ${name}`);
    const renamed = await server().request('PUT', `${groups}/${id}`, { body: { name: `${name}-2` } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal((await activityOf(server(), env, renamed)).action.type, 'GROUP.UPDATED');
    const deleted = await server().request('DELETE', `${groups}/${id}`);
    assert.equal(deleted.status, 204, deleted.text);
    assert.equal((await activityOf(server(), env, deleted)).action.type, 'GROUP.DELETED');
    assert.deepEqual(
      (await activities(server(), env, `resources.id eq "${id}"`)).map((a) => a.action.type),
      ['GROUP.CREATED', 'GROUP.UPDATED', 'GROUP.DELETED'],
    );
  });

  it('records MEMBER_OF_GROUP.CREATED/DELETED once per real change, naming the group and the user', async () => {
    const env = await createEnvironment(server());
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: unique('members') },
    });
    assert.equal(group.status, 201, group.text);
    const user = await createUser(server(), env, { username: unique('joiner') });
    const memberships = `/v1/environments/${env}/users/${user.id}/memberOfGroups`;
    const added = await server().request('POST', memberships, { body: { id: group.body.id } });
    assert.equal(added.status, 201, added.text);
    const addedActivity = await activityOf(server(), env, added);
    assert.equal(addedActivity.action.type, 'MEMBER_OF_GROUP.CREATED');
    assert.deepEqual(
      addedActivity.resources.map((r) => [r.type, r.id]),
      [
        ['MEMBER_OF_GROUP', group.body.id],
        ['USER', user.id],
      ],
    );
    assert.equal(addedActivity.result.description, `Created Member Of Group ${String(group.body.name)}`);
    // Adding again succeeds but changes nothing, so it records nothing.
    const again = await server().request('POST', memberships, { body: { id: group.body.id } });
    assert.ok(again.status === 200 || again.status === 201, again.text);
    const correlationId = String(again.headers['correlation-id']);
    assert.equal((await activities(server(), env, `correlationId eq "${correlationId}"`)).length, 0);
    const removed = await server().request('DELETE', `${memberships}/${String(group.body.id)}`);
    assert.equal(removed.status, 204, removed.text);
    assert.equal((await activityOf(server(), env, removed)).action.type, 'MEMBER_OF_GROUP.DELETED');
    assert.deepEqual(
      (await activities(server(), env, `resources.id eq "${user.id}"`)).map((a) => a.action.type),
      ['USER.CREATED', 'MEMBER_OF_GROUP.CREATED', 'MEMBER_OF_GROUP.DELETED'],
    );
  });

  it('records nesting and un-nesting as GROUP.UPDATED of the child naming the parent', async () => {
    const env = await createEnvironment(server());
    const groups = `/v1/environments/${env}/groups`;
    const parent = await server().request('POST', groups, { body: { name: unique('parent') } });
    const child = await server().request('POST', groups, { body: { name: unique('child') } });
    const nested = await server().request('POST', `${groups}/${child.body.id}/memberOfGroups`, {
      body: { id: parent.body.id },
    });
    assert.equal(nested.status, 201, nested.text);
    const nestedActivity = await activityOf(server(), env, nested);
    assert.equal(nestedActivity.action.type, 'GROUP.UPDATED');
    assert.deepEqual(
      nestedActivity.resources.map((r) => r.id),
      [child.body.id, parent.body.id],
    );
    assert.match(nestedActivity.result.description, /^Nested Group /);
    const unnested = await server().request(
      'DELETE',
      `${groups}/${child.body.id}/memberOfGroups/${parent.body.id}`,
    );
    assert.equal(unnested.status, 204, unnested.text);
    assert.match((await activityOf(server(), env, unnested)).result.description, /^Removed Group /);
  });

  it('records nothing when the change is refused', async () => {
    const env = await createEnvironment(server());
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: unique('dup') },
    });
    const duplicate = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: group.body.name },
    });
    assert.equal(duplicate.status, 400, duplicate.text);
    const correlationId = String(duplicate.headers['correlation-id']);
    assert.equal((await activities(server(), env, `correlationId eq "${correlationId}"`)).length, 0);
  });
});
