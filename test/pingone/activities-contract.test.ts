import assert from 'node:assert/strict';
import { it } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { assertContract } from '../support/contract.js';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';
import { describeStores } from '../support/harness.js';

/**
 * `/subscriptions` against the `Subscription` schema of PingOne's management document.
 * `/activities`: the document declares no response schema for it (`application/json: {}`), so
 * the activity object is checked against the reference's shape instead
 * (`pingone-directory-more.md` §3.3, from real records): `actors` an object of optional
 * `client`/`user`, `resources[]` with `type`/`id`, ISO instants, `action` and `result`.
 */
const idRef = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
};
const activitySchema = {
  type: 'object',
  required: ['_links', 'id', 'recordedAt', 'createdAt', 'actors', 'action', 'resources', 'result'],
  properties: {
    _links: { type: 'object', required: ['self'] },
    id: { type: 'string' },
    recordedAt: { type: 'string', format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    correlationId: { type: 'string' },
    actors: {
      type: 'object',
      additionalProperties: false,
      properties: {
        client: {
          type: 'object',
          required: ['id', 'type'],
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            environment: idRef,
            type: { const: 'CLIENT' },
          },
        },
        user: {
          type: 'object',
          required: ['id', 'type'],
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            environment: idRef,
            population: { type: 'object' },
            type: { const: 'USER' },
          },
        },
      },
    },
    action: {
      type: 'object',
      required: ['type', 'description'],
      properties: {
        type: { type: 'string', pattern: '^[A-Z_]+\\.[A-Z_]+$' },
        description: { type: 'string' },
      },
    },
    resources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'id', 'environment'],
        properties: {
          type: { type: 'string', pattern: '^[A-Z_]+$' },
          id: { type: 'string' },
          name: { type: 'string' },
          environment: idRef,
          population: idRef,
          href: { type: 'string' },
        },
      },
    },
    result: {
      type: 'object',
      required: ['status', 'description'],
      properties: { status: { enum: ['SUCCESS', 'FAILED'] }, description: { type: 'string' } },
    },
    tags: { type: 'array', items: { type: 'string' } },
  },
};
const ajv = new Ajv.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validActivity = ajv.compile(activitySchema);

function assertActivityShape(activity: unknown) {
  assert.ok(validActivity(activity), JSON.stringify(validActivity.errors, null, 2));
}

describeStores('contract: activities and subscriptions', (server) => {
  it('/activities (list, POST filter, one) have the reference’s activity shape', async () => {
    const env = await createEnvironment(server());
    const user = await createUser(server(), env, { username: unique('shaped') });
    const base = `/v1/environments/${env}/activities`;
    const listed = await server().request('GET', `${base}?limit=10`);
    assert.equal(listed.status, 200, listed.text);
    assert.ok(listed.body._links.self);
    assert.equal(listed.body.size, listed.body._embedded.activities.length);
    const posted = await server().request('POST', base, { body: { filter: `resources.id eq "${user.id}"` } });
    assert.equal(posted.status, 200, posted.text);
    const [activity] = posted.body._embedded.activities as Array<{ id: string }>;
    assert.ok(activity);
    assertActivityShape(activity);
    const one = await server().request('GET', `${base}/${activity.id}`);
    assert.equal(one.status, 200, one.text);
    assertActivityShape(one.body);
    assert.deepEqual(one.body, activity);
  });

  it('/subscriptions (create, list, read, replace) match PingOne’s Subscription schema', async () => {
    const env = await createEnvironment(server());
    const base = `/v1/environments/${env}/subscriptions`;
    const body = {
      name: unique('contract-hook'),
      enabled: false,
      format: 'ACTIVITY',
      verifyTlsCertificates: true,
      httpEndpoint: { url: 'https://127.0.0.1:9/hook', headers: { Authorization: 'Basic abc' } },
      filterOptions: { includedActionTypes: ['USER.CREATED'] },
    };
    const created = await server().request('POST', base, { body });
    assert.equal(created.status, 201, created.text);
    assertContract('POST', base, created);
    const listed = await server().request('GET', base);
    assert.equal(listed.status, 200);
    assertContract('GET', base, listed);
    const path = `${base}/${created.body.id as string}`;
    const one = await server().request('GET', path);
    assertContract('GET', path, one);
    const replaced = await server().request('PUT', path, { body: { ...body, name: unique('renamed') } });
    assert.equal(replaced.status, 200, replaced.text);
    assertContract('PUT', path, replaced);
  });
});
