import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeStores, describeTwoPostgresServers, type TestServer } from '../support/harness.js';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';

/** Attributes PATCHed concurrently, one per request, including members of one nested object. */
const CHANGES: Array<Record<string, unknown>> = [
  { nickname: 'Nick' },
  { title: 'Title' },
  { locale: 'en-US' },
  { preferredLanguage: 'en' },
  { timezone: 'Europe/Paris' },
  { primaryPhone: '+3311111111' },
  { mobilePhone: '+3322222222' },
  { externalId: 'ext-42' },
  { accountId: 'acc-42' },
  { type: 'employee' },
  { name: { given: 'Given' } },
  { name: { family: 'Family' } },
  { name: { middle: 'Middle' } },
  { address: { locality: 'Lyon' } },
  { address: { countryCode: 'FR' } },
  { email: 'concurrent@example.com' },
];

function concurrencyTests(servers: () => [TestServer, TestServer]) {
  let env: string;
  before(async () => {
    env = await createEnvironment(servers()[0]);
  });

  it('concurrent PATCHes of different attributes lose no update', async () => {
    const [a, b] = servers();
    const user = await createUser(a, env, { username: unique('target') });
    const results = await Promise.all(
      CHANGES.map((body, i) =>
        (i % 2 === 0 ? a : b).request('PATCH', `/v1/environments/${env}/users/${user.id}`, { body }),
      ),
    );
    for (const res of results) assert.equal(res.status, 200, res.text);
    const final = (await b.request('GET', `/v1/environments/${env}/users/${user.id}`)).body;
    for (const change of CHANGES) {
      for (const [key, value] of Object.entries(change)) {
        if (typeof value === 'object' && value !== null) {
          for (const [member, memberValue] of Object.entries(value))
            assert.equal(final[key]?.[member], memberValue, `${key}.${member}`);
        } else {
          assert.equal(final[key], value, key);
        }
      }
    }
  });

  it('deleting a custom attribute while its users are PATCHed loses neither change', async () => {
    const [a, b] = servers();
    const schemas = await a.request('GET', `/v1/environments/${env}/schemas`);
    const attributes = `/v1/environments/${env}/schemas/${schemas.body._embedded.schemas[0].id}/attributes`;
    const attribute = await a.request('POST', attributes, {
      body: { name: unique('temp').replace(/-/g, '_') },
    });
    assert.equal(attribute.status, 201, attribute.text);
    const name: string = attribute.body.name;
    const targets = await Promise.all(
      [0, 1, 2, 3].map((i) => createUser(a, env, { username: unique('holder'), [name]: `v${i}` })),
    );
    const results = await Promise.all([
      b.request('DELETE', `${attributes}/${attribute.body.id}`),
      ...targets.map((t, i) =>
        (i % 2 === 0 ? a : b).request('PATCH', `/v1/environments/${env}/users/${t.id}`, {
          body: { nickname: `n${i}` },
        }),
      ),
    ]);
    assert.equal(results[0].status, 204, results[0].text);
    // The PATCHes do not mention the attribute, so they succeed before or after the deletion.
    for (const res of results.slice(1)) assert.equal(res.status, 200, res.text);
    for (const [i, t] of targets.entries()) {
      const user = (await a.request('GET', `/v1/environments/${env}/users/${t.id}`)).body;
      assert.equal(user.nickname, `n${i}`);
      assert.equal(user[name], undefined);
    }
  });

  it('concurrent creates of one username: exactly one succeeds, the others get UNIQUENESS_VIOLATION', async () => {
    const [a, b] = servers();
    const username = unique('race');
    const variants = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? username.toUpperCase() : username));
    const results = await Promise.all(
      variants.map((name, i) =>
        (i % 2 === 0 ? a : b).request('POST', `/v1/environments/${env}/users`, { body: { username: name } }),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    assert.equal(created.length, 1, results.map((r) => `${r.status} ${r.text}`).join('\n'));
    for (const res of results.filter((r) => r.status !== 201)) {
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.details[0].code, 'UNIQUENESS_VIOLATION');
      assert.equal(res.body.details[0].target, 'username');
    }
    const list = await a.request(
      'GET',
      `/v1/environments/${env}/users?filter=${encodeURIComponent(`username eq "${username}"`)}`,
    );
    assert.equal(list.body.size, 1);
  });
}

// One server per store: concurrent requests inside one process.
describeStores('users concurrency (one server)', (server) => concurrencyTests(() => [server(), server()]));

// Two Tessera servers sharing one PostgreSQL schema, as two processes behind a load balancer would.
describeTwoPostgresServers('users concurrency (two servers on one PostgreSQL schema)', (servers) =>
  concurrencyTests(servers),
);
