import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStores } from '../support/harness.js';
import {
  actionsPath,
  assignmentsPath,
  createPolicy,
  createWorkerApp,
  listPolicies,
  newEnvironment,
  policiesPath,
} from './sign-on-policies-helpers.js';

// Concurrent requests on one server: on PostgreSQL they run in parallel transactions of the pool.
describeStores('sign-on policies under concurrent writes', (server) => {
  it('concurrent default changes leave exactly one default', async () => {
    const env = await newEnvironment(server());
    const policies = await Promise.all(Array.from({ length: 6 }, () => createPolicy(server(), env)));
    const results = await Promise.all(
      policies.map((p) =>
        server().request('PUT', `${policiesPath(env)}/${p.id}`, { body: { name: p.name, default: true } }),
      ),
    );
    for (const r of results) assert.equal(r.status, 200, r.text);
    const defaults = (await listPolicies(server(), env)).filter((p) => p.default);
    assert.equal(defaults.length, 1);
  });

  it('concurrent action creates never pass the 20-action limit', async () => {
    const env = await newEnvironment(server());
    const policy = await createPolicy(server(), env);
    const path = actionsPath(env, policy.id);
    for (let priority = 1; priority <= 18; priority++) {
      assert.equal((await server().request('POST', path, { body: { type: 'LOGIN', priority } })).status, 201);
    }
    const results = await Promise.all(
      [19, 20, 21, 22, 23].map((priority) =>
        server().request('POST', path, { body: { type: 'LOGIN', priority } }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 2);
    assert.ok(
      results.filter((r) => r.status !== 201).every((r) => r.body.details[0].code === 'SIZE_LIMIT_EXCEEDED'),
    );
    assert.equal((await server().request('GET', path)).body._embedded.actions.length, 20);
  });

  it('a policy deleted while it is being assigned ends either deleted or assigned, never both', async () => {
    const env = await newEnvironment(server());
    const app = await createWorkerApp(server(), env);
    const policy = await createPolicy(server(), env, {}, {});
    const [assigned, deleted] = await Promise.all([
      server().request('POST', assignmentsPath(env, app), {
        body: { signOnPolicy: { id: policy.id }, priority: 1 },
      }),
      server().request('DELETE', `${policiesPath(env)}/${policy.id}`),
    ]);
    assert.equal([assigned.status, deleted.status].filter((s) => s === 201 || s === 204).length, 1);
    const exists = (await server().request('GET', `${policiesPath(env)}/${policy.id}`)).status === 200;
    const list = await server().request('GET', assignmentsPath(env, app));
    assert.equal(list.body._embedded.signOnPolicyAssignments.length, exists ? 1 : 0);
    assert.equal(exists, assigned.status === 201);
  });
});
