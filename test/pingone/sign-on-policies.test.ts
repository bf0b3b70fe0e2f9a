import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertContract } from '../support/contract.js';
import { BOOTSTRAP, describeStores } from '../support/harness.js';
import {
  actionsPath,
  createPolicy,
  listPolicies,
  newEnvironment,
  policiesPath,
  unique,
} from './sign-on-policies-helpers.js';
import { ROLE_IDS, workerToken } from '../support/fixtures.js';

describeStores('sign-on policies', (server) => {
  it('seeds Single_Factor (the default, one LOGIN action with recovery) in every new environment', async () => {
    const env = await newEnvironment(server());
    const list = await server().request('GET', policiesPath(env));
    assert.equal(list.status, 200, list.text);
    assertContract('GET', '/environments/{envID}/signOnPolicies', list);
    const policies = list.body._embedded.signOnPolicies;
    assert.equal(policies.length, 1);
    const [policy] = policies;
    assert.equal(policy.name, 'Single_Factor');
    assert.equal(policy.default, true);
    assert.equal(policy.environment.id, env);
    assert.equal(policy._links.self.href, `http://tessera.test${policiesPath(env)}/${policy.id}`);
    assert.equal(policy._links.actions.href, `http://tessera.test${actionsPath(env, policy.id)}`);

    const actions = await server().request('GET', actionsPath(env, policy.id));
    assert.equal(actions.status, 200, actions.text);
    assertContract('GET', actionsPath(env, policy.id), actions);
    const [login, ...others] = actions.body._embedded.actions;
    assert.equal(others.length, 0);
    const { _links, id, ...rest } = login;
    assert.ok(id && _links.self.href.endsWith(`/actions/${id}`));
    assert.deepEqual(rest, {
      environment: { id: env },
      signOnPolicy: { id: policy.id },
      type: 'LOGIN',
      priority: 1,
      recovery: { enabled: true },
      registration: { enabled: false },
      enforceLockoutForIdentityProviders: false,
    });
    const bootstrapped = await listPolicies(server(), BOOTSTRAP.environmentId);
    assert.ok(bootstrapped.some((p) => p.name === 'Single_Factor' && p.default === true));
  });

  it('creates, reads, lists, replaces and deletes a policy', async () => {
    const env = await newEnvironment(server());
    const name = unique('Custom');
    // Ping's use-case pages send the flag as a string.
    const created = await server().request('POST', policiesPath(env), {
      body: { name, description: 'a custom policy', default: 'false' },
    });
    assert.equal(created.status, 201, created.text);
    assertContract('POST', '/environments/{envID}/signOnPolicies', created);
    assert.equal(created.headers.location, created.body._links.self.href);
    assert.equal(created.body.default, false);
    assert.equal(created.body.description, 'a custom policy');
    const id = created.body.id as string;

    const read = await server().request('GET', `${policiesPath(env)}/${id}`);
    assert.equal(read.status, 200);
    assertContract('GET', `${policiesPath(env)}/${id}`, read);
    assert.deepEqual(read.body, created.body);
    assert.ok((await listPolicies(server(), env)).some((p) => p.id === id));

    server().clock.advance(1000);
    const replaced = await server().request('PUT', `${policiesPath(env)}/${id}`, {
      body: { name: `${name}.v2`, id, environment: { id: env } },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assertContract('PUT', `${policiesPath(env)}/${id}`, replaced);
    assert.equal(replaced.body.name, `${name}.v2`);
    assert.equal(replaced.body.description, undefined, 'a replace drops what it leaves out');
    assert.notEqual(replaced.body.updatedAt, created.body.updatedAt);
    assert.equal(replaced.body.createdAt, created.body.createdAt);

    const deleted = await server().request('DELETE', `${policiesPath(env)}/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await server().request('GET', `${policiesPath(env)}/${id}`)).status, 404);
    assert.equal((await server().request('GET', `${actionsPath(env, id)}`)).status, 404);
    assert.equal((await server().request('DELETE', `${policiesPath(env)}/${id}`)).status, 404);
  });

  it('checks names: the allowed characters, absolute URIs, uniqueness per environment', async () => {
    const env = await newEnvironment(server());
    for (const bad of ['has/slash', 'emoji 🙂', 'not a uri: really', ':starts-with-colon']) {
      const res = await server().request('POST', policiesPath(env), { body: { name: bad } });
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.code, 'INVALID_DATA');
      assert.equal(res.body.details[0].code, 'INVALID_VALUE');
      assert.equal(res.body.details[0].target, 'name');
    }
    await createPolicy(server(), env, { name: 'urn:example:policy' });
    await createPolicy(server(), env, { name: 'Multi Factor-v1.2_b' });

    const duplicate = await server().request('POST', policiesPath(env), { body: { name: 'single_factor' } });
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.details[0].code, 'UNIQUENESS_VIOLATION');
    assert.equal(duplicate.body.details[0].target, 'name');
    const other = await createPolicy(server(), env);
    const renamed = await server().request('PUT', `${policiesPath(env)}/${other.id}`, {
      body: { name: 'Single_Factor' },
    });
    assert.equal(renamed.status, 400);
    assert.equal(renamed.body.details[0].code, 'UNIQUENESS_VIOLATION');
    // Another environment may reuse the name.
    await createPolicy(server(), await newEnvironment(server()), { name: 'urn:example:policy' });
    const missing = await server().request('POST', policiesPath(env), { body: { description: 'x' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.details[0].target, 'name');
  });

  it('keeps exactly one default, which cannot be unset or deleted', async () => {
    const env = await newEnvironment(server());
    const single = (await listPolicies(server(), env))[0]!;
    const made = await createPolicy(server(), env, { default: true });
    let policies = await listPolicies(server(), env);
    assert.deepEqual(
      policies.filter((p) => p.default).map((p) => p.id),
      [made.id],
    );

    const back = await server().request('PUT', `${policiesPath(env)}/${single.id}`, {
      body: { name: 'Single_Factor', default: true },
    });
    assert.equal(back.status, 200, back.text);
    policies = await listPolicies(server(), env);
    assert.deepEqual(
      policies.filter((p) => p.default).map((p) => p.id),
      [single.id],
    );

    const unset = await server().request('PUT', `${policiesPath(env)}/${single.id}`, {
      body: { name: 'Single_Factor', default: false },
    });
    assert.equal(unset.status, 400);
    assert.equal(unset.body.details[0].target, 'default');
    // Leaving the flag out keeps it.
    const kept = await server().request('PUT', `${policiesPath(env)}/${single.id}`, {
      body: { name: 'Single_Factor', description: 'still the default' },
    });
    assert.equal(kept.body.default, true);
    // `false` on a policy that is not the default changes nothing.
    const plain = await server().request('PUT', `${policiesPath(env)}/${made.id}`, {
      body: { name: made.name, default: false },
    });
    assert.equal(plain.status, 200, plain.text);

    const refused = await server().request('DELETE', `${policiesPath(env)}/${single.id}`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'REQUEST_FAILED');
    assert.equal(refused.body.details[0].code, 'CONSTRAINT_VIOLATION');
    assert.equal((await server().request('DELETE', `${policiesPath(env)}/${made.id}`)).status, 204);
  });

  it('needs Environment Admin to write; Configuration Read Only may read; others get 403', async () => {
    const env = BOOTSTRAP.environmentId;
    const reader = await workerToken(server(), ROLE_IDS.configurationReadOnly, {
      id: env,
      type: 'ENVIRONMENT',
    });
    const dataAdmin = await workerToken(server(), ROLE_IDS.identityDataAdmin, {
      id: env,
      type: 'ENVIRONMENT',
    });
    const policy = (await listPolicies(server(), env))[0]!;
    assert.equal((await server().request('GET', policiesPath(env), { token: reader })).status, 200);
    assert.equal((await server().request('GET', actionsPath(env, policy.id), { token: reader })).status, 200);
    const write = await server().request('POST', policiesPath(env), {
      token: reader,
      body: { name: unique('Denied') },
    });
    assert.equal(write.status, 403);
    assert.equal(write.body.code, 'ACCESS_FAILED');
    const action = await server().request('POST', actionsPath(env, policy.id), {
      token: reader,
      body: { type: 'LOGIN', priority: 7 },
    });
    assert.equal(action.status, 403);
    assert.equal((await server().request('GET', policiesPath(env), { token: dataAdmin })).status, 403);
    assert.equal((await server().request('GET', policiesPath(env), { token: null })).status, 401);
  });

  it('answers 404 for an unknown environment or policy', async () => {
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    assert.equal((await server().request('GET', policiesPath(unknown))).status, 404);
    const env = await newEnvironment(server());
    assert.equal((await server().request('GET', `${policiesPath(env)}/${unknown}`)).status, 404);
    assert.equal(
      (await server().request('PUT', `${policiesPath(env)}/${unknown}`, { body: { name: 'x' } })).status,
      404,
    );
    // A policy of another environment is not found through this one.
    const foreign = (await listPolicies(server(), BOOTSTRAP.environmentId))[0]!;
    assert.equal((await server().request('GET', `${policiesPath(env)}/${foreign.id}`)).status, 404);
  });
});
