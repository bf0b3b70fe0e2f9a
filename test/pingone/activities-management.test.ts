import assert from 'node:assert/strict';
import { it } from 'node:test';
import { activitiesOf, activitiesWhere, activityTypes } from '../support/activities.js';
import { createEnvironment, createUser, LICENSE, ROLE_IDS, unique } from '../support/fixtures.js';
import { BOOTSTRAP, describeStores, type TestServer } from '../support/harness.js';

/** A built-in resource of the environment with its scopes' ids. */
async function resourceNamed(server: TestServer, env: string, name: string) {
  const list = await server.request('GET', `/v1/environments/${env}/resources`);
  const resource = (list.body._embedded.resources as Array<{ id: string; name: string }>).find(
    (r) => r.name === name,
  );
  assert.ok(resource, `${name} is built in`);
  const scopes = await server.request('GET', `/v1/environments/${env}/resources/${resource.id}/scopes`);
  return {
    id: resource.id,
    scopes: (scopes.body._embedded.scopes as Array<{ id: string }>).map((s) => s.id),
  };
}

describeStores('audit activities of applications, roles, environments and schemas', (server) => {
  it('records an application, its secret, its grants and its role assignments, in order', async () => {
    const env = await createEnvironment(server());
    const apps = `/v1/environments/${env}/applications`;
    const created = await server().request('POST', apps, {
      body: { name: unique('audited'), type: 'WORKER' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const app = `${apps}/${id}`;
    // A worker inherits its creator's role assignments: each is a ROLE_ASSIGNMENT.CREATED.
    const inherited = (await server().request('GET', `${app}/roleAssignments`)).body._embedded
      .roleAssignments;
    const renamed = await server().request('PUT', app, { body: { name: unique('renamed'), type: 'WORKER' } });
    assert.equal(renamed.status, 200, renamed.text);
    const secret = await server().request('GET', `${app}/secret`);
    assert.equal(secret.status, 200, secret.text);
    assert.equal((await server().request('POST', `${app}/secret`)).status, 200);
    const openid = await resourceNamed(server(), env, 'openid');
    const granted = await server().request('POST', `${app}/grants`, {
      body: { resource: { id: openid.id }, scopes: openid.scopes.slice(0, 1).map((s) => ({ id: s })) },
    });
    assert.equal(granted.status, 201, granted.text);
    const grant = `${app}/grants/${granted.body.id as string}`;
    const regranted = await server().request('PUT', grant, {
      body: { resource: { id: openid.id }, scopes: openid.scopes.slice(0, 2).map((s) => ({ id: s })) },
    });
    assert.equal(regranted.status, 200, regranted.text);
    // Refused: the same grant again. Nothing is recorded for it.
    const duplicate = await server().request('POST', `${app}/grants`, {
      body: { resource: { id: openid.id }, scopes: [{ id: openid.scopes[0] }] },
    });
    assert.equal(duplicate.status, 400);
    assert.deepEqual(await activitiesOf(server(), env, duplicate), []);
    assert.equal((await server().request('DELETE', grant)).status, 204);
    const assigned = await server().request('POST', `${app}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { type: 'ENVIRONMENT', id: env } },
    });
    assert.equal(assigned.status, 201, assigned.text);
    const unassigned = await server().request(
      'DELETE',
      `${app}/roleAssignments/${assigned.body.id as string}`,
    );
    assert.equal(unassigned.status, 204);
    assert.equal((await server().request('DELETE', app)).status, 204);

    assert.deepEqual(await activityTypes(server(), env, `resources.id eq "${id}"`), [
      'APPLICATION.CREATED',
      ...inherited.map(() => 'ROLE_ASSIGNMENT.CREATED'),
      'APPLICATION.UPDATED',
      'SECRET.READ',
      'SECRET.UPDATED',
      'GRANT.CREATED',
      'GRANT.UPDATED',
      'GRANT.DELETED',
      'ROLE_ASSIGNMENT.CREATED',
      'ROLE_ASSIGNMENT.DELETED',
      'APPLICATION.DELETED',
    ]);
    const [read] = await activitiesOf(server(), env, secret);
    assert.equal(read?.result.description, `Client secret read for application '${id}'`);
    assert.doesNotMatch(JSON.stringify(read), new RegExp(String(secret.body.secret)), 'never the secret');
    const [role] = await activitiesOf(server(), env, assigned);
    assert.deepEqual(
      role?.resources.map((r) => [r.type, r.id, r.name]),
      [
        ['ROLE_ASSIGNMENT', assigned.body.id, 'Identity Data Read Only'],
        ['APPLICATION', id, renamed.body.name],
      ],
    );
    assert.equal(role?.actors.client?.id, BOOTSTRAP.clientId);
  });

  it('records user and group role assignments; a refused one records nothing', async () => {
    const env = await createEnvironment(server());
    const user = await createUser(server(), env, { username: unique('admin') });
    const group = await server().request('POST', `/v1/environments/${env}/groups`, {
      body: { name: unique('admins') },
    });
    for (const [type, holder] of [
      ['USER', user.id],
      ['GROUP', group.body.id as string],
    ] as const) {
      const path = `/v1/environments/${env}/${type === 'USER' ? 'users' : 'groups'}/${holder}/roleAssignments`;
      const body = { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { type: 'ENVIRONMENT', id: env } };
      const created = await server().request('POST', path, { body });
      assert.equal(created.status, 201, created.text);
      const again = await server().request('POST', path, { body });
      assert.equal(again.status, 400, 'the same role at the same scope twice');
      assert.deepEqual(await activitiesOf(server(), env, again), []);
      assert.equal((await server().request('DELETE', `${path}/${created.body.id as string}`)).status, 204);
      const found = await activitiesWhere(server(), env, `resources.id eq "${holder}"`);
      const roles = found.filter((a) => a.action.type.startsWith('ROLE_ASSIGNMENT.'));
      assert.deepEqual(
        roles.map((a) => a.action.type),
        ['ROLE_ASSIGNMENT.CREATED', 'ROLE_ASSIGNMENT.DELETED'],
      );
      assert.deepEqual(roles[0]?.resources[1]?.type, type);
    }
  });

  it('records an environment in itself, and its deletion in the caller’s environment', async () => {
    const name = unique('audited-env');
    const env = await createEnvironment(server(), name);
    const replaced = await server().request('PUT', `/v1/environments/${env}`, {
      body: { name: `${name}-2`, type: 'SANDBOX', region: 'NA', license: { id: LICENSE } },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.deepEqual(await activityTypes(server(), env, `resources.id eq "${env}"`), [
      'ENVIRONMENT.CREATED',
      'ENVIRONMENT.UPDATED',
    ]);
    const deleted = await server().request('DELETE', `/v1/environments/${env}`);
    assert.equal(deleted.status, 204, deleted.text);
    const [recorded] = await activitiesOf(server(), BOOTSTRAP.environmentId, deleted);
    assert.equal(recorded?.action.type, 'ENVIRONMENT.DELETED');
    assert.deepEqual(
      recorded?.resources.map((r) => [r.type, r.id, r.name]),
      [['ENVIRONMENT', env, `${name}-2`]],
    );
    assert.equal((await server().request('GET', `/v1/environments/${env}/activities`)).status, 404);
  });

  it('records the role assignments an environment’s creator receives, in the creator’s environment', async () => {
    const created = await server().request('POST', '/v1/environments', {
      body: { name: unique('granting-env'), type: 'SANDBOX', region: 'NA', license: { id: LICENSE } },
    });
    assert.equal(created.status, 201, created.text);
    const env = created.body.id as string;
    const recorded = await activitiesOf(server(), BOOTSTRAP.environmentId, created);
    assert.deepEqual(
      recorded.map((a) => [a.action.type, a.resources[0]?.name, a.resources[1]?.type, a.resources[1]?.id]),
      [
        ['ROLE_ASSIGNMENT.CREATED', 'Identity Data Admin', 'APPLICATION', BOOTSTRAP.clientId],
        ['ROLE_ASSIGNMENT.CREATED', 'Client Application Developer', 'APPLICATION', BOOTSTRAP.clientId],
      ],
    );
    for (const activity of recorded) {
      assert.equal(activity.actors.client?.id, BOOTSTRAP.clientId);
      assert.equal(activity.result.status, 'SUCCESS');
      assert.equal(activity.correlationId, created.headers['correlation-id']);
    }
    // Each names an assignment the creator really holds on the new environment.
    const held = await server().request(
      'GET',
      `/v1/environments/${BOOTSTRAP.environmentId}/applications/${BOOTSTRAP.clientId}/roleAssignments`,
    );
    assert.equal(held.status, 200, held.text);
    const onNew = (held.body._embedded.roleAssignments as Array<{ id: string; scope: { id: string } }>)
      .filter((r) => r.scope.id === env)
      .map((r) => r.id);
    assert.deepEqual(recorded.map((a) => a.resources[0]?.id).sort(), onNew.sort());
    assert.doesNotMatch(JSON.stringify(recorded), /bootstrap-secret/, 'never the client secret');
  });

  it('records schema attributes; a refused attribute records nothing', async () => {
    const env = await createEnvironment(server());
    const schemas = await server().request('GET', `/v1/environments/${env}/schemas`);
    const attributes = `/v1/environments/${env}/schemas/${schemas.body._embedded.schemas[0].id as string}/attributes`;
    const created = await server().request('POST', attributes, {
      body: { name: 'costCenter', type: 'STRING' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const duplicate = await server().request('POST', attributes, {
      body: { name: 'costCenter', type: 'STRING' },
    });
    assert.equal(duplicate.status, 400);
    assert.deepEqual(await activitiesOf(server(), env, duplicate), []);
    assert.equal(
      (await server().request('PATCH', `${attributes}/${id}`, { body: { description: 'x' } })).status,
      200,
    );
    assert.equal((await server().request('DELETE', `${attributes}/${id}`)).status, 204);
    const found = await activitiesWhere(server(), env, `resources.id eq "${id}"`);
    assert.deepEqual(
      found.map((a) => a.action.type),
      ['SCHEMA_ATTRIBUTE.CREATED', 'SCHEMA_ATTRIBUTE.UPDATED', 'SCHEMA_ATTRIBUTE.DELETED'],
    );
    assert.equal(found[0]?.result.description, 'Created Schema Attribute costCenter');
  });
});
