import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { assertContract } from '../support/contract.js';
import { describeStores } from '../support/harness.js';
import {
  createEnvironment,
  createPopulation,
  createUser,
  defaultPopulation,
  unique,
} from '../support/fixtures.js';

describeStores('nested groups (issue 12)', (server) => {
  let env: string;
  let pop: string;
  const groups = () => `/v1/environments/${env}/groups`;
  const parents = (child: string) => `${groups()}/${child}/memberOfGroups`;
  const memberships = (user: string) => `/v1/environments/${env}/users/${user}/memberOfGroups`;

  const newGroup = async (body: Record<string, unknown> = {}) => {
    const res = await server().request('POST', groups(), { body: { name: unique('group'), ...body } });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };
  const nest = (child: string, parent: string) =>
    server().request('POST', parents(child), { body: { id: parent } });
  const join = async (user: string, group: string) => {
    const res = await server().request('POST', memberships(user), { body: { id: group } });
    assert.equal(res.status, 201, res.text);
  };
  interface UserPage {
    _embedded: { users: Array<{ id: string }> };
    _links: { next?: { href: string } };
    size: number;
    count?: number;
  }
  const membersOf = async (group: string): Promise<UserPage> => {
    const filter = encodeURIComponent(`memberOfGroups[id eq "${group}"]`);
    const res = await server().request<UserPage>('GET', `/v1/environments/${env}/users?filter=${filter}`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  };

  before(async () => {
    env = await createEnvironment(server());
    pop = await defaultPopulation(server(), env);
  });

  it('nests a group: the URL group is the child, and its members show the parent as INDIRECT', async () => {
    const parent = await newGroup({ name: unique('Parent') });
    const child = await newGroup();
    const user = await createUser(server(), env, { username: unique('nested-user') });
    await join(user.id, child);

    const nested = await nest(child, parent);
    assert.equal(nested.status, 201, nested.text);
    assertContract('POST', parents(child), nested);
    assert.equal(nested.body.id, parent);
    assert.equal(nested.body.type, 'DIRECT');
    assert.equal(nested.headers.location, `http://tessera.test${parents(child)}/${parent}`);

    const list = await server().request('GET', parents(child));
    assert.equal(list.status, 200);
    assertContract('GET', parents(child), list);
    assert.equal(list.body.size, 1);
    assert.equal(list.body._embedded.groupMemberships[0].id, parent);
    const one = await server().request('GET', `${parents(child)}/${parent}`);
    assert.equal(one.status, 200);
    assertContract('GET', `${parents(child)}/${parent}`, one);
    assert.equal((await server().request('GET', parents(parent))).body.size, 0, 'direction: child -> parent');

    const views = await server().request('GET', memberships(user.id));
    const byId = new Map(
      views.body._embedded.groupMemberships.map((m: { id: string; type: string }) => [m.id, m.type]),
    );
    assert.equal(byId.get(child), 'DIRECT');
    assert.equal(byId.get(parent), 'INDIRECT');
    const indirect = await server().request('GET', `${memberships(user.id)}/${parent}`);
    assert.equal(indirect.status, 200);
    assert.equal(indirect.body.type, 'INDIRECT');
    const include = await server().request(
      'GET',
      `/v1/environments/${env}/users/${user.id}?include=memberOfGroupIDs,memberOfGroupNames`,
    );
    assert.deepEqual([...include.body.memberOfGroupIDs].sort(), [child, parent].sort());
    assert.equal(include.body.memberOfGroupNames.length, 2);
    assert.deepEqual(
      (await membersOf(parent))._embedded.users.map((u: { id: string }) => u.id),
      [user.id],
      'the memberOfGroups filter matches nested members',
    );

    const counts = await server().request('GET', `${groups()}/${parent}?include=totalMemberCounts`);
    assert.deepEqual(counts.body.directMemberCounts, { users: 0 });
    assert.deepEqual(counts.body.totalMemberCounts, { users: 1 });
    assert.equal((await server().request('GET', `${groups()}/${parent}`)).body.totalMemberCounts, undefined);

    const removeIndirect = await server().request('DELETE', `${memberships(user.id)}/${parent}`);
    assert.equal(removeIndirect.status, 400, 'only direct memberships can be removed');

    assert.equal((await server().request('DELETE', `${parents(child)}/${parent}`)).status, 204);
    assert.equal((await server().request('GET', `${parents(child)}/${parent}`)).status, 404);
    assert.equal((await server().request('DELETE', `${parents(child)}/${parent}`)).status, 404);
    assert.equal((await membersOf(parent))._embedded.users.length, 0);
    const after = await server().request('GET', memberships(user.id));
    assert.deepEqual(
      after.body._embedded.groupMemberships.map((m: { id: string }) => m.id),
      [child],
    );
  });

  it('allows cycles: A ⊃ B ⊃ C ⊃ A resolves each member once, whatever group they joined', async () => {
    const [a, b, c] = [await newGroup(), await newGroup(), await newGroup()];
    assert.equal((await nest(b, a)).status, 201);
    assert.equal((await nest(c, b)).status, 201);
    assert.equal((await nest(a, c)).status, 201, 'circular references are allowed');
    const inC = await createUser(server(), env, { username: unique('in-c') });
    const inA = await createUser(server(), env, { username: unique('in-a') });
    await join(inC.id, c);
    await join(inA.id, a);
    for (const group of [a, b, c]) {
      const ids = (await membersOf(group))._embedded.users.map((u: { id: string }) => u.id).sort();
      assert.deepEqual(ids, [inC.id, inA.id].sort());
      const counted = await server().request('GET', `${groups()}/${group}?include=totalMemberCounts`);
      assert.deepEqual(counted.body.totalMemberCounts, { users: 2 });
    }
    const views = await server().request('GET', memberships(inC.id));
    assert.deepEqual(
      views.body._embedded.groupMemberships.map((m: { id: string; type: string }) => [m.id, m.type]).sort(),
      [
        [a, 'INDIRECT'],
        [b, 'INDIRECT'],
        [c, 'DIRECT'],
      ].sort(),
    );
  });

  it('refuses an environment group inside a population group, self-nesting, duplicates and unknown groups', async () => {
    const popGroup = await newGroup({ population: { id: pop } });
    const envGroup = await newGroup();
    const refused = await nest(envGroup, popGroup);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.code, 'INVALID_DATA');
    assert.match(
      refused.body.details[0].message,
      /environment-level group cannot be nested inside a population/,
    );
    assert.equal(
      (await nest(popGroup, envGroup)).status,
      201,
      'a population group may go in an environment group',
    );
    const otherPopGroup = await newGroup({ population: { id: await createPopulation(server(), env) } });
    assert.equal((await nest(otherPopGroup, popGroup)).status, 400, "not into another population's group");
    assert.equal((await nest(envGroup, envGroup)).status, 400, 'not into itself');
    assert.equal((await nest(popGroup, envGroup)).status, 400, 'not twice');
    const unknown = await nest(envGroup, '00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.details[0].target, 'id');
    assert.equal(
      (await server().request('GET', parents('00000000-0000-4000-8000-000000000000'))).status,
      404,
    );
    const other = await createEnvironment(server());
    const foreign = await server().request('POST', `/v1/environments/${other}/groups`, {
      body: { name: 'x' },
    });
    assert.equal((await nest(envGroup, foreign.body.id)).status, 400, 'groups of another environment');
  });

  it('deleting a group removes its nestings both ways', async () => {
    const [top, middle, bottom] = [await newGroup(), await newGroup(), await newGroup()];
    await nest(middle, top);
    await nest(bottom, middle);
    const user = await createUser(server(), env, { username: unique('deep') });
    await join(user.id, bottom);
    assert.equal((await membersOf(top))._embedded.users.length, 1);
    assert.equal((await server().request('DELETE', `${groups()}/${middle}`)).status, 204);
    assert.equal((await server().request('GET', parents(bottom))).body.size, 0);
    assert.equal((await membersOf(top))._embedded.users.length, 0);
  });

  it('stays consistent under concurrent nesting and un-nesting', async () => {
    const hub = await newGroup();
    const children = await Promise.all(Array.from({ length: 8 }, () => newGroup()));
    const users = await Promise.all(
      children.map((_, i) => createUser(server(), env, { username: unique(`c${i}`) })),
    );
    await Promise.all(users.map((u, i) => join(u.id, children[i]!)));
    // Every child nested twice at once (one wins, one is a duplicate), and the hub into the
    // first child at the same time (a cycle), concurrently.
    const results = await Promise.all([
      ...children.flatMap((child) => [nest(child, hub), nest(child, hub)]),
      nest(hub, children[0]!),
    ]);
    const statuses = results.map((r) => r.status);
    assert.ok(
      statuses.every((s) => s === 201 || s === 400),
      statuses.join(),
    );
    assert.equal(statuses.filter((s) => s === 201).length, children.length + 1);
    assert.equal((await membersOf(hub))._embedded.users.length, users.length);
    // Un-nest half while nesting them into a second parent, concurrently.
    const second = await newGroup();
    const half = children.slice(0, 4);
    const mixed = await Promise.all([
      ...half.map((child) => server().request('DELETE', `${parents(child)}/${hub}`)),
      ...half.map((child) => nest(child, second)),
    ]);
    assert.deepEqual(
      mixed.map((r) => r.status),
      [...half.map(() => 204), ...half.map(() => 201)],
    );
    // The hub keeps the members of the four children still nested in it.
    const inHub = (await membersOf(hub))._embedded.users.map((u: { id: string }) => u.id).sort();
    assert.deepEqual(
      inHub,
      users
        .slice(4)
        .map((u) => u.id)
        .sort(),
    );
    // The second parent holds children 0-3, and through child 0 (which contains the hub) the
    // hub's members too: all eight.
    const counted = await server().request('GET', `${groups()}/${second}?include=totalMemberCounts`);
    assert.deepEqual(counted.body.totalMemberCounts, { users: 8 });
  });

  it('a memberOfGroups filter without limit returns all 121 members of a group (one maximal page)', async () => {
    const big = await newGroup();
    const environment = await server().services.environments.require(env);
    await server().services.store.transaction(async (trx) => {
      for (let i = 0; i < 121; i++) {
        const user = await server().services.users.insertWithin(trx, environment, {
          username: unique(`member-${i}`),
        });
        await server().services.groups.joinWithin(trx, undefined, environment, user, big); // the system
      }
    });
    const all = await membersOf(big);
    assert.equal(all.size, 121);
    assert.equal(all.count, 121);
    assert.equal(all._links.next, undefined);
    const groupsPage = await server().request('GET', groups());
    assert.equal(groupsPage.body._links.next, undefined, 'groups: no limit, one page below the cap');
  });
});
