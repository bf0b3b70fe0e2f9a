import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BOOTSTRAP, describeStores } from '../support/harness.js';
import { createPolicy, newEnvironment, policies, populationWithPolicy, unique } from './password-helpers.js';

const SPECIAL = '~!@#$%^&*()-_=+[]{}|;:,.<>/?';

describeStores('password policies', (server) => {
  it('seeds Standard (default, exactly as PingOne), Passphrase and Basic in every new environment', async () => {
    const env = await newEnvironment(server());
    const list = await policies(server(), env);
    assert.deepEqual(
      list.map((p) => p.name),
      ['Standard', 'Passphrase', 'Basic'],
    );
    const standard = list[0]!;
    const { _links, id, environment, createdAt, updatedAt, populationCount, ...rest } = standard;
    assert.ok(id && createdAt && updatedAt);
    assert.equal(environment.id, env);
    assert.equal(populationCount, 0);
    assert.equal(_links.self?.href, `http://tessera.test/v1/environments/${env}/passwordPolicies/${id}`);
    assert.deepEqual(rest, {
      name: 'Standard',
      description: 'A standard policy that incorporates industry best practices',
      excludesProfileData: true,
      notSimilarToCurrent: true,
      excludesCommonlyUsed: true,
      maxAgeDays: 182,
      minAgeDays: 1,
      maxRepeatedCharacters: 2,
      minUniqueCharacters: 5,
      history: { count: 6, retentionDays: 365 },
      lockout: { failureCount: 5, durationSeconds: 900 },
      length: { min: 8, max: 255 },
      minCharacters: {
        [SPECIAL]: 1,
        '0123456789': 1,
        ABCDEFGHIJKLMNOPQRSTUVWXYZ: 1,
        abcdefghijklmnopqrstuvwxyz: 1,
      },
      default: true,
    });
    assert.deepEqual(
      list.map((p) => p.default),
      [true, false, false],
    );
    // The bootstrap environment was seeded too.
    assert.equal((await policies(server(), BOOTSTRAP.environmentId)).length >= 3, true);
  });

  it('creates, reads, replaces and deletes a policy with every field, truncating floats', async () => {
    const env = await newEnvironment(server());
    const body = {
      name: unique('Custom'),
      description: 'custom',
      default: false,
      excludesCommonlyUsed: true,
      excludesProfileData: false,
      notSimilarToCurrent: true,
      history: { count: 3, retentionDays: 30 },
      length: { min: 10.9, max: 64 },
      lockout: { failureCount: 3, durationSeconds: 60 },
      maxAgeDays: 90,
      minAgeDays: 2,
      maxRepeatedCharacters: 2,
      minUniqueCharacters: 5,
      minComplexity: 7,
      minCharacters: { '1234567890': 1, abcdefghijklmnopqrstuvwxyz: 1 },
      alphabetSequenceRule: { maxLength: 3 },
      numberSequenceRule: { maxLength: 2 },
      qwertySequenceRule: { maxLength: 3 },
      shiftedNumberRowSequenceRule: { maxLength: 3 },
    };
    const created = await server().request('POST', `/v1/environments/${env}/passwordPolicies`, { body });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.location, created.body._links.self.href);
    assert.deepEqual(created.body.length, { min: 10, max: 64 });
    assert.deepEqual(created.body.minCharacters, { '1234567890': 1, abcdefghijklmnopqrstuvwxyz: 1 });
    assert.deepEqual(created.body.shiftedNumberRowSequenceRule, { maxLength: 3 });
    const id = created.body.id as string;

    const read = await server().request('GET', `/v1/environments/${env}/passwordPolicies/${id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);

    // A rule left out of a replace is no longer enforced (nor echoed).
    const replaced = await server().request('PUT', `/v1/environments/${env}/passwordPolicies/${id}`, {
      body: {
        name: body.name,
        excludesCommonlyUsed: false,
        excludesProfileData: false,
        notSimilarToCurrent: false,
      },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.length, undefined);
    assert.equal(replaced.body.lockout, undefined);

    const deleted = await server().request('DELETE', `/v1/environments/${env}/passwordPolicies/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal(
      (await server().request('GET', `/v1/environments/${env}/passwordPolicies/${id}`)).status,
      404,
    );
  });

  it('keeps exactly one default and refuses to delete the default or a policy a population uses', async () => {
    const env = await newEnvironment(server());
    const [standard] = await policies(server(), env);
    const id = await createPolicy(server(), env, { default: true, excludesCommonlyUsed: true });
    const after = await policies(server(), env);
    assert.deepEqual(
      after.filter((p) => p.default).map((p) => p.id),
      [id],
    );
    assert.equal(after.find((p) => p.id === standard!.id)!.default, false);

    const refusedDefault = await server().request('DELETE', `/v1/environments/${env}/passwordPolicies/${id}`);
    assert.equal(refusedDefault.status, 400);
    assert.equal(refusedDefault.body.code, 'REQUEST_FAILED');
    assert.equal(refusedDefault.body.details[0].code, 'CONSTRAINT_VIOLATION');

    const unset = await server().request('PUT', `/v1/environments/${env}/passwordPolicies/${id}`, {
      body: { name: 'x-default', default: false },
    });
    assert.equal(unset.status, 400);

    await populationWithPolicy(server(), env, standard!.id);
    const used = await server().request('GET', `/v1/environments/${env}/passwordPolicies/${standard!.id}`);
    assert.equal(used.body.populationCount, 1);
    const refusedUsed = await server().request(
      'DELETE',
      `/v1/environments/${env}/passwordPolicies/${standard!.id}`,
    );
    assert.equal(refusedUsed.status, 400);
    assert.equal(refusedUsed.body.details[0].code, 'CONSTRAINT_VIOLATION');
  });

  it('refuses invalid ranges with the envelope', async () => {
    const env = await newEnvironment(server());
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ length: { min: 7, max: 255 } }, 'length.min'],
      [{ length: { min: 33 } }, 'length.min'],
      [{ maxAgeDays: 22, minAgeDays: 1 }, 'maxAgeDays'],
      [{ lockout: { failureCount: 0, durationSeconds: 60 } }, 'lockout.failureCount'],
      [{ history: { count: 0, retentionDays: 1 } }, 'history.count'],
      [{ qwertySequenceRule: { maxLength: 2 } }, 'qwertySequenceRule.maxLength'],
      [{ minCharacters: { xyz: 1 } }, 'minCharacters'],
    ];
    for (const [rules, target] of cases) {
      const res = await server().request('POST', `/v1/environments/${env}/passwordPolicies`, {
        body: { name: unique('bad'), ...rules },
      });
      assert.equal(res.status, 400, JSON.stringify(rules));
      assert.equal(res.body.code, 'INVALID_DATA');
      assert.equal(res.body.details[0].code, 'INVALID_VALUE');
      assert.equal(res.body.details[0].target, target);
    }
    const ok = await server().request('POST', `/v1/environments/${env}/passwordPolicies`, {
      body: { name: unique('ok'), maxAgeDays: 23, minAgeDays: 1 },
    });
    assert.equal(ok.status, 201, ok.text);
    const missingName = await server().request('POST', `/v1/environments/${env}/passwordPolicies`, {
      body: {},
    });
    assert.equal(missingName.status, 400);
  });
});
