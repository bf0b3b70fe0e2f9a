import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createEnvironment, createPopulation, createUser, setPassword, unique } from '../support/fixtures.js';
import { describeStores } from '../support/harness.js';

/** Issue 12 item 6: every `_links` rel Tessera emits resolves (GET answers 200). */
describeStores('every emitted _links href resolves', (server) => {
  let env: string;
  const base = () => `/v1/environments/${env}`;

  before(async () => {
    env = await createEnvironment(server());
  });

  async function followAll(label: string, path: string): Promise<string[]> {
    const read = await server().request('GET', path);
    assert.equal(read.status, 200, `${label}: ${read.text}`);
    const links = read.body._links as Record<string, { href: string }>;
    assert.ok(Object.keys(links).length > 1, `${label} has links`);
    for (const [rel, { href }] of Object.entries(links)) {
      assert.ok(href.startsWith('http://tessera.test/v1/'), `${label} ${rel}: ${href}`);
      const followed = await server().request('GET', href.replace('http://tessera.test', ''));
      assert.equal(
        followed.status,
        200,
        `${label} rel ${rel} (${href}): ${followed.status} ${followed.text}`,
      );
    }
    return Object.keys(links);
  }

  it('follows the links of a user, a group, a population, an application and an environment', async () => {
    const population = await createPopulation(server(), env);
    const user = await createUser(server(), env, {
      username: unique('linked'),
      population: { id: population },
    });
    await setPassword(server(), env, user.id, 'Correct-Horse-9-battery!');
    const group = await server().request('POST', `${base()}/groups`, {
      body: { name: unique('group'), population: { id: population } },
    });
    const app = await server().request('POST', `${base()}/applications`, {
      body: { name: unique('worker'), type: 'WORKER' },
    });
    assert.equal(app.status, 201, app.text);

    const userRels = await followAll('user', `${base()}/users/${user.id}`);
    for (const rel of ['roleAssignments', 'linkedAccounts', 'memberOfGroups', 'password', 'population'])
      assert.ok(userRels.includes(rel), `user rel ${rel}`);
    assert.ok(!userRels.includes('devices'), 'devices: not emitted (Tessera has no MFA devices)');
    const groupRels = await followAll('group', `${base()}/groups/${group.body.id}`);
    assert.ok(groupRels.includes('roleAssignments') && groupRels.includes('memberOfGroups'));
    await followAll('population', `${base()}/populations/${population}`);
    await followAll('application', `${base()}/applications/${app.body.id}`);
    await followAll('environment', base());
  });

  it('linkedAccounts is an honest empty collection', async () => {
    const user = await createUser(server(), env, { username: unique('unlinked') });
    const linked = await server().request('GET', `${base()}/users/${user.id}/linkedAccounts`);
    assert.equal(linked.status, 200);
    assert.deepEqual(linked.body._embedded, { linkedAccounts: [] });
    assert.equal(linked.body.size, 0);
    const one = `${base()}/users/${user.id}/linkedAccounts/00000000-0000-4000-8000-000000000000`;
    assert.equal((await server().request('GET', one)).status, 404);
    assert.equal((await server().request('DELETE', one)).status, 404);
    const unknownUser = `${base()}/users/00000000-0000-4000-8000-000000000000/linkedAccounts`;
    assert.equal((await server().request('GET', unknownUser)).status, 404);
  });
});
