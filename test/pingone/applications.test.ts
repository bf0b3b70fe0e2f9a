import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { createEnvironment } from '../support/fixtures.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

const ENV = BOOTSTRAP.environmentId;
const apps = `/v1/environments/${ENV}/applications`;

async function tokenStatus(server: TestServer, env: string, clientId: string, secret: string) {
  const response = await server.app.server.inject({
    method: 'POST',
    url: `/${env}/as/token`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Basic ' + Buffer.from(`${clientId}:${secret}`).toString('base64'),
    },
    payload: 'grant_type=client_credentials',
  });
  return response.statusCode;
}

describeStores('worker applications', (server) => {
  it('creates, reads, lists, replaces and deletes a worker', async () => {
    const created = await server().createWorker(apps, {
      body: { name: 'Reporting worker', description: 'reads users', type: 'WORKER' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.equal(created.headers.location, `http://tessera.test${apps}/${id}`);
    assert.equal(created.body.type, 'WORKER');
    assert.equal(created.body.protocol, 'OPENID_CONNECT');
    assert.equal(created.body.enabled, true);
    assert.equal(created.body.tokenEndpointAuthMethod, 'CLIENT_SECRET_BASIC');
    assert.deepEqual(created.body.grantTypes, ['CLIENT_CREDENTIALS']);
    assert.equal(created.body.environment.id, ENV);
    assert.equal(created.body.secret, undefined, 'the secret is never part of the application body');
    assert.equal(created.body._links.secret.href, `http://tessera.test${apps}/${id}/secret`);

    const read = await server().request('GET', `${apps}/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.name, 'Reporting worker');

    const list = await server().request('GET', apps);
    assert.equal(list.status, 200);
    const ids = (list.body._embedded.applications as Array<{ id: string }>).map((a) => a.id);
    assert.ok(ids.includes(id) && ids.includes(BOOTSTRAP.clientId));
    assert.equal(list.body.size, ids.length);

    const replaced = await server().request('PUT', `${apps}/${id}`, {
      body: { name: 'Renamed worker', type: 'WORKER', enabled: false },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.name, 'Renamed worker');
    assert.equal(replaced.body.enabled, false);

    assert.equal((await server().request('DELETE', `${apps}/${id}`)).status, 204);
    const gone = await server().request('GET', `${apps}/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, 'NOT_FOUND');
  });

  it("gives a new worker its creator's role assignments, so it gets a token at once", async () => {
    const created = await server().request('POST', apps, { body: { name: 'Heir', type: 'WORKER' } });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const creator = await server().request('GET', `${apps}/${BOOTSTRAP.clientId}/roleAssignments`);
    const inherited = await server().request('GET', `${apps}/${id}/roleAssignments`);
    const roles = (body: {
      _embedded: { roleAssignments: Array<{ role: { id: string }; scope: unknown }> };
    }) => body._embedded.roleAssignments.map((a) => JSON.stringify([a.role.id, a.scope])).sort();
    assert.ok(roles(creator.body).length > 0);
    assert.deepEqual(roles(inherited.body), roles(creator.body));
    const secret = (await server().request('GET', `${apps}/${id}/secret`)).body.secret as string;
    assert.equal(await tokenStatus(server(), ENV, id, secret), 200);
  });

  it('refuses a body that is not a worker', async () => {
    const response = await server().request('POST', apps, { body: { name: 'web app', type: 'WEB_APP' } });
    assert.equal(response.status, 400);
    assert.equal(response.body.code, 'INVALID_DATA');
  });

  it('reads and rotates the secret; the old secret stops working', async () => {
    const created = await server().createWorker(apps, {
      body: { name: 'Rotating worker', type: 'WORKER' },
    });
    const id = created.body.id as string;
    await server().request('POST', `${apps}/${id}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { type: 'ENVIRONMENT', id: ENV } },
    });
    const first = await server().request('GET', `${apps}/${id}/secret`);
    assert.equal(first.status, 200);
    assert.equal(typeof first.body.secret, 'string');
    assert.ok((first.body.secret as string).length >= 32);
    assert.equal(await tokenStatus(server(), ENV, id, first.body.secret as string), 200);

    const rotated = await server().request('POST', `${apps}/${id}/secret`);
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.body.secret, first.body.secret);
    assert.equal(await tokenStatus(server(), ENV, id, first.body.secret as string), 401);
    assert.equal(await tokenStatus(server(), ENV, id, rotated.body.secret as string), 200);
    const again = await server().request('GET', `${apps}/${id}/secret`);
    assert.equal(again.body.secret, rotated.body.secret);
  });

  it('creates, lists, reads and deletes role assignments', async () => {
    const created = await server().createWorker(apps, {
      body: { name: 'Assigned worker', type: 'WORKER' },
    });
    const id = created.body.id as string;
    const assignments = `${apps}/${id}/roleAssignments`;
    const assigned = await server().request('POST', assignments, {
      body: { role: { id: ROLE_IDS.identityDataAdmin }, scope: { type: 'ENVIRONMENT', id: ENV } },
    });
    assert.equal(assigned.status, 201, assigned.text);
    assert.equal(assigned.body.role.id, ROLE_IDS.identityDataAdmin);
    assert.deepEqual(assigned.body.scope, { id: ENV, type: 'ENVIRONMENT' });
    assert.equal(assigned.body.readOnly, false);
    assert.equal(assigned.headers.location, `http://tessera.test${assignments}/${assigned.body.id}`);

    const list = await server().request('GET', assignments);
    assert.equal(list.status, 200);
    assert.ok(
      (list.body._embedded.roleAssignments as Array<{ id: string }>).some((a) => a.id === assigned.body.id),
    );
    const read = await server().request('GET', `${assignments}/${assigned.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.id, assigned.body.id);

    assert.equal((await server().request('DELETE', `${assignments}/${assigned.body.id}`)).status, 204);
    assert.equal((await server().request('GET', `${assignments}/${assigned.body.id}`)).status, 404);
  });

  it('validates role assignments: unknown role, scope the role does not apply to, unknown scope', async () => {
    const created = await server().createWorker(apps, {
      body: { name: 'Invalid assign', type: 'WORKER' },
    });
    const assignments = `${apps}/${created.body.id}/roleAssignments`;
    const unknownRole = await server().request('POST', assignments, {
      body: { role: { id: '00000000-0000-4000-8000-000000000000' }, scope: { type: 'ENVIRONMENT', id: ENV } },
    });
    assert.equal(unknownRole.status, 400);
    assert.equal(unknownRole.body.code, 'INVALID_DATA');
    const population = await server().request('POST', assignments, {
      body: { role: { id: ROLE_IDS.environmentAdmin }, scope: { type: 'POPULATION', id: ENV } },
    });
    assert.equal(population.status, 400);
    const unknownEnv = await server().request('POST', assignments, {
      body: {
        role: { id: ROLE_IDS.identityDataAdmin },
        scope: { type: 'ENVIRONMENT', id: '00000000-0000-4000-8000-00000000abcd' },
      },
    });
    assert.equal(unknownEnv.status, 400);
  });

  it('refuses to assign a role the caller may not assign (403)', async () => {
    const created = await server().createWorker(apps, { body: { name: 'Data admin', type: 'WORKER' } });
    const id = created.body.id as string;
    await server().request('POST', `${apps}/${id}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.identityDataAdmin }, scope: { type: 'ENVIRONMENT', id: ENV } },
    });
    const secret = (await server().request('GET', `${apps}/${id}/secret`)).body.secret as string;
    const token = await server().token(ENV, id, secret);

    const target = await server().createWorker(apps, { body: { name: 'Target', type: 'WORKER' } });
    // Identity Data Admin may not grant Environment Admin (no escalation) ...
    const escalation = await server().request('POST', `${apps}/${target.body.id}/roleAssignments`, {
      token,
      body: { role: { id: ROLE_IDS.environmentAdmin }, scope: { type: 'ENVIRONMENT', id: ENV } },
    });
    assert.equal(escalation.status, 403, escalation.text);
    assert.equal(escalation.body.code, 'ACCESS_FAILED');
    // ... and nothing in an environment it holds no role in.
    const other = await createEnvironment(server(), `Other ${Math.random()}`);
    const elsewhere = await server().request('POST', `${apps}/${target.body.id}/roleAssignments`, {
      token,
      body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { type: 'ENVIRONMENT', id: other } },
    });
    assert.equal(elsewhere.status, 403, elsewhere.text);
    // An Environment Admin of the environment may grant Identity Data Read Only there.
    const envAdmin = await server().createWorker(apps, { body: { name: 'Env admin', type: 'WORKER' } });
    await server().request('POST', `${apps}/${envAdmin.body.id}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.environmentAdmin }, scope: { type: 'ENVIRONMENT', id: ENV } },
    });
    const envAdminSecret = (await server().request('GET', `${apps}/${envAdmin.body.id}/secret`)).body.secret;
    const envAdminToken = await server().token(ENV, envAdmin.body.id as string, envAdminSecret as string);
    const allowed = await server().request('POST', `${apps}/${target.body.id}/roleAssignments`, {
      token: envAdminToken,
      body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { type: 'ENVIRONMENT', id: ENV } },
    });
    assert.equal(allowed.status, 201, allowed.text);
    // ... but not at organization scope, where it holds nothing.
    const orgWide = await server().request('POST', `${apps}/${target.body.id}/roleAssignments`, {
      token: envAdminToken,
      body: {
        role: { id: ROLE_IDS.identityDataReadOnly },
        scope: {
          type: 'ORGANIZATION',
          id: (await server().request('GET', `/v1/environments/${ENV}`)).body.organization.id,
        },
      },
    });
    assert.equal(orgWide.status, 403, orgWide.text);
  });

  it('lets an Identity Data Read Only worker read users but not manage applications', async () => {
    const created = await server().createWorker(apps, { body: { name: 'Reader', type: 'WORKER' } });
    const id = created.body.id as string;
    await server().request('POST', `${apps}/${id}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { type: 'ENVIRONMENT', id: ENV } },
    });
    const secret = (await server().request('GET', `${apps}/${id}/secret`)).body.secret as string;
    const token = await server().token(ENV, id, secret);
    assert.equal((await server().request('GET', `/v1/environments/${ENV}`, { token })).status, 200);
    assert.equal(
      (await server().request('GET', `/v1/environments/${ENV}/populations`, { token })).status,
      200,
    );
    const forbidden = await server().request('GET', `${apps}/${id}/secret`, { token });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.code, 'ACCESS_FAILED');
    assert.equal(forbidden.body.details[0].code, 'INSUFFICIENT_PERMISSIONS');
    const create = await server().createWorker(apps, { token, body: { name: 'x', type: 'WORKER' } });
    assert.equal(create.status, 403);
  });

  it('keeps applications of one environment out of another', async () => {
    const other = await createEnvironment(server(), `Apps isolation ${Math.random()}`);
    const read = await server().request(
      'GET',
      `/v1/environments/${other}/applications/${BOOTSTRAP.clientId}`,
    );
    assert.equal(read.status, 404);
    const list = await server().request('GET', `/v1/environments/${other}/applications`);
    assert.equal(list.status, 200);
    assert.equal(
      (list.body._embedded.applications as Array<{ id: string }>).some((a) => a.id === BOOTSTRAP.clientId),
      false,
    );
  });
});
