import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStores } from '../support/harness.js';
import { newEnvironment, newSignOnApp, newSignOnUser, startFlow } from './flows-helpers.js';

describeStores('sign-on engine (services.flows)', (server) => {
  it('signs on with a password, issues a session, and a later flow completes by SSO', async () => {
    const env = await newEnvironment(server());
    const app = await newSignOnApp(server(), env);
    const user = await newSignOnUser(server(), env);
    const { flow } = await startFlow(server(), env, app);
    assert.equal(flow.status, 'USERNAME_PASSWORD_REQUIRED');
    assert.equal(flow.policy.name, 'Single_Factor');
    const done = await server().services.flows.act(
      env,
      flow.id,
      { type: 'usernamePassword.check', username: user.username.toUpperCase(), password: user.password },
      { remoteIp: '10.0.0.1', userAgent: 'test-agent' },
    );
    assert.equal(done.flow.status, 'COMPLETED');
    assert.equal(done.flow.userId, user.id);
    assert.deepEqual(done.flow.amr, ['pwd']);
    assert.ok(done.session);
    assert.equal(done.flow.sessionId, done.session.id);

    const sso = await startFlow(server(), env, app, { context: { sessionId: done.session.id } });
    assert.equal(sso.flow.status, 'COMPLETED');
    assert.equal(sso.flow.userId, user.id);
    const consumed = await server().services.flows.consume(env, sso.flow.id);
    assert.equal(consumed.id, sso.flow.id);
    await assert.rejects(server().services.flows.consume(env, sso.flow.id), { kind: 'not_found' });

    const login = await startFlow(server(), env, app, {
      context: { sessionId: done.session.id },
      request: { prompt: 'login' },
    });
    assert.equal(login.flow.status, 'PASSWORD_REQUIRED');
    assert.equal(login.flow.username, user.username);
    const none = await startFlow(server(), env, app, { request: { prompt: 'none' } });
    assert.equal(none.flow.status, 'FAILED');
    assert.equal(none.flow.failure?.error, 'login_required');
  });
});
