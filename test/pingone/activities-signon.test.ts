import assert from 'node:assert/strict';
import { it } from 'node:test';
import { activitiesWhere } from '../support/activities.js';
import { describeStores } from '../support/harness.js';
import {
  newEnvironment,
  newSignOnApp,
  newSignOnUser,
  sessionCookieOf,
  startFlow,
} from '../pingone-auth/flows-helpers.js';

describeStores('audit activities of sign-on', (server) => {
  it('records access allowed and the session, a failed check, and the session’s end; never its id', async () => {
    const env = await newEnvironment(server());
    const app = await newSignOnApp(server(), env);
    const user = await newSignOnUser(server(), env);
    const check = async (password: string, cookie?: string) => {
      const { flow } = await startFlow(server(), env, app);
      return server().request('POST', `/${env}/flows/${flow.id}`, {
        token: null,
        body: { username: user.username, password },
        contentType: 'application/vnd.pingidentity.usernamePassword.check+json',
        headers: cookie ? { cookie: `ST=${cookie}` } : {},
      });
    };
    const wrong = await check('not-the-password-1A!');
    assert.equal(wrong.status, 400, wrong.text);
    const signedOn = await check(user.password);
    assert.equal(signedOn.body.status, 'COMPLETED', signedOn.text);
    const sessionId = sessionCookieOf(signedOn.headers)!;
    const again = await check(user.password, sessionId);
    assert.equal(again.body.status, 'COMPLETED', again.text);
    const ended = await server().request(
      'DELETE',
      `/v1/environments/${env}/users/${user.id}/sessions/${sessionId}`,
    );
    assert.equal(ended.status, 204, ended.text);

    const found = await activitiesWhere(server(), env, `resources.id eq "${user.id}"`);
    assert.deepEqual(found.map((a) => `${a.action.type} ${a.result.status}`).slice(-8), [
      'PASSWORD.CHECK_FAILED FAILED',
      'PASSWORD.CHECK_SUCCEEDED SUCCESS',
      'USER.ACCESS_ALLOWED SUCCESS',
      'SESSION.CREATED SUCCESS',
      'PASSWORD.CHECK_SUCCEEDED SUCCESS',
      'USER.ACCESS_ALLOWED SUCCESS',
      'SESSION.UPDATED SUCCESS',
      'SESSION.DELETED SUCCESS',
    ]);
    const allowed = found.find((a) => a.action.type === 'USER.ACCESS_ALLOWED')!;
    assert.equal(allowed.actors.client?.id, app);
    assert.deepEqual([allowed.actors.user?.id, allowed.actors.user?.name], [user.id, user.username]);
    assert.equal(found.at(-1)!.correlationId, ended.headers['correlation-id']);
    assert.doesNotMatch(JSON.stringify(found), new RegExp(sessionId), 'the ST value never');
  });
});
