import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertContract } from '../support/contract.js';
import { describeStores } from '../support/harness.js';
import { actionsPath, createPolicy, newEnvironment, unique } from './sign-on-policies-helpers.js';

const CONDITION = {
  or: [
    { value: '${session.lastSignOn.withAuthenticator.pwd.at}', greater: 28800 },
    { ipRange: ['10.0.0.0/8'], contains: '${flow.request.http.remoteIp}' },
  ],
};

describeStores('sign-on policy actions', (server) => {
  it('creates, reads, lists by priority, replaces and deletes LOGIN actions', async () => {
    const env = await newEnvironment(server());
    const population = await server().request('POST', `/v1/environments/${env}/populations`, {
      body: { name: unique('Registered') },
    });
    assert.equal(population.status, 201, population.text);
    const policy = await createPolicy(server(), env);
    const path = actionsPath(env, policy.id);

    const second = await server().request('POST', path, {
      body: {
        type: 'LOGIN',
        priority: 2,
        condition: CONDITION,
        recovery: { enabled: true },
        registration: {
          enabled: true,
          population: { id: population.body.id },
          confirmIdentityProviderAttributes: false,
        },
        enforceLockoutForIdentityProviders: true,
        socialProviders: [],
        signOnPolicy: { id: policy.id },
        environment: { id: env },
      },
    });
    assert.equal(second.status, 201, second.text);
    assertContract('POST', path, second);
    assert.equal(second.headers.location, second.body._links.self.href);
    assert.deepEqual(second.body.condition, CONDITION, 'the condition is kept exactly as sent');
    assert.deepEqual(second.body.registration, {
      enabled: true,
      population: { id: population.body.id },
      confirmIdentityProviderAttributes: false,
    });
    assert.equal(second.body.enforceLockoutForIdentityProviders, true);
    assert.equal(
      second.body._links.signOnPolicy.href,
      `http://tessera.test/v1/environments/${env}/signOnPolicies/${policy.id}`,
    );

    // Defaults: recovery and registration disabled, as on a new PingOne policy.
    const first = await server().request('POST', path, { body: { type: 'LOGIN', priority: 1 } });
    assert.equal(first.status, 201, first.text);
    assert.deepEqual(first.body.recovery, { enabled: false });
    assert.deepEqual(first.body.registration, { enabled: false });
    assert.equal(first.body.condition, undefined);

    const list = await server().request('GET', path);
    assert.equal(list.status, 200);
    assertContract('GET', path, list);
    assert.deepEqual(
      list.body._embedded.actions.map((a: { id: string }) => a.id),
      [first.body.id, second.body.id],
    );

    const read = await server().request('GET', `${path}/${second.body.id}`);
    assert.equal(read.status, 200);
    assertContract('GET', `${path}/${second.body.id}`, read);
    assert.deepEqual(read.body, second.body);

    const replaced = await server().request('PUT', `${path}/${second.body.id}`, {
      body: { type: 'LOGIN', priority: 3, recovery: { enabled: false } },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assertContract('PUT', `${path}/${second.body.id}`, replaced);
    assert.equal(replaced.body.priority, 3);
    assert.equal(replaced.body.condition, undefined, 'a replace drops the condition it leaves out');
    assert.deepEqual(replaced.body.registration, { enabled: false });

    assert.equal((await server().request('DELETE', `${path}/${second.body.id}`)).status, 204);
    assert.equal((await server().request('GET', `${path}/${second.body.id}`)).status, 404);
    assert.equal((await server().request('DELETE', `${path}/${second.body.id}`)).status, 404);
  });

  it('refuses the other PingOne action types as not supported yet, and unknown types', async () => {
    const env = await newEnvironment(server());
    const policy = await createPolicy(server(), env);
    for (const type of [
      'MULTI_FACTOR_AUTHENTICATION',
      'IDENTIFIER_FIRST',
      'AGREEMENT',
      'PINGID_AUTHENTICATION',
    ]) {
      const res = await server().request('POST', actionsPath(env, policy.id), {
        body: { type, priority: 1, deviceAuthenticationPolicy: { id: 'x' }, agreement: { id: 'y' } },
      });
      assert.equal(res.status, 400, type);
      assert.equal(res.body.code, 'INVALID_DATA');
      assert.equal(res.body.details[0].code, 'INVALID_VALUE');
      assert.equal(res.body.details[0].target, 'type');
      assert.match(res.body.details[0].message, new RegExp(`${type} is not supported yet`));
    }
    const unknown = await server().request('POST', actionsPath(env, policy.id), {
      body: { type: 'PASSWORDLESS', priority: 1 },
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.details[0].target, 'type');
    assert.match(unknown.body.details[0].message, /must be one of LOGIN, MULTI_FACTOR_AUTHENTICATION/);
    const missing = await server().request('POST', actionsPath(env, policy.id), { body: { priority: 1 } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.details[0].target, 'type');
    // Nothing was created.
    const list = await server().request('GET', actionsPath(env, policy.id));
    assert.equal(list.body._embedded.actions.length, 0);
  });

  it('checks priorities, the registration population and the LOGIN options it cannot honour', async () => {
    const env = await newEnvironment(server());
    const policy = await createPolicy(server(), env, {}, {});
    const path = actionsPath(env, policy.id);
    for (const priority of [0, -1, 1.5, '2']) {
      const res = await server().request('POST', path, { body: { type: 'LOGIN', priority } });
      assert.equal(res.status, 400, String(priority));
      assert.equal(res.body.details[0].target, 'priority');
    }
    const taken = await server().request('POST', path, { body: { type: 'LOGIN', priority: 1 } });
    assert.equal(taken.status, 400);
    assert.equal(taken.body.details[0].code, 'UNIQUENESS_VIOLATION');
    assert.equal(taken.body.details[0].target, 'priority');

    const noPopulation = await server().request('POST', path, {
      body: {
        type: 'LOGIN',
        priority: 2,
        registration: { enabled: true, population: { id: '00000000-0000-4000-8000-000000000999' } },
      },
    });
    assert.equal(noPopulation.status, 400);
    assert.equal(noPopulation.body.details[0].target, 'registration.population.id');

    for (const [field, extra] of [
      ['socialProviders', { socialProviders: [{ id: '00000000-0000-4000-8000-000000000998' }] }],
      ['newUserProvisioning', { newUserProvisioning: { gateways: [] } }],
      [
        'registration.external',
        { registration: { enabled: false, external: { href: 'https://x.example' } } },
      ],
    ] as const) {
      const res = await server().request('POST', path, { body: { type: 'LOGIN', priority: 2, ...extra } });
      assert.equal(res.status, 400, field);
      assert.equal(res.body.details[0].target, field);
      assert.match(res.body.details[0].message, /not supported yet/);
    }

    // A replace may keep its own priority but not take another action's.
    const other = await server().request('POST', path, { body: { type: 'LOGIN', priority: 2 } });
    assert.equal(other.status, 201, other.text);
    const same = await server().request('PUT', `${path}/${other.body.id}`, {
      body: { type: 'LOGIN', priority: 2 },
    });
    assert.equal(same.status, 200, same.text);
    const clash = await server().request('PUT', `${path}/${other.body.id}`, {
      body: { type: 'LOGIN', priority: 1 },
    });
    assert.equal(clash.status, 400);
    assert.equal(clash.body.details[0].code, 'UNIQUENESS_VIOLATION');
    const toMfa = await server().request('PUT', `${path}/${other.body.id}`, {
      body: { type: 'MULTI_FACTOR_AUTHENTICATION', priority: 2 },
    });
    assert.equal(toMfa.status, 400);
    assert.equal(toMfa.body.details[0].target, 'type');
  });

  it('allows at most 20 actions per policy', async () => {
    const env = await newEnvironment(server());
    const policy = await createPolicy(server(), env);
    const path = actionsPath(env, policy.id);
    for (let priority = 1; priority <= 20; priority++) {
      const res = await server().request('POST', path, { body: { type: 'LOGIN', priority } });
      assert.equal(res.status, 201, res.text);
    }
    const over = await server().request('POST', path, { body: { type: 'LOGIN', priority: 21 } });
    assert.equal(over.status, 400);
    assert.equal(over.body.code, 'INVALID_DATA');
    assert.equal(over.body.details[0].code, 'SIZE_LIMIT_EXCEEDED');
    assert.match(over.body.details[0].message, /at most 20 actions/);
    const list = await server().request('GET', path);
    assert.equal(list.body._embedded.actions.length, 20);
    assert.equal(list.body.size, 20);
    // Deleting one makes room again.
    await server().request('DELETE', `${path}/${list.body._embedded.actions[0].id}`);
    assert.equal(
      (await server().request('POST', path, { body: { type: 'LOGIN', priority: 21 } })).status,
      201,
    );
  });

  it('answers 404 for an action of another policy or an unknown policy', async () => {
    const env = await newEnvironment(server());
    const a = await createPolicy(server(), env, {}, {});
    const b = await createPolicy(server(), env);
    const [action] = (await server().request('GET', actionsPath(env, a.id))).body._embedded.actions;
    assert.equal((await server().request('GET', `${actionsPath(env, b.id)}/${action.id}`)).status, 404);
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    assert.equal((await server().request('GET', actionsPath(env, unknown))).status, 404);
    const post = await server().request('POST', actionsPath(env, unknown), {
      body: { type: 'LOGIN', priority: 1 },
    });
    assert.equal(post.status, 404);
  });
});
