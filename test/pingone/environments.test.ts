import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { BOOTSTRAP, describeStores } from '../support/harness.js';

describeStores('environments', (server) => {
  it('creates, reads, lists, replaces and deletes an environment', async () => {
    const created = await server().request('POST', '/v1/environments', {
      body: {
        name: 'Env A',
        type: 'SANDBOX',
        region: 'NA',
        license: { id: '11111111-1111-4111-8111-111111111111' },
      },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.location, `http://tessera.test/v1/environments/${created.body.id}`);
    assert.equal(created.body._links.self.href, created.headers.location);
    assert.equal(created.body.status, 'ACTIVE');
    assert.equal(created.body.license.id, '11111111-1111-4111-8111-111111111111');
    assert.ok(created.headers['correlation-id']);

    const read = await server().request('GET', `/v1/environments/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.name, 'Env A');

    const list = await server().request(
      'GET',
      '/v1/environments?filter=' + encodeURIComponent('name sw "env"'),
    );
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body._embedded.environments.map((e: { id: string }) => e.id),
      [created.body.id],
    );
    assert.equal(list.body.size, 1);

    const replaced = await server().request('PUT', `/v1/environments/${created.body.id}`, {
      body: { name: 'Env B', type: 'PRODUCTION', region: 'EU' },
    });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.region, 'EU');

    const deleted = await server().request('DELETE', `/v1/environments/${created.body.id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await server().request('GET', `/v1/environments/${created.body.id}`)).status, 404);
  });

  it('refuses calls without a valid token', async () => {
    const missing = await server().request('GET', '/v1/environments', { token: null });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.code, 'ACCESS_FAILED');
    assert.equal(missing.body.details[0].code, 'INVALID_TOKEN');
    assert.equal(missing.body.id, missing.headers['correlation-id']);
    const forged = await server().request('GET', '/v1/environments', { token: 'e30.e30.sig' });
    assert.equal(forged.status, 401);
  });

  it('answers 404 with the PingOne envelope and 405 for a wrong method', async () => {
    const missing = await server().request('GET', '/v1/environments/7b3c5a5e-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'NOT_FOUND');
    assert.equal(
      missing.body.message,
      'The request could not be completed. The requested resource was not found.',
    );
    const wrong = await server().request('PATCH', `/v1/environments/${BOOTSTRAP.environmentId}`, {
      body: {},
    });
    assert.equal(wrong.status, 405);
  });

  it('rejects malformed JSON and unsupported media types', async () => {
    const bad = await server().request('POST', '/v1/environments', {
      body: '{"name":',
      contentType: 'application/json',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'INVALID_REQUEST');
    const xml = await server().request('POST', '/v1/environments', {
      body: '<x/>',
      contentType: 'application/xml',
    });
    assert.equal(xml.status, 415);
    assert.equal(xml.body.code, 'INVALID_REQUEST');
  });
});

describeStores('environments: filters, isolation and what a new environment holds', (server) => {
  const create = async (name: string) => {
    const created = await server().request('POST', '/v1/environments', {
      body: { name, type: 'SANDBOX', region: 'NA' },
    });
    assert.equal(created.status, 201, created.text);
    return created.body as { id: string; name: string; organization: { id: string } };
  };

  it('filters by name sw, id eq and organization.id eq, and refuses other filters', async () => {
    const a = await create('Filter alpha');
    await create('Filter beta');
    const list = (filter: string) =>
      server().request('GET', `/v1/environments?filter=${encodeURIComponent(filter)}`);
    const sw = await list('name sw "Filter a"');
    assert.deepEqual(
      sw.body._embedded.environments.map((e: { id: string }) => e.id),
      [a.id],
    );
    const byId = await list(`id eq "${a.id}"`);
    assert.deepEqual(
      byId.body._embedded.environments.map((e: { name: string }) => e.name),
      ['Filter alpha'],
    );
    const org = await list(`organization.id eq "${a.organization.id}" and name sw "Filter"`);
    assert.equal(org.body._embedded.environments.length, 2);
    const otherOrg = await list('organization.id eq "00000000-0000-4000-8000-000000000000"');
    assert.equal(otherOrg.body._embedded.environments.length, 0);
    const bad = await list('description co "x"');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'INVALID_DATA');
    assert.equal(bad.body.details[0].code, 'INVALID_FILTER');
  });

  it('gives a new environment a default population and its creator role assignments', async () => {
    const env = await create('Fresh environment');
    const populations = await server().request('GET', `/v1/environments/${env.id}/populations`);
    assert.equal(populations.status, 200);
    const defaults = populations.body._embedded.populations.filter((p: { default: boolean }) => p.default);
    assert.equal(defaults.length, 1);

    const assignments = await server().request(
      'GET',
      `/v1/environments/${BOOTSTRAP.environmentId}/applications/${BOOTSTRAP.clientId}/roleAssignments`,
    );
    const onNew = assignments.body._embedded.roleAssignments.filter(
      (a: { scope: { id: string; type: string } }) => a.scope.type === 'ENVIRONMENT' && a.scope.id === env.id,
    );
    assert.deepEqual(
      onNew.map((a: { role: { id: string } }) => a.role.id).sort(),
      [ROLE_IDS.identityDataAdmin, ROLE_IDS.clientApplicationDeveloper].sort(),
    );
  });

  it('shows a worker with environment-scoped roles only its environment', async () => {
    const mine = await create('Isolated mine');
    const theirs = await create('Isolated theirs');
    const apps = `/v1/environments/${mine.id}/applications`;
    const worker = await server().createWorker(apps, { body: { name: 'Scoped worker', type: 'WORKER' } });
    assert.equal(worker.status, 201, worker.text);
    await server().request('POST', `${apps}/${worker.body.id}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.identityDataAdmin }, scope: { type: 'ENVIRONMENT', id: mine.id } },
    });
    const secret = (await server().request('GET', `${apps}/${worker.body.id}/secret`)).body.secret as string;
    const token = await server().token(mine.id, worker.body.id as string, secret);

    const list = await server().request('GET', '/v1/environments', { token });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body._embedded.environments.map((e: { id: string }) => e.id),
      [mine.id],
    );
    assert.equal((await server().request('GET', `/v1/environments/${mine.id}`, { token })).status, 200);
    const other = await server().request('GET', `/v1/environments/${theirs.id}`, { token });
    assert.equal(other.status, 403);
    assert.equal(other.body.code, 'ACCESS_FAILED');
    const otherPopulations = await server().request('GET', `/v1/environments/${theirs.id}/populations`, {
      token,
    });
    assert.equal(otherPopulations.status, 403);
    const del = await server().request('DELETE', `/v1/environments/${theirs.id}`, { token });
    assert.equal(del.status, 403);
    const createEnv = await server().request('POST', '/v1/environments', {
      token,
      body: { name: 'Not allowed', type: 'SANDBOX', region: 'NA' },
    });
    assert.equal(createEnv.status, 403);
  });

  it('refuses a duplicate environment name and a body without a name', async () => {
    await create('Duplicate env');
    const duplicate = await server().request('POST', '/v1/environments', {
      body: { name: 'Duplicate env', type: 'SANDBOX', region: 'NA' },
    });
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.details[0].code, 'UNIQUENESS_VIOLATION');
    const noName = await server().request('POST', '/v1/environments', {
      body: { type: 'SANDBOX', region: 'NA' },
    });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.code, 'INVALID_DATA');
  });
});
