import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStores, describeTwoPostgresServers } from '../support/harness.js';
import {
  flowsApi,
  newEnvironment,
  newSignOnApp,
  newSignOnUser,
  populationWithRules,
  sessionCookieOf,
  startFlow,
  unique,
} from './flows-helpers.js';

describeStores('Flows API: registration', (server) => {
  it('user.register creates the user in the registration population, under its password policy', async () => {
    const env = await newEnvironment(server());
    const app = await newSignOnApp(server(), env);
    const population = await populationWithRules(server(), env, { length: { min: 12 } });
    const policy = await server().request('POST', `/v1/environments/${env}/signOnPolicies`, {
      body: { name: unique('Register') },
    });
    assert.equal(policy.status, 201, policy.text);
    const action = await server().request(
      'POST',
      `/v1/environments/${env}/signOnPolicies/${policy.body.id}/actions`,
      {
        body: { type: 'LOGIN', priority: 1, registration: { enabled: true, population: { id: population } } },
      },
    );
    assert.equal(action.status, 201, action.text);
    const assigned = await server().request(
      'POST',
      `/v1/environments/${env}/applications/${app}/signOnPolicyAssignments`,
      {
        body: { signOnPolicy: { id: policy.body.id }, priority: 1 },
      },
    );
    assert.equal(assigned.status, 201, assigned.text);

    const api = flowsApi(server(), env);
    const { flow } = await startFlow(server(), env, app);
    const read = await api.get(flow.id);
    assert.ok(read.body._links['user.register'], read.text);
    assert.equal(read.body._links['password.forgot'], undefined, 'recovery is off in this policy');
    assert.equal(read.body._embedded.passwordPolicy.length.min, 12);

    const username = unique('newbie');
    const short = await api.post(flow.id, 'user.register', {
      username,
      email: `${username}@example.com`,
      password: 'Short1!',
    });
    assert.equal(short.status, 400);
    assert.equal(short.body.details[0].code, 'PASSWORD_REQUIREMENTS_NOT_MET');
    const existing = await newSignOnUser(server(), env);
    const taken = await api.post(flow.id, 'user.register', {
      username: existing.username,
      email: 'someone@example.com',
      password: 'Long-enough-Passw0rd!',
    });
    assert.equal(taken.status, 400);
    assert.equal(taken.body.details[0].code, 'UNIQUENESS_VIOLATION');
    const badEmail = await api.post(flow.id, 'user.register', {
      username,
      email: 'not-an-email',
      password: 'Long-enough-Passw0rd!',
    });
    assert.equal(badEmail.status, 400);
    assert.equal(badEmail.body.details[0].code, 'INVALID_VALUE');
    const encoded = await api.post(flow.id, 'user.register', {
      username,
      email: `${username}@example.com`,
      password: '{SSHA}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    assert.equal(encoded.status, 400);

    const done = await api.post(flow.id, 'user.register', {
      username,
      email: `${username}@example.com`,
      password: 'Long-enough-Passw0rd!',
    });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body.status, 'COMPLETED');
    assert.ok(sessionCookieOf(done.headers));
    const user = await server().request(
      'GET',
      `/v1/environments/${env}/users/${done.body._embedded.user.id}`,
    );
    assert.equal(user.body.population.id, population);
    const second = await startFlow(server(), env, app);
    const signOn = await api.post(second.flow.id, 'usernamePassword.check', {
      username,
      password: 'Long-enough-Passw0rd!',
    });
    assert.equal(signOn.body.status, 'COMPLETED', signOn.text);
  });
});

describeTwoPostgresServers('Flows API across two processes', (servers) => {
  it('a flow started on one process is continued and finished on the other; one of two racing actions wins', async () => {
    const [a, b] = servers();
    const env = await newEnvironment(a);
    const app = await newSignOnApp(a, env);
    const user = await newSignOnUser(a, env, { forceChange: true });
    const { flow } = await startFlow(a, env, app);
    const onB = await flowsApi(b, env).post(flow.id, 'usernamePassword.check', {
      username: user.username,
      password: user.password,
    });
    assert.equal(onB.body.status, 'MUST_CHANGE_PASSWORD', onB.text);
    assert.equal((await flowsApi(a, env).get(flow.id)).body.status, 'MUST_CHANGE_PASSWORD');
    const body = { currentPassword: user.password, newPassword: 'Quartz!River92x' };
    const results = await Promise.all([
      flowsApi(a, env).post(flow.id, 'password.reset', body),
      flowsApi(b, env).post(flow.id, 'password.reset', body),
    ]);
    const completed = results.filter((r) => r.status === 200 && r.body.status === 'COMPLETED');
    assert.equal(completed.length, 1, results.map((r) => r.text).join('\n'));
    const st = sessionCookieOf(completed[0]!.headers)!;
    const sso = await startFlow(b, env, app, { context: { sessionId: st } });
    assert.equal(sso.flow.status, 'COMPLETED');
    const consumed = await Promise.allSettled([
      a.services.flows.consume(env, sso.flow.id),
      b.services.flows.consume(env, sso.flow.id),
    ]);
    assert.equal(consumed.filter((c) => c.status === 'fulfilled').length, 1);
  });
});
