import assert from 'node:assert/strict';
import { it } from 'node:test';
import { recordActivity } from '../../src/core/activities/activities.repository.js';
import {
  createEnvironment,
  createPopulation,
  createWorker,
  setPassword,
  createUser,
  defaultPopulation,
  ROLE_IDS,
  unique,
  workerToken,
} from '../support/fixtures.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

interface ActivityWire {
  id: string;
  recordedAt: string;
  correlationId?: string;
  actors: { client?: { id: string; type: string; name?: string }; user?: { id: string } };
  action: { type: string; description: string };
  resources: Array<{ type: string; id: string; name?: string; population?: { id: string } }>;
  result: { status: string; description: string };
  _links: { self: { href: string } };
}

async function activities(server: TestServer, env: string, filter: string, limit?: number) {
  const query = new URLSearchParams({ filter, ...(limit ? { limit: String(limit) } : {}) });
  const res = await server.request('GET', `/v1/environments/${env}/activities?${query.toString()}`);
  assert.equal(res.status, 200, res.text);
  return res.body._embedded.activities as ActivityWire[];
}

describeStores('audit activities', (server) => {
  it('records USER.CREATED and USER.UPDATED with the caller, the resource and the correlation id', async () => {
    const env = await createEnvironment(server());
    const population = await defaultPopulation(server(), env);
    const user = await createUser(server(), env, { username: unique('ada') });
    const patch = await server().request('PATCH', `/v1/environments/${env}/users/${user.id}`, {
      body: { nickname: 'Ada' },
    });
    assert.equal(patch.status, 200, patch.text);
    const found = await activities(server(), env, `resources.id eq "${user.id}"`);
    assert.deepEqual(
      found.map((a) => a.action.type),
      ['USER.CREATED', 'USER.UPDATED'],
    );
    const updated = found[1]!;
    assert.equal(updated.correlationId, patch.headers['correlation-id']);
    assert.equal(updated.actors.client?.id, BOOTSTRAP.clientId);
    assert.equal(updated.actors.client?.type, 'CLIENT');
    assert.equal(updated.action.description, 'User Updated');
    assert.equal(updated.result.status, 'SUCCESS');
    assert.match(updated.result.description, /Updated User ada/);
    assert.deepEqual(updated.resources[0]?.population, { id: population });
    assert.equal(updated.resources[0]?.type, 'USER');
    const one = await server().request('GET', updated._links.self.href.replace('http://tessera.test', ''));
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.id, updated.id);
  });

  it('filters by action type, correlation id, resource type, actor and recordedAt ranges', async () => {
    const env = await createEnvironment(server());
    const first = await createUser(server(), env, { username: unique('u') });
    const deleted = await server().request('DELETE', `/v1/environments/${env}/users/${first.id}`);
    assert.equal(deleted.status, 204);
    const byType = await activities(server(), env, 'action.type eq "USER.DELETED"');
    assert.deepEqual(
      byType.map((a) => a.resources[0]?.id),
      [first.id],
    );
    const byCorrelation = await activities(
      server(),
      env,
      `correlationId eq "${String(deleted.headers['correlation-id'])}"`,
    );
    assert.deepEqual(
      byCorrelation.map((a) => a.action.type),
      ['USER.DELETED'],
    );
    const byResourceType = await activities(server(), env, 'resources.type eq "USER"');
    assert.equal(byResourceType.length, 2);
    const byClient = await activities(
      server(),
      env,
      `actors.client.id eq "${BOOTSTRAP.clientId}" and action.type eq "USER.CREATED"`,
    );
    assert.equal(byClient.length, 1);
    const noneByClient = await activities(server(), env, 'actors.client.id eq "someone-else"');
    assert.equal(noneByClient.length, 0);
    // Time windows (PingOne's own example mixes the cases of attribute names and AND).
    const at = Date.parse(byType[0]!.recordedAt);
    const window = (from: number, to: number) =>
      `recordedAt ge "${new Date(from).toISOString()}" AND recordedat lt "${new Date(to).toISOString()}"`;
    assert.ok(
      (await activities(server(), env, window(at, at + 1))).some((a) => a.action.type === 'USER.DELETED'),
    );
    assert.equal((await activities(server(), env, window(at + 1, at + 60_000))).length, 0);
    assert.equal(
      (await activities(server(), env, `recordedAt gt "${new Date(at).toISOString()}"`)).filter(
        (a) => a.action.type === 'USER.DELETED',
      ).length,
      0,
    );
    assert.ok((await activities(server(), env, `recordedAt le "${new Date(at).toISOString()}"`)).length >= 2);
  });

  it('POST with the filter in the body answers the same, and pages follow _links.next', async () => {
    const env = await createEnvironment(server());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createUser(server(), env, { username: unique('p') })).id);
    const filter = 'action.type eq "USER.CREATED"';
    const posted = await server().request('POST', `/v1/environments/${env}/activities`, {
      body: { filter, limit: 2 },
    });
    assert.equal(posted.status, 200, posted.text);
    assert.equal(posted.body.size, 2);
    const seen = posted.body._embedded.activities.map((a: ActivityWire) => a.resources[0]!.id);
    const next = posted.body._links.next.href as string;
    const rest = await server().request('GET', next.replace('http://tessera.test', ''));
    assert.equal(rest.status, 200, rest.text);
    seen.push(...rest.body._embedded.activities.map((a: ActivityWire) => a.resources[0]!.id));
    assert.equal(rest.body._links.next, undefined);
    assert.deepEqual(seen, ids);
    const all = await server().request('GET', `/v1/environments/${env}/activities`);
    assert.equal(all.body.size, all.body._embedded.activities.length);
    assert.equal(all.body._links.next, undefined, 'no limit: one maximal page');
  });

  it('refuses unknown filter attributes, operators and bad instants with 400 INVALID_FILTER', async () => {
    const env = await createEnvironment(server());
    for (const filter of [
      'username eq "x"',
      'action.type sw "USER"',
      'recordedAt gt "yesterday"',
      'not parsable (',
    ]) {
      const res = await server().request(
        'GET',
        `/v1/environments/${env}/activities?filter=${encodeURIComponent(filter)}`,
      );
      assert.equal(res.status, 400, `${filter}: ${res.text}`);
      assert.equal(res.body.details[0].code, 'INVALID_FILTER');
    }
    const missing = await server().request('POST', `/v1/environments/${env}/activities`, { body: {} });
    assert.equal(missing.status, 400, missing.text);
  });

  it('lets environment-level readers see activities, and refuses population-scoped and unrelated roles', async () => {
    const env = BOOTSTRAP.environmentId;
    const reader = await workerToken(server(), ROLE_IDS.identityDataReadOnly, {
      id: env,
      type: 'ENVIRONMENT',
    });
    const ok = await server().request('GET', `/v1/environments/${env}/activities?limit=1`, { token: reader });
    assert.equal(ok.status, 200, ok.text);
    const developer = await workerToken(server(), ROLE_IDS.clientApplicationDeveloper, {
      id: env,
      type: 'ENVIRONMENT',
    });
    const refused = await server().request('GET', `/v1/environments/${env}/activities`, { token: developer });
    assert.equal(refused.status, 403, refused.text);
    const population = await defaultPopulation(server(), env);
    const scoped = await workerToken(server(), ROLE_IDS.identityDataAdmin, {
      id: population,
      type: 'POPULATION',
    });
    const refusedScoped = await server().request('GET', `/v1/environments/${env}/activities`, {
      token: scoped,
    });
    assert.equal(refusedScoped.status, 403, refusedScoped.text);
  });

  it('records population changes, and never a password or a client secret', async () => {
    const env = await createEnvironment(server());
    const population = await createPopulation(server(), env, unique('pop'));
    const renamed = await server().request('PUT', `/v1/environments/${env}/populations/${population}`, {
      body: { name: unique('renamed') },
    });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(
      (await server().request('DELETE', `/v1/environments/${env}/populations/${population}`)).status,
      204,
    );
    assert.deepEqual(
      (await activities(server(), env, `resources.id eq "${population}"`)).map((a) => a.action.type),
      ['POPULATION.CREATED', 'POPULATION.UPDATED', 'POPULATION.DELETED'],
    );
    const user = await createUser(server(), env, { username: unique('secretive') });
    const password = 'Very-Secret-Passw0rd!';
    await setPassword(server(), env, user.id, password);
    const worker = await createWorker(server(), env);
    const all = await server().request('GET', `/v1/environments/${env}/activities`);
    assert.equal(all.status, 200, all.text);
    assert.ok(all.body.size >= 4);
    assert.doesNotMatch(all.text, new RegExp(password));
    assert.doesNotMatch(all.text, new RegExp(worker.secret.replace(/[^A-Za-z0-9]/g, '.')));
    const stored = await server().services.store.db.selectFrom('activities').select('document').execute();
    for (const row of stored) {
      assert.doesNotMatch(row.document, new RegExp(password));
      assert.equal(row.document.includes(worker.secret), false);
    }
  });

  it('prunes activities older than the retention period on a scheduler pass', async () => {
    const env = await createEnvironment(server());
    const user = await createUser(server(), env, { username: unique('old') });
    const { services, clock } = server();
    // An activity recorded 15 days ago (the default retention is 14 days).
    await services.store.transaction((trx) =>
      recordActivity(trx, clock.now() - 15 * 86_400_000, {
        environmentId: env,
        type: 'USER.UPDATED',
        resources: [{ type: 'USER', id: user.id }],
      }),
    );
    const filter = `resources.id eq "${user.id}"`;
    assert.equal((await activities(server(), env, filter)).length, 2);
    clock.advance(61_000); // retention runs at most once a minute
    await services.scheduler.runOnce();
    assert.deepEqual(
      (await activities(server(), env, filter)).map((a) => a.action.type),
      ['USER.CREATED'],
    );
  });
});
