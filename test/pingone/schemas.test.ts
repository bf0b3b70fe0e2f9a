import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeStores } from '../support/harness.js';
import { createEnvironment, createUser, ROLE_IDS, workerToken } from '../support/fixtures.js';

describeStores('schemas and custom user attributes', (server) => {
  let env: string;
  let schemaId: string;
  const attributes = () => `/v1/environments/${env}/schemas/${schemaId}/attributes`;
  const users = () => `/v1/environments/${env}/users`;
  const addAttribute = async (body: Record<string, unknown>) => {
    const res = await server().request('POST', attributes(), { body });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; [key: string]: unknown };
  };

  before(async () => {
    env = await createEnvironment(server());
    const schemas = await server().request('GET', `/v1/environments/${env}/schemas`);
    assert.equal(schemas.status, 200, schemas.text);
    assert.equal(schemas.body._embedded.schemas.length, 1);
    assert.equal(schemas.body._embedded.schemas[0].name, 'User');
    schemaId = schemas.body._embedded.schemas[0].id;
  });

  it('has one User schema with an id stable per environment', async () => {
    const again = await server().request('GET', `/v1/environments/${env}/schemas`);
    assert.equal(again.body._embedded.schemas[0].id, schemaId);
    const one = await server().request('GET', `/v1/environments/${env}/schemas/${schemaId}`);
    assert.equal(one.status, 200);
    assert.ok(one.body._links.attributes.href.endsWith(`/schemas/${schemaId}/attributes`));
    const other = await createEnvironment(server());
    const otherSchemas = await server().request('GET', `/v1/environments/${other}/schemas`);
    assert.notEqual(otherSchemas.body._embedded.schemas[0].id, schemaId);
    assert.equal(
      (await server().request('GET', `/v1/environments/${other}/schemas/${schemaId}`)).status,
      404,
    );
    assert.equal(
      (await server().request('GET', `/v1/environments/${other}/schemas/${schemaId}/attributes`)).status,
      404,
    );
  });

  it('creates, reads, lists, replaces, patches and deletes attributes', async () => {
    const created = await addAttribute({ name: 'costCenter', displayName: 'Cost center', type: 'STRING' });
    assert.equal(created.schemaType, 'CUSTOM');
    assert.equal(created.enabled, true);
    assert.equal(created.required, false);
    assert.equal(created.unique, false);
    assert.equal(created.multiValued, false);
    assert.deepEqual(created.schema, { id: schemaId });
    const read = await server().request('GET', `${attributes()}/${created.id}`);
    assert.equal(read.body.displayName, 'Cost center');
    const list = await server().request('GET', attributes());
    assert.ok(list.body._embedded.attributes.some((a: { id: string }) => a.id === created.id));

    const patched = await server().request('PATCH', `${attributes()}/${created.id}`, {
      body: { description: 'Where costs go' },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.displayName, 'Cost center', 'PATCH keeps omitted properties');
    assert.equal(patched.body.description, 'Where costs go');
    const replaced = await server().request('PUT', `${attributes()}/${created.id}`, {
      body: { name: 'costCenter', type: 'STRING' },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.displayName, undefined, 'PUT clears omitted properties');
    const retype = await server().request('PATCH', `${attributes()}/${created.id}`, {
      body: { type: 'JSON' },
    });
    assert.equal(retype.status, 400);

    const user = await createUser(server(), env, { username: 'costly', costCenter: 'CC-1' });
    assert.equal(user.costCenter, 'CC-1');
    assert.equal((await server().request('DELETE', `${attributes()}/${created.id}`)).status, 204);
    assert.equal((await server().request('GET', `${attributes()}/${created.id}`)).status, 404);
    const after = await server().request('GET', `${users()}/${user.id}`);
    assert.equal(after.body.costCenter, undefined, 'values of a deleted attribute are removed');
    const refused = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { costCenter: 'CC-2' },
    });
    assert.equal(refused.status, 400, 'an undeclared attribute is refused');
  });

  it('refuses bad definitions: built-in names, duplicates, bad patterns', async () => {
    for (const body of [
      { name: 'email' },
      { name: 'Name' },
      { name: '1abc' },
      { name: 'bad-name' },
      { name: 'flag', type: 'BOOLEAN', unique: true },
      { name: 'rx', regexValidation: { pattern: '([a-z', requirements: 'letters' } },
      {
        name: 'rx2',
        regexValidation: { pattern: '[a-z]+', requirements: 'letters', valuesPatternShouldMatch: ['ABC'] },
      },
      { name: 'cx', type: 'COMPLEX' },
    ]) {
      const res = await server().request('POST', attributes(), { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'INVALID_DATA');
    }
    await addAttribute({ name: 'dupAttr' });
    const dup = await server().request('POST', attributes(), { body: { name: 'DUPATTR' } });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.details[0].code, 'UNIQUENESS_VIOLATION');
  });

  it('validates, stores, returns and filters custom values', async () => {
    await addAttribute({
      name: 'tier',
      type: 'STRING',
      enumeratedValues: [{ value: 'gold' }, { value: 'silver' }, { value: 'bronze', archived: true }],
    });
    await addAttribute({
      name: 'badge',
      type: 'STRING',
      unique: true,
      regexValidation: { pattern: 'B-[0-9]{3}', requirements: 'B- followed by three digits' },
    });
    await addAttribute({ name: 'vip', type: 'BOOLEAN' });
    await addAttribute({ name: 'prefs', type: 'JSON' });
    await addAttribute({ name: 'skills', type: 'STRING', multiValued: true });

    const ok = await createUser(server(), env, {
      username: 'custom1',
      tier: 'gold',
      badge: 'B-001',
      vip: true,
      prefs: { theme: 'dark', nested: { a: [1, 2] } },
      skills: ['go', 'ts'],
    });
    assert.equal(ok.tier, 'gold');
    assert.equal(ok.vip, true);
    assert.deepEqual(ok.prefs, { theme: 'dark', nested: { a: [1, 2] } });
    assert.deepEqual(ok.skills, ['go', 'ts']);
    await createUser(server(), env, { username: 'custom2', tier: 'silver', badge: 'B-002' });

    const bad = async (body: Record<string, unknown>, target: string) => {
      const res = await server().request('POST', users(), { body: { username: 'invalid-custom', ...body } });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.details[0].target, target, JSON.stringify(body));
    };
    await bad({ tier: 'platinum' }, 'tier');
    await bad({ tier: 'bronze' }, 'tier');
    await bad({ badge: 'B-12' }, 'badge');
    await bad({ vip: 'yes' }, 'vip');
    await bad({ prefs: 'dark' }, 'prefs');
    // Over the 16 KiB of a JSON value in strings each short enough for the edge's string limit.
    const bulky = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'x'.repeat(4000)]));
    await bad({ prefs: bulky }, 'prefs');
    await bad({ skills: 'go' }, 'skills');
    await bad({ skills: ['go', 3] }, 'skills');
    const dupBadge = await server().request('POST', users(), {
      body: { username: 'dupbadge', badge: 'B-001' },
    });
    assert.equal(dupBadge.status, 400);
    assert.equal(dupBadge.body.details[0].code, 'UNIQUENESS_VIOLATION');
    assert.equal(dupBadge.body.details[0].target, 'badge');

    const patched = await server().request('PATCH', `${users()}/${ok.id}`, {
      body: { tier: 'silver', prefs: { theme: 'light' } },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.prefs, { theme: 'light' }, 'JSON values are replaced, not merged');
    assert.equal(patched.body.badge, 'B-001');
    const keepBadge = await server().request('PATCH', `${users()}/${ok.id}`, { body: { badge: 'B-001' } });
    assert.equal(keepBadge.status, 200, 'a user keeps its own unique value');

    const names = async (filter: string) => {
      const res = await server().request('GET', `${users()}?filter=${encodeURIComponent(filter)}`);
      assert.equal(res.status, 200, `${filter}: ${res.text}`);
      return (res.body._embedded.users as Array<{ username: string }>).map((u) => u.username).sort();
    };
    assert.deepEqual(await names('tier eq "silver"'), ['custom1', 'custom2']);
    assert.deepEqual(await names('badge sw "B-00"'), ['custom1', 'custom2']);
    assert.deepEqual(await names('badge eq "B-002" and tier eq "silver"'), ['custom2']);
    for (const filter of ['badge co "00"', 'vip eq true', 'prefs eq "x"', 'skills eq "go"']) {
      const res = await server().request('GET', `${users()}?filter=${encodeURIComponent(filter)}`);
      assert.equal(res.status, 400, filter);
      assert.equal(res.body.details[0].code, 'INVALID_FILTER', filter);
    }
  });

  it('enforces required attributes on create and PUT, and on PATCH only when cleared', async () => {
    const existing = await createUser(server(), env, { username: 'before-required' });
    await addAttribute({ name: 'employeeNumber', type: 'STRING', required: true });
    const missing = await server().request('POST', users(), { body: { username: 'no-number' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.details[0].code, 'REQUIRED_VALUE');
    assert.equal(missing.body.details[0].target, 'employeeNumber');
    const user = await createUser(server(), env, { username: 'numbered', employeeNumber: 'E1' });
    const put = await server().request('PUT', `${users()}/${user.id}`, { body: { username: 'numbered' } });
    assert.equal(put.status, 400);
    const cleared = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { employeeNumber: null },
    });
    assert.equal(cleared.status, 400);
    const other = await server().request('PATCH', `${users()}/${existing.id}`, {
      body: { nickname: 'fine' },
    });
    assert.equal(other.status, 200, 'users created before the attribute became required stay editable');
    const disabled = await server().request(
      'PATCH',
      `${attributes()}/${(await server().request('GET', attributes())).body._embedded.attributes.find((a: { name: string }) => a.name === 'employeeNumber').id}`,
      {
        body: { required: false, enabled: false },
      },
    );
    assert.equal(disabled.status, 200, disabled.text);
    const write = await server().request('PATCH', `${users()}/${user.id}`, {
      body: { employeeNumber: 'E2' },
    });
    assert.equal(write.status, 400, 'a disabled attribute cannot be written');
    assert.equal(
      (await server().request('GET', `${users()}/${user.id}`)).body.employeeNumber,
      'E1',
      'but its value is still returned',
    );
  });

  it('needs schema permissions: Identity Data Admin reads, Environment Admin writes', async () => {
    const token = await workerToken(server(), ROLE_IDS.identityDataAdmin, { id: env, type: 'ENVIRONMENT' });
    assert.equal((await server().request('GET', attributes(), { token })).status, 200);
    assert.equal(
      (await server().request('POST', attributes(), { token, body: { name: 'sneaky' } })).status,
      403,
    );
    const admin = await workerToken(server(), ROLE_IDS.environmentAdmin, { id: env, type: 'ENVIRONMENT' });
    assert.equal(
      (await server().request('POST', attributes(), { token: admin, body: { name: 'allowed' } })).status,
      201,
    );
  });
});
