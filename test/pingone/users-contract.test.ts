import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, it } from 'node:test';
import { assertContract } from '../support/contract.js';
import { describeStores } from '../support/harness.js';
import { createEnvironment } from '../support/fixtures.js';

/**
 * (PingOne's document marks `email` required on users; Tessera accepts users without one, see
 * docs/users.md, so the users checked here all have an email.)
 *
 * Tessera's users, groups, memberships and schema attributes against the response schemas of
 * PingOne's management document (where it declares them; `optional` where it may not).
 */
describeStores('contract: users, groups and schemas', (server) => {
  let env: string;
  before(async () => {
    env = await createEnvironment(server());
  });

  it('users: create, import, read, list, replace, patch, state and errors', async () => {
    const base = `/v1/environments/${env}/users`;
    const created = await server().request('POST', base, {
      body: {
        username: `contract-${randomUUID()}`,
        email: 'contract@example.com',
        name: { given: 'C', family: 'T' },
      },
    });
    assert.equal(created.status, 201, created.text);
    assertContract('POST', base, created);
    const imported = await server().request('POST', base, {
      contentType: 'application/vnd.pingidentity.user.import+json',
      body: {
        username: `contract-${randomUUID()}`,
        email: 'imported@example.com',
        emailVerified: true,
        lifecycle: { status: 'ACCOUNT_OK' },
      },
    });
    assert.equal(imported.status, 201, imported.text);
    assertContract('POST', base, imported);
    const path = `${base}/${created.body.id}`;
    assertContract('GET', path, await server().request('GET', `${path}?include=memberOfGroupIDs`));
    assertContract('GET', base, await server().request('GET', `${base}?limit=1`));
    const put = await server().request('PUT', path, {
      body: { username: created.body.username, email: 'contract@example.com', nickname: 'n' },
    });
    assert.equal(put.status, 200, put.text);
    assertContract('PUT', path, put);
    const patch = await server().request('PATCH', path, {
      body: { photo: { href: 'https://example.com/p.png' } },
    });
    assert.equal(patch.status, 200, patch.text);
    assertContract('PATCH', path, patch);
    assertContract('GET', `${path}/enabled`, await server().request('GET', `${path}/enabled`), {
      optional: true,
    });
    assertContract(
      'PUT',
      `${path}/enabled`,
      await server().request('PUT', `${path}/enabled`, { body: { enabled: true } }),
      {
        optional: true,
      },
    );
    assertContract('GET', `${path}/population`, await server().request('GET', `${path}/population`), {
      optional: true,
    });
    const lock = await server().request('POST', path, {
      contentType: 'application/vnd.pingidentity.account.lock+json',
    });
    assert.equal(lock.status, 200, lock.text);
    assertContract('POST', path, lock, { optional: true });

    const missing = await server().request('GET', `${base}/${randomUUID()}`);
    assert.equal(missing.status, 404);
    assertContract('GET', `${base}/{id}`, missing);
    const duplicate = await server().request('POST', base, { body: { username: created.body.username } });
    assert.equal(duplicate.status, 400);
    assertContract('POST', base, duplicate);
    const badFilter = await server().request(
      'GET',
      `${base}?filter=${encodeURIComponent('username ne "x"')}`,
    );
    assert.equal(badFilter.status, 400);
    assertContract('GET', base, badFilter);
    const unauthorized = await server().request('GET', path, { token: null });
    assertContract('GET', path, unauthorized);
  });

  it('groups and memberships', async () => {
    const base = `/v1/environments/${env}/groups`;
    const created = await server().request('POST', base, {
      body: { name: `Contract ${randomUUID()}`, description: 'd' },
    });
    assert.equal(created.status, 201, created.text);
    assertContract('POST', base, created);
    const path = `${base}/${created.body.id}`;
    assertContract('GET', path, await server().request('GET', path));
    assertContract('GET', base, await server().request('GET', `${base}?limit=1`));
    assertContract('PUT', path, await server().request('PUT', path, { body: { name: created.body.name } }));

    const user = await server().request('POST', `/v1/environments/${env}/users`, {
      body: { username: `m-${randomUUID()}` },
    });
    const memberships = `/v1/environments/${env}/users/${user.body.id}/memberOfGroups`;
    const added = await server().request('POST', memberships, { body: { id: created.body.id } });
    assert.equal(added.status, 201, added.text);
    assertContract('POST', memberships, added);
    assertContract('GET', memberships, await server().request('GET', memberships));
    assertContract(
      'GET',
      `${memberships}/${created.body.id}`,
      await server().request('GET', `${memberships}/${created.body.id}`),
      {
        optional: true,
      },
    );
  });

  it('schemas and attributes', async () => {
    const schemas = await server().request('GET', `/v1/environments/${env}/schemas`);
    assertContract('GET', `/v1/environments/${env}/schemas`, schemas);
    const schemaPath = `/v1/environments/${env}/schemas/${schemas.body._embedded.schemas[0].id}`;
    assertContract('GET', schemaPath, await server().request('GET', schemaPath));
    const attributes = `${schemaPath}/attributes`;
    const created = await server().request('POST', attributes, {
      body: { name: 'contractAttr', type: 'STRING', enumeratedValues: [{ value: 'a' }] },
    });
    assert.equal(created.status, 201, created.text);
    assertContract('POST', attributes, created);
    const path = `${attributes}/${created.body.id}`;
    assertContract('GET', path, await server().request('GET', path));
    assertContract('GET', attributes, await server().request('GET', attributes));
    assertContract(
      'PATCH',
      path,
      await server().request('PATCH', path, { body: { displayName: 'Contract' } }),
    );
    assertContract(
      'PUT',
      path,
      await server().request('PUT', path, { body: { name: 'contractAttr', type: 'STRING' } }),
    );
  });
});
