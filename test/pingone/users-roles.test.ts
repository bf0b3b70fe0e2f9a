import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeStores } from '../support/harness.js';
import {
  createEnvironment,
  createPopulation,
  createUser,
  ROLE_IDS,
  workerToken,
} from '../support/fixtures.js';

describeStores('users: role and population scope rules', (server) => {
  let env: string;
  let popA: string;
  let popB: string;
  let userA: { id: string };
  let userB: { id: string };
  const users = () => `/v1/environments/${env}/users`;

  before(async () => {
    env = await createEnvironment(server());
    popA = await createPopulation(server(), env);
    popB = await createPopulation(server(), env);
    userA = await createUser(server(), env, { username: 'in-a', population: { id: popA } });
    userB = await createUser(server(), env, { username: 'in-b', population: { id: popB } });
  });

  it('Identity Data Read Only reads and lists but cannot write (403 ACCESS_FAILED)', async () => {
    const token = await workerToken(server(), ROLE_IDS.identityDataReadOnly, {
      id: env,
      type: 'ENVIRONMENT',
    });
    assert.equal((await server().request('GET', `${users()}/${userA.id}`, { token })).status, 200);
    const list = await server().request('GET', users(), { token });
    assert.equal(list.status, 200);
    assert.equal(list.body.size, 2);
    assert.equal((await server().request('GET', `${users()}/${userA.id}/enabled`, { token })).status, 200);
    assert.equal(
      (await server().request('GET', `${users()}/${userA.id}/memberOfGroups`, { token })).status,
      200,
    );

    const refused: Array<[string, string, unknown, string?]> = [
      ['POST', users(), { username: 'nope' }],
      ['PUT', `${users()}/${userA.id}`, { username: 'in-a', nickname: 'x' }],
      ['PATCH', `${users()}/${userA.id}`, { photo: { href: 'https://example.com/p.png' } }],
      ['PATCH', `${users()}/${userA.id}`, {}],
      ['DELETE', `${users()}/${userA.id}`, undefined],
      ['PUT', `${users()}/${userA.id}/enabled`, { enabled: false }],
      ['PUT', `${users()}/${userA.id}/mfaEnabled`, { mfaEnabled: true }],
      ['PUT', `${users()}/${userA.id}/population`, { id: popB }],
      ['POST', `${users()}/${userA.id}`, {}, 'application/vnd.pingidentity.account.lock+json'],
    ];
    for (const [method, path, body, contentType] of refused) {
      const res = await server().request(method, path, { token, body, contentType });
      assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
      assert.equal(res.body.code, 'ACCESS_FAILED');
      assert.equal(
        res.body.message,
        'The request could not be completed. You do not have access to this resource.',
      );
    }
    const after = await server().request('GET', `${users()}/${userA.id}`);
    assert.equal(after.body.photo, undefined, 'nothing was written');
    assert.equal(after.body.enabled, true);
  });

  it('a population-scoped Identity Data Admin sees and changes only its population', async () => {
    const token = await workerToken(server(), ROLE_IDS.identityDataAdmin, { id: popA, type: 'POPULATION' });
    const list = await server().request('GET', users(), { token });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body._embedded.users.map((u: { id: string }) => u.id),
      [userA.id],
    );
    assert.equal(list.body.count, 1);
    const filtered = await server().request(
      'GET',
      `${users()}?filter=${encodeURIComponent('username sw "in-"')}`,
      { token },
    );
    assert.deepEqual(
      filtered.body._embedded.users.map((u: { id: string }) => u.id),
      [userA.id],
    );

    assert.equal((await server().request('GET', `${users()}/${userA.id}`, { token })).status, 200);
    const patched = await server().request('PATCH', `${users()}/${userA.id}`, {
      token,
      body: { nickname: 'A' },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.nickname, 'A');
    const created = await server().request('POST', users(), {
      token,
      body: { username: 'new-in-a', population: { id: popA } },
    });
    assert.equal(created.status, 201, created.text);

    for (const [method, path, body] of [
      ['GET', `${users()}/${userB.id}`, undefined],
      ['PATCH', `${users()}/${userB.id}`, { nickname: 'B' }],
      ['PUT', `${users()}/${userB.id}`, { username: 'in-b' }],
      ['DELETE', `${users()}/${userB.id}`, undefined],
      ['POST', users(), { username: 'new-in-b', population: { id: popB } }],
      ['POST', users(), { username: 'new-in-default' }],
      ['PUT', `${users()}/${userA.id}/population`, { id: popB }],
      ['PUT', `${users()}/${userB.id}/population`, { id: popA }],
    ] as const) {
      const res = await server().request(method, path, { token, body });
      assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
    }
    assert.equal((await server().request('GET', `${users()}/${userB.id}`)).body.nickname, undefined);

    // Usernames are unique across populations, including ones the caller cannot see.
    const dup = await server().request('POST', users(), {
      token,
      body: { username: 'IN-B', population: { id: popA } },
    });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.details[0].code, 'UNIQUENESS_VIOLATION');
  });

  it('a worker with rights in another environment only gets 403 here', async () => {
    const elsewhere = await createEnvironment(server());
    const token = await workerToken(server(), ROLE_IDS.identityDataAdmin, {
      id: elsewhere,
      type: 'ENVIRONMENT',
    });
    assert.equal((await server().request('GET', users(), { token })).status, 403);
    assert.equal((await server().request('GET', `${users()}/${userA.id}`, { token })).status, 403);
    assert.equal(
      (await server().request('GET', `/v1/environments/${elsewhere}/users`, { token })).status,
      200,
    );
  });
});
