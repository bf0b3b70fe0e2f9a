import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import * as migration from '../../src/db/migrations/0006_sign_on_policies.js';
import { describeStores } from '../support/harness.js';
import {
  actionsPath,
  createPolicy,
  createWorkerApp,
  assign,
  listPolicies,
  newEnvironment,
} from '../pingone/sign-on-policies-helpers.js';

describeStores('sign-on policies migration (0006)', (server) => {
  it('gives environments that existed before it the Single_Factor policy the API serves', async () => {
    const env = await newEnvironment(server());
    // Back to the store as it was before 0006, then forward again: `env` now predates the tables.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take an untyped handle
    const db = server().services.store.db as unknown as Kysely<any>;
    await migration.down(db);
    await migration.up(db);

    const policies = await listPolicies(server(), env);
    assert.deepEqual(
      policies.map((p) => [p.name, p.default]),
      [['Single_Factor', true]],
    );
    const actions = await server().request('GET', actionsPath(env, policies[0]!.id));
    assert.equal(actions.status, 200, actions.text);
    const [login, ...others] = actions.body._embedded.actions;
    assert.equal(others.length, 0);
    assert.equal(login.type, 'LOGIN');
    assert.equal(login.priority, 1);
    assert.deepEqual(login.recovery, { enabled: true });
    assert.deepEqual(login.registration, { enabled: false });
    // The seeded rows are ordinary: the default rule and the resolver apply to them.
    const app = await createWorkerApp(server(), env);
    assert.equal(
      (await server().services.signOnPolicies.resolver.resolve(env, app, []))?.id,
      policies[0]!.id,
    );
    const refused = await server().request(
      'DELETE',
      `/v1/environments/${env}/signOnPolicies/${policies[0]!.id}`,
    );
    assert.equal(refused.status, 400);
  });

  it('deleting an environment removes its policies, actions and assignments', async () => {
    const env = await newEnvironment(server());
    const app = await createWorkerApp(server(), env);
    const policy = await createPolicy(server(), env, {}, {});
    await assign(server(), env, app, policy.id, 1);
    const deleted = await server().request('DELETE', `/v1/environments/${env}`);
    assert.equal(deleted.status, 204, deleted.text);
    const db = server().services.store.db;
    for (const table of [
      'sign_on_policies',
      'sign_on_policy_actions',
      'sign_on_policy_assignments',
    ] as const) {
      const rows = await db.selectFrom(table).select('id').where('environment_id', '=', env).execute();
      assert.equal(rows.length, 0, table);
    }
  });
});
