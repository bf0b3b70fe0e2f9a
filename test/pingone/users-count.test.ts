import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { compileFilter, parseFilter } from '../../src/core/shared/filter.js';
import {
  USER_MEMBER_FILTERS,
  userFilterCapabilities,
  userFilterCompiler,
} from '../../src/core/users/user-filter.js';
import { countUsersUpTo, listUserPage } from '../../src/core/users/users-list.repository.js';
import { createEnvironment, createUser } from '../support/fixtures.js';
import { describeStores } from '../support/harness.js';

/**
 * A user list's `count` (docs/users.md, Paging): exact up to a bound and absent beyond it, so no
 * page counts a million matches; a first page that holds every match counts itself. Group member
 * lists stay small, and a sync client reads their `count` and expects every member on the first
 * page of a list without `limit` (reference directory-more §1.6).
 */
describeStores('user list count', (server) => {
  let env: string;
  let groupId: string;
  const list = async (query: string) => {
    const res = await server().request('GET', `/v1/environments/${env}/users?${query}`);
    assert.equal(res.status, 200, res.text);
    return res.body as { count?: number; size: number; _links: { next?: { href: string } } };
  };
  const filterQuery = (filter: string) => {
    const { store } = server().services;
    const node = parseFilter(filter, userFilterCapabilities([]), USER_MEMBER_FILTERS)!;
    return { environmentId: env, where: compileFilter(node, userFilterCompiler(store.dialect)) };
  };

  before(async () => {
    env = await createEnvironment(server());
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await createUser(server(), env, { username: `counted${i}` })).id);
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: 'Counted' },
    });
    groupId = group.body.id;
    for (const id of ids.slice(0, 3))
      await server().request('POST', `/v1/environments/${env}/users/${id}/memberOfGroups`, {
        body: { id: groupId },
      });
  });

  it('gives a group member list without limit every member and an exact count', async () => {
    const body = await list(`filter=${encodeURIComponent(`memberOfGroups[id eq "${groupId}"]`)}`);
    assert.equal(body.count, 3);
    assert.equal(body.size, 3);
    assert.equal(body._links.next, undefined);
  });

  it('keeps the count exact on every page below the bound', async () => {
    const filter = encodeURIComponent('username sw "counted"');
    const first = await list(`limit=2&filter=${filter}`);
    assert.equal(first.count, 5);
    assert.equal(first.size, 2);
    const next = new URL(first._links.next!.href);
    const second = await list(next.searchParams.toString());
    assert.equal(second.count, 5);
    assert.equal(second.size, 2);
  });

  it('keeps a count for a while, and drops it at once on this process’s writes (user-lister.ts)', async () => {
    const filter = encodeURIComponent('username sw "counted"');
    assert.equal((await list(`limit=2&filter=${filter}`)).count, 5);
    const extra = await createUser(server(), env, { username: 'counted-extra' });
    assert.equal((await list(`limit=2&filter=${filter}`)).count, 6);
    const members = encodeURIComponent(`memberOfGroups[id eq "${groupId}"]`);
    assert.equal((await list(`limit=1&filter=${members}`)).count, 3);
    await server().request('POST', `/v1/environments/${env}/users/${extra.id}/memberOfGroups`, {
      body: { id: groupId },
    });
    assert.equal((await list(`limit=1&filter=${members}`)).count, 4);
    const removed = await server().request('DELETE', `/v1/environments/${env}/users/${extra.id}`);
    assert.equal(removed.status, 204);
    assert.equal((await list(`limit=1&filter=${members}`)).count, 3);
    assert.equal((await list(`limit=2&filter=${filter}`)).count, 5);
  });

  it('leaves count out when more users match than the bound', async () => {
    const db = server().services.store.readDb;
    const query = filterQuery('username sw "counted"');
    assert.equal(await countUsersUpTo(db, query, 5), 5);
    assert.equal(await countUsersUpTo(db, query, 4), undefined);
    const capped = await listUserPage(db, query, undefined, 2, Date.now(), { countLimit: 4 });
    assert.equal(capped.items.length, 2);
    assert.equal(capped.count, undefined);
    assert.ok(capped.nextCursor);
    // Listed users keep the stored profile text only: parsing each page's profiles was a tenth of
    // its main-thread work, and the page writer copies the text.
    assert.equal('profile' in capped.items[0]!, false);
    assert.equal(typeof capped.items[0]!.storedProfile, 'string');
    // A first page holding every match counts itself, whatever the bound.
    const whole = await listUserPage(db, query, undefined, 10, Date.now(), { countLimit: 1 });
    assert.equal(whole.count, 5);
  });
});
