import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { assertContract, pingOneContract } from '../support/contract.js';
import { BOOTSTRAP, describeStores } from '../support/harness.js';

const ENV = BOOTSTRAP.environmentId;

it('the contract helper finds PingOne path templates and response schemas', () => {
  const contract = pingOneContract();
  assert.equal(
    contract.findPath('/v1/environments/abc/populations?limit=2'),
    '/environments/{environmentID}/populations',
  );
  assert.equal(
    contract.findPath('/environments/{envID}/users/{id}'),
    '/environments/{environmentID}/users/{userID}',
  );
  assert.equal(contract.findPath('/no/such/path'), undefined);
  assert.ok(contract.responseSchema('GET', '/environments/{envID}', 200));
  assert.equal(contract.responseSchema('GET', '/environments/{envID}', 299), undefined);
  // It really validates: a population without its required name fails.
  const issues = contract.check('GET', '/environments/{envID}/populations/{id}', 200, { id: 'x' });
  assert.ok(issues && issues.length > 0, JSON.stringify(issues));
});

describeStores('contract with the PingOne Management API document', (server) => {
  it('environments: create, read, list, replace and errors', async () => {
    const created = await server().request('POST', '/v1/environments', {
      body: { name: `Contract ${randomUUID()}`, type: 'SANDBOX', region: 'NA' },
    });
    assertContract('POST', '/environments', created);
    const id = created.body.id as string;
    assertContract('GET', '/environments/{id}', await server().request('GET', `/v1/environments/${id}`));
    assertContract('GET', '/environments', await server().request('GET', '/v1/environments?limit=1'));
    assertContract(
      'PUT',
      '/environments/{id}',
      await server().request('PUT', `/v1/environments/${id}`, {
        body: { name: `Contract ${randomUUID()}`, type: 'SANDBOX', region: 'NA' },
      }),
    );
    const missing = await server().request('GET', `/v1/environments/${randomUUID()}`);
    assert.equal(missing.status, 404);
    assertContract('GET', '/environments/{id}', missing);
    const unauthorized = await server().request('GET', '/v1/environments', { token: null });
    assertContract('GET', '/environments', unauthorized);
    const invalid = await server().request('POST', '/v1/environments', { body: { type: 'SANDBOX' } });
    assert.equal(invalid.status, 400);
    assertContract('POST', '/environments', invalid);
  });

  it('populations: create, read, list, replace and errors', async () => {
    const base = `/v1/environments/${ENV}/populations`;
    const created = await server().request('POST', base, {
      body: { name: `Contract ${randomUUID()}`, description: 'contract test' },
    });
    assertContract('POST', base, created);
    const path = `${base}/${created.body.id}`;
    assertContract('GET', path, await server().request('GET', path));
    assertContract('GET', base, await server().request('GET', `${base}?limit=1`));
    assertContract(
      'PUT',
      path,
      await server().request('PUT', path, { body: { name: `Renamed ${randomUUID()}` } }),
    );
    const duplicate = await server().request('POST', base, { body: { name: created.body.name } });
    assertContract('POST', base, duplicate);
    assertContract('GET', path, await server().request('GET', `${base}/${randomUUID()}`));
  });

  it('applications, secrets and role assignments', async () => {
    const apps = `/v1/environments/${ENV}/applications`;
    const created = await server().request('POST', apps, {
      body: { name: `Contract ${randomUUID()}`, type: 'WORKER' },
    });
    assert.equal(created.status, 201, created.text);
    assertContract('POST', apps, created);
    const app = `${apps}/${created.body.id}`;
    assertContract('GET', app, await server().request('GET', app));
    assertContract('GET', apps, await server().request('GET', apps));
    assertContract('GET', `${app}/secret`, await server().request('GET', `${app}/secret`));
    assertContract('POST', `${app}/secret`, await server().request('POST', `${app}/secret`), {
      optional: true,
    });

    const assignments = `${app}/roleAssignments`;
    const assigned = await server().request('POST', assignments, {
      body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { type: 'ENVIRONMENT', id: ENV } },
    });
    assertContract('POST', assignments, assigned);
    assertContract('GET', assignments, await server().request('GET', assignments));
    const one = `${assignments}/${assigned.body.id}`;
    assertContract('GET', one, await server().request('GET', one));
  });

  it('roles', async () => {
    const list = await server().request('GET', '/v1/roles');
    assertContract('GET', '/roles', list);
    const first = (list.body._embedded.roles as Array<{ id: string }>)[0]!;
    assertContract('GET', '/roles/{roleID}', await server().request('GET', `/v1/roles/${first.id}`));
  });
});

describeStores('contract: password policies', (server) => {
  it('lists and reads the seeded password policies', async () => {
    const policies = `/v1/environments/${ENV}/passwordPolicies`;
    const list = await server().request('GET', policies);
    assert.equal(list.status, 200, list.text);
    assertContract('GET', policies, list);
    const first = (list.body._embedded.passwordPolicies as Array<{ id: string }>)[0]!;
    assertContract(
      'GET',
      `${policies}/${first.id}`,
      await server().request('GET', `${policies}/${first.id}`),
    );
  });
});
