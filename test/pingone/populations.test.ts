import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { createEnvironment } from '../support/fixtures.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

async function createPopulation(server: TestServer, env: string, body: Record<string, unknown>) {
  const created = await server.request('POST', `/v1/environments/${env}/populations`, { body });
  assert.equal(created.status, 201, created.text);
  return created.body as { id: string; name: string; default: boolean };
}

/** A user row created through the core (the users API is tested elsewhere). */
async function insertUser(server: TestServer, env: string, populationId: string) {
  const { services } = server;
  await services.store.transaction(async (trx) => {
    const environment = await services.environments.require(env, trx);
    await services.users.insertWithin(trx, environment, { username: `u-${randomUUID()}`, populationId });
  });
}

/** A password policy row written directly (its API belongs to the password policies feature). */
async function insertPolicy(server: TestServer, env: string): Promise<string> {
  const id = randomUUID();
  const now = server.clock.now();
  await server.services.store.db
    .insertInto('password_policies')
    .values({
      id,
      environment_id: env,
      name: `Policy ${id}`,
      is_default: false,
      document: '{}',
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

describeStores('populations', (server) => {
  it('creates, reads, replaces and deletes a population', async () => {
    const env = await createEnvironment(server());
    const base = `/v1/environments/${env}/populations`;
    const created = await server().request('POST', base, {
      body: { name: 'Contractors', description: 'External staff' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.equal(created.headers.location, `http://tessera.test${base}/${id}`);
    assert.equal(created.body._links.self.href, created.headers.location);
    assert.equal(created.body._links.environment.href, `http://tessera.test/v1/environments/${env}`);
    assert.equal(created.body.environment.id, env);
    assert.equal(created.body.default, false);
    assert.equal(created.body.userCount, 0);
    assert.match(created.body.createdAt as string, /^\d{4}-\d\d-\d\dT/);

    const read = await server().request('GET', `${base}/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.description, 'External staff');

    const replaced = await server().request('PUT', `${base}/${id}`, { body: { name: 'Vendors' } });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.name, 'Vendors');
    assert.equal(replaced.body.description, undefined, 'PUT replaces: an omitted description is cleared');

    const deleted = await server().request('DELETE', `${base}/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    const gone = await server().request('GET', `${base}/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, 'NOT_FOUND');
    assert.equal((await server().request('PUT', `${base}/${id}`, { body: { name: 'x' } })).status, 404);
    assert.equal((await server().request('DELETE', `${base}/${id}`)).status, 404);
  });

  it('refuses a duplicate name and invalid bodies', async () => {
    const env = await createEnvironment(server());
    const base = `/v1/environments/${env}/populations`;
    await createPopulation(server(), env, { name: 'Unique' });
    const duplicate = await server().request('POST', base, { body: { name: 'Unique' } });
    assert.equal(duplicate.status, 400, duplicate.text);
    assert.equal(duplicate.body.code, 'INVALID_DATA');
    assert.equal(duplicate.body.details[0].code, 'UNIQUENESS_VIOLATION');
    const noName = await server().request('POST', base, { body: { description: 'no name' } });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.code, 'INVALID_DATA');
    assert.equal(noName.body.details[0].target, 'name');
    const wrongType = await server().request('POST', base, { body: { name: 42 } });
    assert.equal(wrongType.status, 400);
  });

  it('keeps exactly one default population, which cannot be deleted', async () => {
    const env = await createEnvironment(server());
    const base = `/v1/environments/${env}/populations`;
    const initial = await server().request('GET', base);
    const defaults = (initial.body._embedded.populations as Array<{ id: string; default: boolean }>).filter(
      (p) => p.default,
    );
    assert.equal(defaults.length, 1, 'a new environment has one default population');
    const firstDefault = defaults[0]!.id;

    const refused = await server().request('DELETE', `${base}/${firstDefault}`);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.code, 'REQUEST_FAILED');

    const second = await createPopulation(server(), env, { name: 'New default', default: true });
    assert.equal(second.default, true);
    const after = await server().request('GET', base);
    const nowDefault = (after.body._embedded.populations as Array<{ id: string; default: boolean }>).filter(
      (p) => p.default,
    );
    assert.deepEqual(
      nowDefault.map((p) => p.id),
      [second.id],
    );
    // The former default is an ordinary population now and can go.
    assert.equal((await server().request('DELETE', `${base}/${firstDefault}`)).status, 204);
    // The default cannot be unset directly.
    const unset = await server().request('PUT', `${base}/${second.id}`, {
      body: { name: 'New default', default: false },
    });
    assert.equal(unset.status, 400);
  });

  it('refuses to delete a population that holds users and counts them', async () => {
    const env = await createEnvironment(server());
    const base = `/v1/environments/${env}/populations`;
    const population = await createPopulation(server(), env, { name: 'Staffed' });
    await insertUser(server(), env, population.id);
    const read = await server().request('GET', `${base}/${population.id}`);
    assert.equal(read.body.userCount, 1);
    const refused = await server().request('DELETE', `${base}/${population.id}`);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.code, 'REQUEST_FAILED');
    assert.equal(refused.body.details[0].code, 'CONSTRAINT_VIOLATION');
    assert.equal((await server().request('GET', `${base}/${population.id}`)).status, 200);
  });

  it('accepts a passwordPolicy reference only when the policy exists in the environment', async () => {
    const env = await createEnvironment(server());
    const other = await createEnvironment(server());
    const base = `/v1/environments/${env}/populations`;
    const policy = await insertPolicy(server(), env);
    const withPolicy = await createPopulation(server(), env, {
      name: 'With policy',
      passwordPolicy: { id: policy },
    });
    assert.deepEqual((withPolicy as unknown as { passwordPolicy: unknown }).passwordPolicy, { id: policy });
    const read = await server().request('GET', `${base}/${withPolicy.id}`);
    assert.equal(read.body.passwordPolicy.id, policy);
    assert.equal(
      read.body._links.passwordPolicy.href,
      `http://tessera.test/v1/environments/${env}/passwordPolicies/${policy}`,
    );

    const missing = await server().request('POST', base, {
      body: { name: 'Missing policy', passwordPolicy: { id: randomUUID() } },
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, 'INVALID_DATA');
    assert.equal(missing.body.details[0].target, 'passwordPolicy.id');
    const foreign = await server().request('POST', `/v1/environments/${other}/populations`, {
      body: { name: 'Foreign policy', passwordPolicy: { id: policy } },
    });
    assert.equal(foreign.status, 400, 'a policy of another environment is not visible');
  });

  it('filters by name sw and id eq, and refuses other filters', async () => {
    const env = await createEnvironment(server());
    const base = `/v1/environments/${env}/populations`;
    const alpha = await createPopulation(server(), env, { name: 'Alpha team' });
    await createPopulation(server(), env, { name: 'Beta team' });
    const sw = await server().request('GET', `${base}?filter=${encodeURIComponent('name sw "Alp"')}`);
    assert.equal(sw.status, 200, sw.text);
    assert.deepEqual(
      (sw.body._embedded.populations as Array<{ id: string }>).map((p) => p.id),
      [alpha.id],
    );
    const byId = await server().request('GET', `${base}?filter=${encodeURIComponent(`id eq "${alpha.id}"`)}`);
    assert.deepEqual(
      (byId.body._embedded.populations as Array<{ name: string }>).map((p) => p.name),
      ['Alpha team'],
    );
    const bad = await server().request('GET', `${base}?filter=${encodeURIComponent('description co "x"')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'INVALID_DATA');
    assert.equal(bad.body.details[0].code, 'INVALID_FILTER');
    const garbage = await server().request('GET', `${base}?filter=${encodeURIComponent('name sw')}`);
    assert.equal(garbage.status, 400);
    assert.equal(garbage.body.details[0].code, 'INVALID_FILTER');
  });

  it('pages with limit and _links.next without duplicates or gaps', async () => {
    const env = await createEnvironment(server());
    const base = `/v1/environments/${env}/populations`;
    for (let i = 0; i < 4; i += 1) await createPopulation(server(), env, { name: `Paged ${i}` });
    const seen: string[] = [];
    let url: string | undefined = `${base}?limit=2`;
    let pages = 0;
    while (url) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are read loosely
      const page: { status: number; text: string; body: any } = await server().request('GET', url);
      assert.equal(page.status, 200, page.text);
      const items = page.body._embedded.populations as Array<{ id: string }>;
      assert.ok(items.length <= 2);
      assert.equal(page.body.size, items.length);
      seen.push(...items.map((p) => p.id));
      const next = page.body._links.next?.href as string | undefined;
      if (next) assert.ok(next.startsWith(`http://tessera.test${base}?`), next);
      url = next?.replace('http://tessera.test', '');
      pages += 1;
      assert.ok(pages < 10, 'paging terminates');
    }
    assert.equal(seen.length, 5, 'the default population and the four created');
    assert.equal(new Set(seen).size, 5);
    const bad = await server().request('GET', `${base}?limit=0`);
    assert.equal(bad.status, 400);
  });

  it('isolates environments and applies population-scoped roles', async () => {
    const env = await createEnvironment(server());
    const other = await createEnvironment(server());
    const mine = await createPopulation(server(), env, { name: 'Mine' });
    const theirs = await createPopulation(server(), env, { name: 'Theirs' });
    const crossRead = await server().request('GET', `/v1/environments/${other}/populations/${mine.id}`);
    assert.equal(crossRead.status, 404);
    const crossDelete = await server().request('DELETE', `/v1/environments/${other}/populations/${mine.id}`);
    assert.equal(crossDelete.status, 404);

    // A worker holding Identity Data Read Only on one population only sees that one.
    const apps = `/v1/environments/${BOOTSTRAP.environmentId}/applications`;
    const worker = await server().createWorker(apps, {
      body: { name: `Scoped ${randomUUID()}`, type: 'WORKER' },
    });
    await server().request('POST', `${apps}/${worker.body.id}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { type: 'POPULATION', id: mine.id } },
    });
    const secret = (await server().request('GET', `${apps}/${worker.body.id}/secret`)).body.secret as string;
    const token = await server().token(BOOTSTRAP.environmentId, worker.body.id as string, secret);
    const list = await server().request('GET', `/v1/environments/${env}/populations`, { token });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      (list.body._embedded.populations as Array<{ id: string }>).map((p) => p.id),
      [mine.id],
    );
    assert.equal(
      (await server().request('GET', `/v1/environments/${env}/populations/${mine.id}`, { token })).status,
      200,
    );
    assert.equal(
      (await server().request('GET', `/v1/environments/${env}/populations/${theirs.id}`, { token })).status,
      403,
    );
    const write = await server().request('POST', `/v1/environments/${env}/populations`, {
      token,
      body: { name: 'Not allowed' },
    });
    assert.equal(write.status, 403);
  });
});
