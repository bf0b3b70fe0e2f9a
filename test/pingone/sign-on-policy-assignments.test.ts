import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertContract } from '../support/contract.js';
import { describeStores } from '../support/harness.js';
import {
  actionsPath,
  assign,
  assignmentsPath,
  createPolicy,
  createWorkerApp,
  listPolicies,
  newEnvironment,
  policiesPath,
} from './sign-on-policies-helpers.js';

describeStores('application sign-on policy assignments', (server) => {
  it('creates, reads, lists by priority, replaces and deletes assignments', async () => {
    const env = await newEnvironment(server());
    const app = await createWorkerApp(server(), env);
    const a = await createPolicy(server(), env, {}, {});
    const b = await createPolicy(server(), env, {}, {});
    const path = assignmentsPath(env, app);

    const created = await server().request('POST', path, {
      body: { signOnPolicy: { id: a.id }, priority: 2 },
    });
    assert.equal(created.status, 201, created.text);
    assertContract('POST', path, created);
    assert.equal(created.headers.location, created.body._links.self.href);
    const { _links, id, ...rest } = created.body;
    assert.ok(id);
    assert.deepEqual(rest, {
      environment: { id: env },
      application: { id: app },
      signOnPolicy: { id: a.id },
      priority: 2,
    });
    assert.equal(_links.self.href, `http://tessera.test${path}/${id}`);
    assert.equal(_links.signOnPolicy.href, `http://tessera.test${policiesPath(env)}/${a.id}`);
    const first = await assign(server(), env, app, b.id, 1);

    const list = await server().request('GET', path);
    assert.equal(list.status, 200);
    assertContract('GET', path, list);
    assert.deepEqual(
      list.body._embedded.signOnPolicyAssignments.map((x: { id: string }) => x.id),
      [first, id],
    );
    const read = await server().request('GET', `${path}/${id}`);
    assert.equal(read.status, 200);
    assertContract('GET', `${path}/${id}`, read);
    assert.deepEqual(read.body, created.body);

    const replaced = await server().request('PUT', `${path}/${id}`, {
      body: { signOnPolicy: { id: a.id }, priority: 5, id, application: { id: app } },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assertContract('PUT', `${path}/${id}`, replaced);
    assert.equal(replaced.body.priority, 5);

    assert.equal((await server().request('DELETE', `${path}/${id}`)).status, 204);
    assert.equal((await server().request('GET', `${path}/${id}`)).status, 404);
    assert.equal((await server().request('DELETE', `${path}/${id}`)).status, 404);
  });

  it('validates the policy, the priority and duplicates, and the application', async () => {
    const env = await newEnvironment(server());
    const app = await createWorkerApp(server(), env);
    const path = assignmentsPath(env, app);
    const ready = await createPolicy(server(), env, {}, {});
    const empty = await createPolicy(server(), env);
    const post = (body: unknown) => server().request('POST', path, { body });

    const unknown = await post({ signOnPolicy: { id: '00000000-0000-4000-8000-000000000999' }, priority: 1 });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.details[0].target, 'signOnPolicy.id');
    const noActions = await post({ signOnPolicy: { id: empty.id }, priority: 1 });
    assert.equal(noActions.status, 400);
    assert.equal(noActions.body.details[0].target, 'signOnPolicy.id');
    assert.match(noActions.body.details[0].message, /no actions/);
    // A policy of another environment is unknown here.
    const foreign = (await listPolicies(server(), await newEnvironment(server())))[0]!;
    assert.equal((await post({ signOnPolicy: { id: foreign.id }, priority: 1 })).status, 400);
    for (const body of [
      { priority: 1 },
      { signOnPolicy: { id: ready.id } },
      { signOnPolicy: { id: ready.id }, priority: 0 },
    ]) {
      assert.equal((await post(body)).status, 400, JSON.stringify(body));
    }

    await assign(server(), env, app, ready.id, 1);
    const twice = await post({ signOnPolicy: { id: ready.id }, priority: 2 });
    assert.equal(twice.status, 400);
    assert.equal(twice.body.details[0].code, 'UNIQUENESS_VIOLATION');
    assert.equal(twice.body.details[0].target, 'signOnPolicy.id');
    const single = (await listPolicies(server(), env)).filter((p) => p.name === 'Single_Factor')[0]!;
    const samePriority = await post({ signOnPolicy: { id: single.id }, priority: 1 });
    assert.equal(samePriority.status, 400);
    assert.equal(samePriority.body.details[0].code, 'UNIQUENESS_VIOLATION');
    assert.equal(samePriority.body.details[0].target, 'priority');

    const noApp = assignmentsPath(env, '00000000-0000-4000-8000-000000000997');
    assert.equal((await server().request('GET', noApp)).status, 404);
    assert.equal(
      (await server().request('POST', noApp, { body: { signOnPolicy: { id: ready.id }, priority: 3 } }))
        .status,
      404,
    );
  });

  it('refuses to delete an assigned policy; deleting the application removes its assignments', async () => {
    const env = await newEnvironment(server());
    const app = await createWorkerApp(server(), env);
    const policy = await createPolicy(server(), env, {}, {});
    const assignment = await assign(server(), env, app, policy.id, 1);

    const refused = await server().request('DELETE', `${policiesPath(env)}/${policy.id}`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'REQUEST_FAILED');
    assert.equal(refused.body.details[0].code, 'CONSTRAINT_VIOLATION');
    assert.match(refused.body.details[0].message, /assigned to 1 application/);
    assert.equal((await server().request('GET', `${policiesPath(env)}/${policy.id}`)).status, 200);

    assert.equal(
      (await server().request('DELETE', `/v1/environments/${env}/applications/${app}`)).status,
      204,
    );
    assert.equal((await server().request('GET', `${assignmentsPath(env, app)}/${assignment}`)).status, 404);
    assert.equal((await server().request('DELETE', `${policiesPath(env)}/${policy.id}`)).status, 204);
  });

  it('resolves: default without assignments, lowest priority with them, acr_values when given', async () => {
    const { resolver } = server().services.signOnPolicies;
    const env = await newEnvironment(server());
    const app = await createWorkerApp(server(), env);
    const population = await server().request('POST', `/v1/environments/${env}/populations`, {
      body: { name: `Registered ${env}` },
    });
    const single = (await listPolicies(server(), env))[0]!;

    let resolved = await resolver.resolve(env, app, []);
    assert.deepEqual(resolved, {
      id: single.id,
      name: 'Single_Factor',
      login: { recoveryEnabled: true, registration: { enabled: false, populationId: undefined } },
    });
    // It follows later changes of the default.
    const other = await createPolicy(
      server(),
      env,
      { default: true },
      {
        registration: { enabled: true, population: { id: population.body.id } },
      },
    );
    resolved = await resolver.resolve(env, app, []);
    assert.equal(resolved?.id, other.id);
    assert.deepEqual(resolved?.login, {
      recoveryEnabled: false,
      registration: { enabled: true, populationId: population.body.id },
    });

    // Without assignments, acr_values may name any policy of the environment.
    assert.equal((await resolver.resolve(env, app, ['Single_Factor']))?.id, single.id);
    assert.equal((await resolver.resolve(env, app, ['nope', 'Single_Factor']))?.id, single.id);
    assert.equal(await resolver.resolve(env, app, ['nope']), undefined);
    assert.equal(await resolver.resolve(env, app, ['single_factor']), undefined, 'names match exactly');

    const a = await createPolicy(server(), env, {}, {});
    const b = await createPolicy(server(), env, {}, { recovery: { enabled: true } });
    await assign(server(), env, app, a.id, 5);
    const bAssignment = await assign(server(), env, app, b.id, 2);
    assert.equal((await resolver.resolve(env, app, []))?.id, b.id, 'priority 2 runs before 5');
    // With assignments, acr_values pick among the assigned policies only, in the order listed.
    assert.equal((await resolver.resolve(env, app, [a.name, b.name]))?.id, a.id);
    assert.equal((await resolver.resolve(env, app, ['Single_Factor', b.name]))?.id, b.id);
    assert.equal(await resolver.resolve(env, app, ['Single_Factor']), undefined);

    // A policy left without a LOGIN action cannot run: the next assignment is used.
    const [bLogin] = (await server().request('GET', actionsPath(env, b.id))).body._embedded.actions;
    await server().request('DELETE', `${actionsPath(env, b.id)}/${bLogin.id}`);
    assert.equal((await resolver.resolve(env, app, []))?.id, a.id);
    assert.equal(await resolver.resolve(env, app, [b.name]), undefined);

    // Moving an assignment's priority changes the choice; other applications keep the default.
    const readded = await server().request('POST', actionsPath(env, b.id), {
      body: { type: 'LOGIN', priority: 1 },
    });
    assert.equal(readded.status, 201, readded.text);
    assert.equal((await resolver.resolve(env, app, []))?.id, b.id);
    const moved = await server().request('PUT', `${assignmentsPath(env, app)}/${bAssignment}`, {
      body: { signOnPolicy: { id: b.id }, priority: 9 },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal((await resolver.resolve(env, app, []))?.id, a.id);
    const otherApp = await createWorkerApp(server(), env);
    assert.equal((await resolver.resolve(env, otherApp, []))?.id, other.id);
    assert.equal(await resolver.resolve('00000000-0000-4000-8000-00000000abcd', app, []), undefined);
  });
});
