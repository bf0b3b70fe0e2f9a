import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertContract } from '../support/contract.js';
import { describeStores } from '../support/harness.js';
import {
  flowsApi,
  newEnvironment,
  newSignOnApp,
  newSignOnUser,
  sessionCookieOf,
  startFlow,
} from '../pingone-auth/flows-helpers.js';
import { travel } from './password-helpers.js';

describeStores('user sessions (management API)', (server) => {
  it('lists, reads and deletes sessions, newest first; a deleted session no longer gives SSO; at most 10', async () => {
    const env = await newEnvironment(server());
    const app = await newSignOnApp(server(), env);
    const user = await newSignOnUser(server(), env);
    const api = flowsApi(server(), env);
    const signOn = async () => {
      const { flow } = await startFlow(server(), env, app);
      const res = await server().request('POST', `/${env}/flows/${flow.id}`, {
        token: null,
        body: { username: user.username, password: user.password },
        contentType: 'application/vnd.pingidentity.usernamePassword.check+json',
        headers: { 'user-agent': 'Mozilla/5.0 (test)', 'x-forwarded-for': '203.0.113.9' },
      });
      assert.equal(res.body.status, 'COMPLETED', res.text);
      travel(server(), 1000);
      return sessionCookieOf(res.headers)!;
    };
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push(await signOn());

    const path = `/v1/environments/${env}/users/${user.id}/sessions`;
    const list = await server().request('GET', path);
    assert.equal(list.status, 200, list.text);
    assertContract('GET', path, list, { optional: true });
    const listed = list.body._embedded.sessions as Array<{
      id: string;
      userAgent: string;
      lastSignOn: { at: string };
    }>;
    assert.equal(listed.length, 10, 'the 11th sign-on dropped the oldest');
    assert.deepEqual(
      listed.map((s) => s.id),
      ids.slice(1).reverse(),
    );
    assert.equal(listed[0]!.userAgent, 'Mozilla/5.0 (test)');
    const dropped = await startFlow(server(), env, app, { context: { sessionId: ids[0] } });
    assert.equal(dropped.flow.status, 'USERNAME_PASSWORD_REQUIRED');

    const newest = ids[10]!;
    const read = await server().request('GET', `${path}/${newest}`);
    assert.equal(read.status, 200, read.text);
    assertContract('GET', `${path}/${newest}`, read, { optional: true });
    assert.equal(read.body.user.id, user.id);
    assert.equal(read.body.environment.id, env);
    assert.ok(read.body.lastSignOn.at);
    assert.equal(JSON.stringify(read.body).includes(user.password), false);

    const deleted = await server().request('DELETE', `${path}/${newest}`);
    assert.equal(deleted.status, 204, deleted.text);
    const gone = await server().request('GET', `${path}/${newest}`);
    assert.equal(gone.status, 404);
    assertContract('GET', `${path}/${newest}`, gone);
    const noSso = await startFlow(server(), env, app, { context: { sessionId: newest } });
    assert.equal(noSso.flow.status, 'USERNAME_PASSWORD_REQUIRED');
    assert.equal((await api.get(noSso.flow.id)).status, 200);

    // A session of a user who was disabled since does not count either.
    const live = ids[9]!;
    assert.equal(
      (await startFlow(server(), env, app, { context: { sessionId: live } })).flow.status,
      'COMPLETED',
    );
    const off = await server().request('PUT', `/v1/environments/${env}/users/${user.id}/enabled`, {
      body: { enabled: false },
    });
    assert.equal(off.status, 200, off.text);
    assert.equal(
      (await startFlow(server(), env, app, { context: { sessionId: live } })).flow.status,
      'USERNAME_PASSWORD_REQUIRED',
    );
  });

  it('needs a token that can read the user', async () => {
    const env = await newEnvironment(server());
    const user = await newSignOnUser(server(), env);
    const res = await server().request('GET', `/v1/environments/${env}/users/${user.id}/sessions`, {
      token: null,
    });
    assert.equal(res.status, 401);
  });
});
