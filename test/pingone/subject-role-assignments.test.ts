import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import * as client from 'openid-client';
import { newOidcApp, pkceAuthorization, relyingParty, signOnInBrowser } from '../pingone-auth/as-helpers.js';
import { newSignOnUser } from '../pingone-auth/flows-helpers.js';
import { activitiesOf, activitiesWhere } from '../support/activities.js';
import { assertContract } from '../support/contract.js';
import { createEnvironment, createUser, ROLE_IDS, unique } from '../support/fixtures.js';
import { describeStores, type TestServer } from '../support/harness.js';

/** Grants the environment's PingOne API resource (all its scopes) to an application. */
async function grantPingOneApi(server: TestServer, env: string, appId: string): Promise<void> {
  const resources = await server.request('GET', `/v1/environments/${env}/resources`);
  const api = resources.body._embedded.resources.find((r: { type: string }) => r.type === 'PINGONE_API');
  const scopes = await server.request('GET', `/v1/environments/${env}/resources/${api.id}/scopes`);
  const granted = await server.request('POST', `/v1/environments/${env}/applications/${appId}/grants`, {
    body: {
      resource: { id: api.id },
      scopes: scopes.body._embedded.scopes.map((s: { id: string }) => ({ id: s.id })),
    },
  });
  assert.equal(granted.status, 201, granted.text);
}

describeStores('role assignments of users and groups (issue 12)', (server) => {
  let env: string;
  const base = () => `/v1/environments/${env}`;
  const envScope = () => ({ type: 'ENVIRONMENT', id: env });

  before(async () => {
    env = await createEnvironment(server());
  });

  it('creates, lists, reads and deletes a user role assignment and a group role assignment', async () => {
    const user = await createUser(server(), env, { username: unique('admin-user') });
    const group = await server().request('POST', `${base()}/groups`, { body: { name: unique('admins') } });
    for (const path of [
      `${base()}/users/${user.id}/roleAssignments`,
      `${base()}/groups/${group.body.id}/roleAssignments`,
    ]) {
      const created = await server().request('POST', path, {
        body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: envScope() },
      });
      assert.equal(created.status, 201, created.text);
      assertContract('POST', path, created);
      assert.equal(created.headers.location, `http://tessera.test${path}/${created.body.id}`);
      assert.equal(created.body._links.self.href, created.headers.location);
      assert.deepEqual(created.body.scope, envScope());
      assert.equal(created.body.readOnly, false);
      if (path.includes('/groups/')) assert.deepEqual(created.body.group, { id: group.body.id });
      else assert.equal(created.body.group, undefined);

      const list = await server().request('GET', path);
      assert.equal(list.status, 200);
      assertContract('GET', path, list);
      assert.deepEqual(
        list.body._embedded.roleAssignments.map((a: { id: string }) => a.id),
        [created.body.id],
      );
      const one = await server().request('GET', `${path}/${created.body.id}`);
      assert.equal(one.status, 200);
      assertContract('GET', `${path}/${created.body.id}`, one);
      const again = await server().request('POST', path, {
        body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: envScope() },
      });
      assert.equal(again.status, 400, 'the same role at the same scope twice');
      assert.equal((await server().request('DELETE', `${path}/${created.body.id}`)).status, 204);
      assert.equal((await server().request('GET', `${path}/${created.body.id}`)).status, 404);
    }
    const unknown = `${base()}/users/00000000-0000-4000-8000-000000000000/roleAssignments`;
    assert.equal((await server().request('GET', unknown)).status, 404);
  });

  it("validates like application assignments, with the reference's error texts", async () => {
    const user = await createUser(server(), env, { username: unique('validated') });
    const path = `${base()}/users/${user.id}/roleAssignments`;
    const incompatible = await server().request('POST', path, {
      body: { role: { id: ROLE_IDS.environmentAdmin }, scope: { type: 'POPULATION', id: env } },
    });
    assert.equal(incompatible.status, 400);
    assert.equal(incompatible.body.code, 'INVALID_DATA');
    assert.equal(incompatible.body.details[0].target, 'scope');
    const unknownRole = await server().request('POST', path, {
      body: { role: { id: '00000000-0000-4000-8000-000000000000' }, scope: envScope() },
    });
    assert.equal(unknownRole.status, 400);
  });

  it("a user's token from an app granted the PingOne API acts with the user's roles, its groups' included (nested too)", async () => {
    const admin = await newSignOnUser(server(), env);
    const app = await newOidcApp(server(), env);
    const config = await relyingParty(server, env, app.id, client.ClientSecretBasic(app.secret));
    const signOn = async () => {
      const { url, checks } = await pkceAuthorization(config, { scope: 'openid profile' });
      const signedOn = await signOnInBrowser(server(), env, url, admin);
      const tokens = await client.authorizationCodeGrant(config, new URL(signedOn.location), checks);
      return tokens.access_token;
    };
    const call = (token: string, method = 'GET', path = `${base()}/users`, body?: unknown) =>
      server().request(method, path, { token, ...(body ? { body } : {}) });

    const before = await signOn();
    assert.equal((await call(before)).status, 401, 'an app without the PingOne API resource: refused');
    await grantPingOneApi(server(), env, app.id);
    const token = await signOn();
    const none = await call(token);
    assert.equal(none.status, 403, 'authenticated, but the user holds no role yet');
    assert.equal(none.body.code, 'ACCESS_FAILED');

    // A read-only role on a parent group reaches the user through a nested child group.
    const parent = await server().request('POST', `${base()}/groups`, { body: { name: unique('readers') } });
    const child = await server().request('POST', `${base()}/groups`, { body: { name: unique('team') } });
    await server().request('POST', `${base()}/groups/${parent.body.id}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: envScope() },
    });
    await server().request('POST', `${base()}/users/${admin.id}/memberOfGroups`, {
      body: { id: child.body.id },
    });
    assert.equal((await call(token)).status, 403, 'not yet nested');
    const nested = await server().request('POST', `${base()}/groups/${child.body.id}/memberOfGroups`, {
      body: { id: parent.body.id },
    });
    assert.equal(nested.status, 201);
    assert.equal((await call(token)).status, 200, 'the nested group passes the role on');
    const denied = await call(token, 'POST', `${base()}/users`, { username: unique('nope') });
    assert.equal(denied.status, 403, 'read only');

    // A direct Identity Data Admin assignment lets the user create users, but not escalate.
    const direct = await server().request('POST', `${base()}/users/${admin.id}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.identityDataAdmin }, scope: envScope() },
    });
    assert.equal(direct.status, 201, direct.text);
    const created = await call(token, 'POST', `${base()}/users`, { username: unique('made-by-user') });
    assert.equal(created.status, 201, created.text);
    // The activity names the signed-on user as well as the application the token was issued to.
    const [activity] = await activitiesOf(server(), env, created);
    assert.equal(activity?.action.type, 'USER.CREATED');
    assert.deepEqual(
      [activity?.actors.user?.id, activity?.actors.user?.name, activity?.actors.user?.type],
      [admin.id, admin.username, 'USER'],
    );
    assert.ok(activity?.actors.user?.population?.id, "the acting user's population");
    assert.equal(activity?.actors.client?.id, app.id);
    const byName = await activitiesWhere(
      server(),
      env,
      `actors.user.name eq "${admin.username}" and action.type eq "USER.CREATED"`,
    );
    assert.deepEqual(
      byName.map((a) => a.id),
      [activity?.id],
    );
    const lacking = await call(token, 'POST', `${base()}/users/${created.body.id}/roleAssignments`, {
      role: { id: ROLE_IDS.identityDataReadOnly },
      scope: envScope(),
    });
    assert.equal(lacking.status, 403, 'Identity Data Admin lacks permissions:create:roleAssignments');
    // As Environment Admin too, it may assign in its environment, but not more broadly.
    const envAdmin = await server().request('POST', `${base()}/users/${admin.id}/roleAssignments`, {
      body: { role: { id: ROLE_IDS.environmentAdmin }, scope: envScope() },
    });
    assert.equal(envAdmin.status, 201, envAdmin.text);
    const allowed = await call(token, 'POST', `${base()}/users/${created.body.id}/roleAssignments`, {
      role: { id: ROLE_IDS.identityDataReadOnly },
      scope: envScope(),
    });
    assert.equal(allowed.status, 201, allowed.text);
    const organization = (await server().request('GET', base())).body.organization.id as string;
    const escalation = await call(token, 'POST', `${base()}/users/${created.body.id}/roleAssignments`, {
      role: { id: ROLE_IDS.identityDataAdmin },
      scope: { type: 'ORGANIZATION', id: organization },
    });
    assert.equal(escalation.status, 403, escalation.text);
    assert.match(escalation.body.details[0].message, /^Must have role at the same or broader scope/);

    // Un-nesting takes the group's role away again; disabling the user ends its access.
    await server().request('DELETE', `${base()}/users/${admin.id}/roleAssignments/${direct.body.id}`);
    await server().request('DELETE', `${base()}/users/${admin.id}/roleAssignments/${envAdmin.body.id}`);
    await server().request('DELETE', `${base()}/groups/${child.body.id}/memberOfGroups/${parent.body.id}`);
    assert.equal((await call(token)).status, 403);
    await server().request('PUT', `${base()}/users/${admin.id}/enabled`, { body: { enabled: false } });
    assert.equal((await call(token)).status, 401, 'a disabled user');
  });
});
