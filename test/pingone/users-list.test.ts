import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeStores } from '../support/harness.js';
import { createEnvironment, createPopulation, createUser } from '../support/fixtures.js';

describeStores('users list, filter and paging', (server) => {
  let env: string;
  let popB: string;
  let groupId: string;
  const ids: Record<string, string> = {};
  const users = () => `/v1/environments/${env}/users`;

  const names = async (filter: string) => {
    const res = await server().request('GET', `${users()}?filter=${encodeURIComponent(filter)}`);
    assert.equal(res.status, 200, `${filter}: ${res.text}`);
    return (res.body._embedded.users as Array<{ username: string }>).map((u) => u.username).sort();
  };

  before(async () => {
    env = await createEnvironment(server());
    popB = await createPopulation(server(), env);
    const fixtures = [
      {
        username: 'ann',
        email: 'ann@example.com',
        name: { given: 'Ann', family: 'Archer' },
        address: { locality: 'Oslo', countryCode: 'NO' },
        externalId: 'ext-1',
      },
      {
        username: 'bob',
        email: 'bob@example.org',
        name: { given: 'Bob', family: 'Baker' },
        title: 'Engineer',
        mobilePhone: '+4711111111',
      },
      {
        username: 'carl',
        email: 'carl@example.com',
        name: { given: 'Carl', family: 'Archer' },
        population: { id: popB },
        nickname: 'C%_',
      },
      {
        username: 'dora',
        email: 'dora@test.net',
        name: { given: 'Dora', family: 'Dunn' },
        locale: 'en-GB',
        timezone: 'Europe/Oslo',
      },
    ];
    for (const body of fixtures) ids[body.username] = (await createUser(server(), env, body)).id;
    await server().request('PUT', `${users()}/${ids.dora}/enabled`, { body: { enabled: false } });
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: 'Archers' },
    });
    groupId = group.body.id;
    for (const u of ['ann', 'carl']) {
      assert.equal(
        (await server().request('POST', `${users()}/${ids[u]}/memberOfGroups`, { body: { id: groupId } }))
          .status,
        201,
      );
    }
  });

  it('filters with eq, sw, ew and co on columns and profile attributes', async () => {
    assert.deepEqual(await names('username eq "ANN"'), ['ann'], 'eq is case-insensitive');
    assert.deepEqual(await names('username sw "b"'), ['bob']);
    assert.deepEqual(await names('email ew "example.com"'), ['ann', 'carl']);
    assert.deepEqual(await names('email co "@test"'), ['dora']);
    assert.deepEqual(await names('name.family eq "archer"'), ['ann', 'carl']);
    assert.deepEqual(await names('name.given sw "Do"'), ['dora']);
    assert.deepEqual(await names('address.locality eq "Oslo"'), ['ann']);
    assert.deepEqual(await names('address.countryCode eq "NO"'), ['ann']);
    assert.deepEqual(await names('title co "gine"'), ['bob']);
    assert.deepEqual(await names('mobilePhone sw "+47"'), ['bob']);
    assert.deepEqual(await names('externalId eq "ext-1"'), ['ann']);
    assert.deepEqual(await names('locale eq "en-GB"'), ['dora']);
    assert.deepEqual(await names('timezone eq "Europe/Oslo"'), ['dora']);
    assert.deepEqual(await names(`population.id eq "${popB}"`), ['carl']);
    assert.deepEqual(await names('enabled eq false'), ['dora']);
    assert.deepEqual(await names('enabled eq true'), ['ann', 'bob', 'carl']);
    assert.deepEqual(await names('nickname co "%_"'), ['carl'], 'LIKE wildcards match literally');
    assert.deepEqual(await names('nickname co "%"'), ['carl']);
    assert.deepEqual(await names('username co "%"'), []);
  });

  it('combines with and, or, parentheses and memberOfGroups[id eq]', async () => {
    assert.deepEqual(await names('name.family eq "Archer" and email ew ".com"'), ['ann', 'carl']);
    assert.deepEqual(await names('username eq "ann" or username eq "dora"'), ['ann', 'dora']);
    assert.deepEqual(await names('(username eq "ann" or username eq "bob") and email ew ".org"'), ['bob']);
    assert.deepEqual(await names('username eq "ann" or (username eq "bob" and email ew ".com")'), ['ann']);
    assert.deepEqual(await names(`memberOfGroups[id eq "${groupId}"]`), ['ann', 'carl']);
    assert.deepEqual(await names(`memberOfGroups[id eq "${groupId}"] and name.given eq "carl"`), ['carl']);
    assert.deepEqual(await names(`memberOfGroups[id eq "${groupId}"] or username eq "bob"`), [
      'ann',
      'bob',
      'carl',
    ]);
  });

  it('refuses unsupported filters with 400 INVALID_DATA / INVALID_FILTER', async () => {
    for (const filter of [
      'username ne "ann"',
      'username pr',
      'username gt "a"',
      'not (username eq "ann")',
      'identityProvider.type eq "PING_ONE"',
      'password eq "x"',
      'population.id sw "a"',
      'favourite eq "x"',
      'memberOfGroups[name eq "Archers"]',
      'username eq',
      '((',
    ]) {
      const res = await server().request('GET', `${users()}?filter=${encodeURIComponent(filter)}`);
      assert.equal(res.status, 400, filter);
      assert.equal(res.body.code, 'INVALID_DATA', filter);
      assert.equal(res.body.details[0].code, 'INVALID_FILTER', filter);
    }
  });

  it('pages with limit and _links.next, keyset-stable under concurrent inserts', async () => {
    const first = await server().request('GET', `${users()}?limit=2`);
    assert.equal(first.status, 200);
    assert.equal(first.body.size, 2);
    assert.equal(first.body.count, 4);
    assert.ok(first.body._links.next.href.includes('cursor='));
    assert.ok(first.body._links.next.href.includes('limit=2'));
    assert.equal(first.body._links.self.href, `http://tessera.test${users()}?limit=2`);
    // Users created while paging come after every existing one (ids are time-ordered).
    await createUser(server(), env, { username: 'eve' });
    await createUser(server(), env, { username: 'aaron' });
    const seen: string[] = first.body._embedded.users.map((u: { username: string }) => u.username);
    let next: string | undefined = first.body._links.next.href;
    while (next) {
      const page = await server().request('GET', next.replace('http://tessera.test', ''));
      assert.equal(page.status, 200, page.text);
      seen.push(...page.body._embedded.users.map((u: { username: string }) => u.username));
      next = page.body._links.next?.href;
    }
    assert.deepEqual(
      seen,
      ['ann', 'bob', 'carl', 'dora', 'eve', 'aaron'],
      'no duplicates, no gaps, creation order',
    );

    const filtered = await server().request(
      'GET',
      `${users()}?limit=1&filter=${encodeURIComponent('email ew ".com"')}`,
    );
    assert.equal(filtered.body.count, 2);
    assert.ok(filtered.body._links.next.href.includes('filter='));
    const last = await server().request(
      'GET',
      filtered.body._links.next.href.replace('http://tessera.test', ''),
    );
    assert.deepEqual(
      last.body._embedded.users.map((u: { username: string }) => u.username),
      ['carl'],
    );
    assert.equal(last.body._links.next, undefined, 'no next link on the last page');
  });

  it('caps pages at 200 users whatever the limit, and pages through the rest', async () => {
    // Fixture rows through the core in one transaction (fast); the assertions are over HTTP.
    const bulkEnv = await createEnvironment(server());
    const { services } = server();
    const environment = await services.environments.require(bulkEnv);
    await services.store.transaction(async (trx) => {
      for (let i = 0; i < 205; i++) {
        await services.users.insertWithin(trx, environment, {
          username: `bulk-${String(i).padStart(3, '0')}`,
        });
      }
    });
    const first = await server().request('GET', `/v1/environments/${bulkEnv}/users?limit=1000`);
    assert.equal(first.status, 200);
    assert.equal(first.body.size, 200);
    assert.equal(first.body.count, 205);
    const second = await server().request(
      'GET',
      first.body._links.next.href.replace('http://tessera.test', ''),
    );
    assert.equal(second.body.size, 5);
    assert.equal(second.body._embedded.users[4].username, 'bulk-204');
    assert.equal(second.body._links.next, undefined);
    const small = await server().request('GET', `/v1/environments/${bulkEnv}/users`);
    // Issue 12: no `limit` means one maximal page (the users cap of 200), not 100.
    assert.equal(small.body.size, 200, 'no limit: one maximal page');
    assert.ok(small.body._links.next, 'more rows than the cap: a next link');
  });

  it('bounds limit (1-1000) and rejects bad cursors', async () => {
    assert.equal((await server().request('GET', `${users()}?limit=0`)).status, 400);
    assert.equal((await server().request('GET', `${users()}?limit=1001`)).status, 400);
    assert.equal((await server().request('GET', `${users()}?limit=1000`)).status, 200);
    assert.equal((await server().request('GET', `${users()}?cursor=nonsense`)).status, 400);
  });
});
