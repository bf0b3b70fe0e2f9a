import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createUser, ROLE_IDS, unique } from '../support/fixtures.js';
import { describeStores } from '../support/harness.js';
import { createEnvironment, uipathToken } from './uipath-helpers.js';

/**
 * Least privilege (issue 10, docs/security.md): a worker created with its own OAuth scopes (a
 * UiPath external application) inherits none of its creator's role assignments, while a plain
 * PingOne worker keeps PingOne's inheritance.
 */
describeStores('workers with UiPath scopes inherit no PingOne role', (server) => {
  let env: string;
  let appId: string;
  let token: string;
  let userId: string;

  before(async () => {
    env = await createEnvironment(server());
    userId = (await createUser(server(), env, { username: unique('lp'), email: 'lp@example.com' })).id;
    // Created with a plain POST (the bootstrap admin is organization-wide admin), not createWorker.
    const created = await server().request('POST', `/v1/environments/${env}/applications`, {
      body: { name: unique('ext'), type: 'WORKER', scopes: ['PM.User.Read'] },
    });
    assert.equal(created.status, 201, created.text);
    appId = created.body.id as string;
    const secret = await server().request('GET', `/v1/environments/${env}/applications/${appId}/secret`);
    token = await uipathToken(
      server(),
      { environmentId: env, clientId: appId, clientSecret: secret.body.secret as string },
      'PM.User.Read',
    );
  });

  it('has no role assignment after creation', async () => {
    const roles = await server().request(
      'GET',
      `/v1/environments/${env}/applications/${appId}/roleAssignments`,
    );
    assert.equal(roles.status, 200, roles.text);
    assert.deepEqual(roles.body._embedded.roleAssignments, []);
  });

  it('reads users on the UiPath face, as PM.User.Read allows', async () => {
    const read = await server().request('GET', `/identity_/api/User/${userId}`, { token });
    assert.equal(read.status, 200, read.text);
  });

  it('gets 403 for PingOne management writes and reads', async () => {
    const refusals = [
      ['POST', `/v1/environments/${env}/users`, { username: unique('x') }],
      ['PATCH', `/v1/environments/${env}/users/${userId}`, { name: { given: 'X' } }],
      ['DELETE', `/v1/environments/${env}/users/${userId}`, undefined],
      ['POST', `/v1/environments`, { name: unique('e'), type: 'SANDBOX', region: 'NA' }],
      ['POST', `/v1/environments/${env}/applications`, { name: unique('w'), type: 'WORKER' }],
      ['GET', `/v1/environments/${env}/users/${userId}`, undefined],
      ['GET', `/v1/environments/${env}/applications`, undefined],
      ['GET', `/v1/environments/${env}`, undefined],
    ] as const;
    for (const [method, url, body] of refusals) {
      const response = await server().request(method, url, { token, body });
      assert.equal(response.status, 403, `${method} ${url}: ${response.text}`);
      assert.equal(response.body.code, 'ACCESS_FAILED', response.text);
    }
  });

  it('gets PingOne rights only when they are granted explicitly', async () => {
    const granted = await server().request(
      'POST',
      `/v1/environments/${env}/applications/${appId}/roleAssignments`,
      { body: { role: { id: ROLE_IDS.identityDataReadOnly }, scope: { id: env, type: 'ENVIRONMENT' } } },
    );
    assert.equal(granted.status, 201, granted.text);
    const read = await server().request('GET', `/v1/environments/${env}/users/${userId}`, { token });
    assert.equal(read.status, 200, read.text);
    const write = await server().request('POST', `/v1/environments/${env}/users`, {
      token,
      body: { username: unique('y') },
    });
    assert.equal(write.status, 403, write.text);
  });

  it('a PingOne worker created without scopes still inherits its creator’s roles', async () => {
    const created = await server().request('POST', `/v1/environments/${env}/applications`, {
      body: { name: unique('w'), type: 'WORKER' },
    });
    assert.equal(created.status, 201, created.text);
    const roles = await server().request(
      'GET',
      `/v1/environments/${env}/applications/${created.body.id}/roleAssignments`,
    );
    assert.ok(roles.body._embedded.roleAssignments.length > 0, roles.text);
  });
});
