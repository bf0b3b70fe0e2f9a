import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  createEnvironment,
  createPopulation,
  createUser,
  defaultPopulation,
  unique,
} from '../support/fixtures.js';
import { describeStores } from '../support/harness.js';
import { eventually, WebhookReceiver } from '../support/webhook-receiver.js';

const subscriptionBody = (url: string, extra: Record<string, unknown> = {}) => ({
  name: unique('hook'),
  enabled: true,
  format: 'ACTIVITY',
  verifyTlsCertificates: true,
  httpEndpoint: { url, headers: { Authorization: 'Basic c2VjcmV0OnZhbHVl', 'X-Team': 'blue' } },
  filterOptions: { includedActionTypes: ['USER.CREATED', 'USER.UPDATED'] },
  ...extra,
});

describeStores('webhook subscriptions', (server) => {
  const receiver = new WebhookReceiver();
  before(() => receiver.start());
  after(() => receiver.stop());

  it('creates, lists, reads, replaces and deletes a subscription; header values never come back', async () => {
    const env = await createEnvironment(server());
    const base = `/v1/environments/${env}/subscriptions`;
    const created = await server().request('POST', base, { body: subscriptionBody(receiver.url) });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.location, created.body._links.self.href);
    assert.deepEqual(created.body.httpEndpoint.headers, { Authorization: '********', 'X-Team': '********' });
    assert.doesNotMatch(created.text, /c2VjcmV0OnZhbHVl|blue/);
    assert.equal(created.body.deliveryStatus.pending, 0);
    assert.equal(created.body.deliveryStatus.lastAttemptAt, undefined);
    const id = created.body.id as string;
    const listed = await server().request('GET', base);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      listed.body._embedded.subscriptions.map((s: { id: string }) => s.id),
      [id],
    );
    assert.doesNotMatch(listed.text, /c2VjcmV0OnZhbHVl/);
    const replaced = await server().request('PUT', `${base}/${id}`, {
      body: subscriptionBody(receiver.url, {
        name: 'renamed',
        enabled: false,
        httpEndpoint: { url: receiver.url, headers: { Authorization: '********' } },
      }),
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.name, 'renamed');
    assert.equal(replaced.body.enabled, false);
    assert.deepEqual(replaced.body.httpEndpoint.headers, { Authorization: '********' });
    // The masked value kept the stored secret: it is what the receiver gets (sealed at rest).
    const row = await server()
      .services.store.db.selectFrom('webhook_subscriptions')
      .select('headers_sealed')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.doesNotMatch(row.headers_sealed ?? '', /c2VjcmV0OnZhbHVl/);
    const subscription = await server().services.webhooks.get(
      {
        kind: 'application',
        id: 'x',
        environmentId: env,
        organizationId: '',
        grants: [],
        scopes: [],
        authority: { kind: 'scopes', permissions: ['subscriptions:read:subscription'] },
      },
      env,
      id,
    );
    assert.deepEqual(subscription.headers, { Authorization: 'Basic c2VjcmV0OnZhbHVl' });
    const deleted = await server().request('DELETE', `${base}/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await server().request('GET', `${base}/${id}`)).status, 404);
    const types = await server().request(
      'GET',
      `/v1/environments/${env}/activities?filter=${encodeURIComponent(`resources.id eq "${id}"`)}`,
    );
    assert.deepEqual(
      types.body._embedded.activities.map((a: { action: { type: string } }) => a.action.type),
      ['SUBSCRIPTION.CREATED', 'SUBSCRIPTION.UPDATED', 'SUBSCRIPTION.DELETED'],
    );
  });

  it('refuses invalid subscriptions and a 51st one', async () => {
    const env = await createEnvironment(server());
    const base = `/v1/environments/${env}/subscriptions`;
    const invalid = [
      subscriptionBody('ftp://example.test/'),
      subscriptionBody(receiver.url, { filterOptions: { includedActionTypes: [] } }),
      subscriptionBody(receiver.url, { format: 'SPLUNK' }),
      subscriptionBody(receiver.url, {
        filterOptions: {
          includedActionTypes: ['USER.CREATED'],
          includedPopulations: Array.from({ length: 11 }, (_, i) => ({ id: `p${i}` })),
        },
      }),
      {
        name: 'no endpoint',
        enabled: true,
        verifyTlsCertificates: true,
        filterOptions: { includedActionTypes: ['USER.CREATED'] },
      },
    ];
    for (const body of invalid) {
      const res = await server().request('POST', base, { body });
      assert.equal(res.status, 400, res.text);
    }
    for (let i = 0; i < 50; i++) {
      const res = await server().request('POST', base, {
        body: subscriptionBody('http://127.0.0.1:9/none', { enabled: false }),
      });
      assert.equal(res.status, 201, res.text);
    }
    const over = await server().request('POST', base, { body: subscriptionBody(receiver.url) });
    assert.equal(over.status, 403, over.text);
  });

  it('delivers USER.UPDATED for a PATCH within seconds, as a JSON array with the subscription headers', async () => {
    const env = await createEnvironment(server());
    const created = await server().request('POST', `/v1/environments/${env}/subscriptions`, {
      body: subscriptionBody(receiver.url, { filterOptions: { includedActionTypes: ['USER.UPDATED'] } }),
    });
    assert.equal(created.status, 201, created.text);
    const user = await createUser(server(), env, { username: unique('hooked') });
    const patch = await server().request('PATCH', `/v1/environments/${env}/users/${user.id}`, {
      body: { title: 'Engineer' },
    });
    assert.equal(patch.status, 200, patch.text);
    const mine = () => receiver.activities().filter((a) => a.resources[0]?.id === user.id);
    // The scheduler ticks every second in this suite; poll until the delivery arrives.
    await eventually(() => mine().length > 0);
    const activity = mine()[0]!;
    assert.equal(activity.action.type, 'USER.UPDATED', 'USER.CREATED is not subscribed to');
    assert.equal(activity.correlationId, patch.headers['correlation-id']);
    const delivery = receiver.received.find((d) => d.body.some((a) => a.resources[0]?.id === user.id))!;
    assert.equal(delivery.headers.authorization, 'Basic c2VjcmV0OnZhbHVl');
    assert.equal(delivery.headers['content-type'], 'application/json');
    await eventually(async () => {
      const read = await server().request('GET', `/v1/environments/${env}/subscriptions/${created.body.id}`);
      return read.body.deliveryStatus.lastStatus === 'SUCCESS' && read.body.deliveryStatus.pending === 0;
    });
  });

  it('forwards only activities of the listed populations', async () => {
    const env = await createEnvironment(server());
    const wanted = await createPopulation(server(), env);
    const other = await defaultPopulation(server(), env);
    await server().request('POST', `/v1/environments/${env}/subscriptions`, {
      body: subscriptionBody(receiver.url, {
        filterOptions: { includedActionTypes: ['USER.CREATED'], includedPopulations: [{ id: wanted }] },
      }),
    });
    const outside = await createUser(server(), env, { username: unique('out'), population: { id: other } });
    const inside = await createUser(server(), env, { username: unique('in'), population: { id: wanted } });
    await eventually(() => receiver.activities().some((a) => a.resources[0]?.id === inside.id));
    // Deliveries of one subscription are in order: the outside user's would have come first.
    assert.equal(
      receiver.activities().some((a) => a.resources[0]?.id === outside.id),
      false,
    );
  });
});
