import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { collectionSchema } from '../../src/pingone/shared/schemas.js';
import { UserSchema } from '../../src/pingone/users/users.wire.js';
import { createEnvironment, createUser } from '../support/fixtures.js';
import { describeStores } from '../support/harness.js';
import { pw, STRONG } from './password-helpers.js';

/** What the route's schema serializer (fast-json-stringify, as Fastify compiles it) makes of a page. */
const schemaSerializer = SerializerSelector()({}, {})({
  schema: collectionSchema('users', UserSchema),
  method: 'GET',
  url: '',
  httpStatus: '200',
}) as (page: unknown) => string;

/**
 * List pages are written one user at a time into reused buffers (src/http/pooled-body.ts,
 * src/pingone-common/collection-body.ts): the bytes must be exactly what the page's schema
 * serializer gives, and each user exactly its `GET /users/{id}` body.
 */
describeStores('users list page bodies', (server) => {
  let env: string;
  const ids: string[] = [];
  const users = () => `/v1/environments/${env}/users`;

  before(async () => {
    env = await createEnvironment(server());
    const schemas = await server().request('GET', `/v1/environments/${env}/schemas`);
    const attributes = `/v1/environments/${env}/schemas/${schemas.body._embedded.schemas[0].id}/attributes`;
    for (const body of [
      { name: 'tier', type: 'STRING' },
      { name: 'prefs', type: 'JSON' },
      { name: 'skills', type: 'STRING', multiValued: true },
    ])
      assert.equal((await server().request('POST', attributes, { body })).status, 201);
    const bodies = [
      {
        username: 'zoë.müller',
        email: 'zoe@example.com',
        name: { given: 'Zoë', family: 'Müller', formatted: 'Zoë Müller', middle: 'Ä' },
        nickname: 'Zoë',
        title: 'Engineer',
        preferredLanguage: 'de',
        locale: 'de-DE',
        timezone: 'Europe/Berlin',
        mobilePhone: '+4911111111',
        primaryPhone: '+4922222222',
        externalId: 'ext-1',
        address: { streetAddress: 'Hauptstraße 1', locality: 'Köln', postalCode: '50667', countryCode: 'DE' },
        tier: 'gold "Q" \\ 🙂 \u2028',
        prefs: { theme: 'dark', nested: { a: [1, 2, null] } },
        skills: ['go', 'ts'],
      },
      { username: 'disabled.one', email: 'disabled@example.org' },
      { username: 'locked.account' },
      { username: 'locked.password', name: { given: 'Pat' } },
      { username: 'plain' },
    ];
    for (const body of bodies) ids.push((await createUser(server(), env, body)).id);
    const enabled = await server().request('PUT', `${users()}/${ids[1]}/enabled`, {
      body: { enabled: false },
    });
    assert.equal(enabled.status, 200, enabled.text);
    const lockedAt = new Date(server().clock.now() + 3_600_000).toISOString();
    const locked = await server().request('POST', `${users()}/${ids[2]}`, {
      body: { unlockAt: lockedAt },
      contentType: 'application/vnd.pingidentity.account.lock+json',
    });
    assert.equal(locked.status, 200, locked.text);
    const password = pw(server(), env, ids[3]!);
    assert.equal((await password.set(STRONG)).status, 200);
    for (let i = 0; i < 5; i += 1) await password.check(`wrong-${i}`);
    assert.equal((await password.get()).body.status, 'PASSWORD_LOCKED_OUT');
  });

  it('writes each user exactly as GET /users/{id} does, and the page as its schema serializer does', async () => {
    const page = await server().request('GET', `${users()}?limit=10`);
    assert.equal(page.status, 200, page.text);
    assert.match(String(page.headers['content-type']), /^application\/json; charset=utf-8$/);
    assert.equal(Number(page.headers['content-length']), Buffer.byteLength(page.text));
    assert.equal(page.text, schemaSerializer(page.body), 'the bytes the schema serializer gives');
    assert.equal(page.body.size, 5);
    assert.equal(page.body.count, 5);
    const texts = new Map<string, string>();
    for (const id of ids) texts.set(id, (await server().request('GET', `${users()}/${id}`)).text);
    assert.equal(
      page.text,
      `{"_links":${JSON.stringify(page.body._links)},"_embedded":{"users":[${ids.map((id) => texts.get(id)).join(',')}]},"size":5,"count":5}`,
    );
    const [full, disabled, accountLocked, passwordLocked] = page.body._embedded.users;
    assert.equal(full.tier, 'gold "Q" \\ 🙂 \u2028');
    assert.deepEqual(full.prefs, { theme: 'dark', nested: { a: [1, 2, null] } });
    assert.equal(full.name.family, 'Müller');
    assert.equal(disabled.enabled, false);
    assert.equal(disabled.account.canAuthenticate, false);
    assert.equal(accountLocked.account.status, 'LOCKED');
    assert.equal(accountLocked.account.secondsUntilUnlock, 3600);
    assert.equal(passwordLocked.account.status, 'OK');
    assert.equal(passwordLocked.account.canAuthenticate, false);
  });

  it('pages with a filter and _links.next (cursor in the links), byte-identical per page', async () => {
    const filter = encodeURIComponent('username sw "l"');
    const first = await server().request('GET', `${users()}?limit=1&filter=${filter}`);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.text, schemaSerializer(first.body));
    assert.equal(first.body._embedded.users[0].username, 'locked.account');
    const next = new URL(first.body._links.next.href);
    assert.equal(next.searchParams.get('limit'), '1');
    assert.equal(next.searchParams.get('filter'), 'username sw "l"');
    const second = await server().request('GET', next.pathname + next.search);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.text, schemaSerializer(second.body));
    assert.equal(second.body._embedded.users[0].username, 'locked.password');
    assert.equal(second.text.includes('"next"'), false);
  });

  it('keeps every body intact when many pages are in flight over real sockets at once', async () => {
    const base = await server().app.server.listen({ port: 0, host: '127.0.0.1' });
    const token = await server().adminToken();
    const paths = [
      `${users()}?limit=5`,
      `${users()}?limit=2`,
      `${users()}?limit=3&filter=username%20sw%20%22locked%22`,
    ];
    const expected = await Promise.all(paths.map(async (path) => (await server().request('GET', path)).text));
    const answers = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const response = await fetch(base + paths[i % paths.length], {
          headers: { authorization: `Bearer ${token}` },
        });
        return { i, text: await response.text() };
      }),
    );
    for (const { i, text } of answers) assert.equal(text, expected[i % paths.length], `request ${i}`);
  });
});
