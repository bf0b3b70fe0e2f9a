import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BOOTSTRAP, describeOnce } from '../support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ENV = `/v1/environments/${BOOTSTRAP.environmentId}`;

describeOnce('response headers and protocol errors', (server) => {
  it('sends Correlation-Id on every response, errors and token calls included', async () => {
    const responses = [
      await server().request('GET', ENV),
      await server().request('GET', ENV, { token: null }),
      await server().request('GET', `${ENV}/populations/00000000-0000-4000-8000-000000000000`),
      await server().request('DELETE', '/v1/roles'),
      await server().request('GET', '/v1/nothing-here'),
    ];
    const ids = new Set<string>();
    for (const response of responses) {
      const id = response.headers['correlation-id'];
      assert.equal(typeof id, 'string');
      assert.match(id as string, UUID);
      ids.add(id as string);
      if (response.status >= 400) assert.equal(response.body.id, id, 'the error id is the correlation id');
    }
    assert.equal(ids.size, responses.length, 'one correlation id per request');
    const token = await server().app.server.inject({
      method: 'POST',
      url: `/${BOOTSTRAP.environmentId}/as/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials',
    });
    assert.match(String(token.headers['correlation-id']), UUID);
    const health = await server().app.server.inject({ method: 'GET', url: '/health/live' });
    assert.match(String(health.headers['correlation-id']), UUID);
  });

  it('echoes X-Ping-External-Transaction-ID and -Session-ID, sanitised to 100 characters', async () => {
    const echoed = await server().request('GET', ENV, {
      headers: {
        'X-Ping-External-Transaction-ID': 'txn-123/abc@x=y#z+1',
        'X-Ping-External-Session-ID': 'sess.42_ok',
      },
    });
    assert.equal(echoed.headers['x-ping-external-transaction-id'], 'txn-123/abc@x=y#z+1');
    assert.equal(echoed.headers['x-ping-external-session-id'], 'sess.42_ok');

    const dirty = await server().request('GET', ENV, {
      headers: {
        'X-Ping-External-Transaction-ID': 'has space;and"quotes' + 'x'.repeat(150),
        'X-Ping-External-Session-ID': 'ünïcode-ok',
      },
    });
    const transaction = dirty.headers['x-ping-external-transaction-id'] as string;
    assert.equal(transaction.length, 100);
    assert.ok(transaction.startsWith('has_space_and_quotes'), transaction);
    assert.equal(dirty.headers['x-ping-external-session-id'], 'ünïcode-ok');

    // Also on errors.
    const error = await server().request('GET', ENV, {
      token: null,
      headers: { 'X-Ping-External-Transaction-ID': 'on-error' },
    });
    assert.equal(error.status, 401);
    assert.equal(error.headers['x-ping-external-transaction-id'], 'on-error');
  });

  it('generates the external ids when the client sends none', async () => {
    const response = await server().request('GET', ENV);
    assert.match(String(response.headers['x-ping-external-transaction-id']), UUID);
    assert.match(String(response.headers['x-ping-external-session-id']), UUID);
  });

  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const response = await server().request('PATCH', `${ENV}/populations`, { body: {} });
    assert.equal(response.status, 405);
    assert.equal(response.body.code, 'METHOD_NOT_ALLOWED');
    assert.equal(typeof response.body.message, 'string');
    const allow = String(response.headers.allow);
    assert.ok(allow.includes('GET') && allow.includes('POST'), allow);
    const unknown = await server().request('GET', `${ENV}/no-such-collection`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'NOT_FOUND');
  });

  it('answers 415 for an unsupported media type and 400 for malformed or empty JSON', async () => {
    const populations = `${ENV}/populations`;
    const text = await server().request('POST', populations, { body: 'name=x', contentType: 'text/plain' });
    assert.equal(text.status, 415);
    assert.equal(text.body.code, 'INVALID_REQUEST');
    const form = await server().request('POST', populations, {
      body: 'name=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(form.status, 415, form.text);
    assert.equal(form.body.code, 'INVALID_REQUEST');

    const malformed = await server().request('POST', populations, {
      body: '{"name": "x",',
      contentType: 'application/json',
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 'INVALID_REQUEST');
    assert.equal(typeof malformed.body.details[0].message, 'string');
    const empty = await server().request('POST', populations, { body: '', contentType: 'application/json' });
    assert.equal(empty.status, 400);
    assert.ok(['INVALID_REQUEST', 'INVALID_DATA'].includes(empty.body.code as string), empty.text);
    const array = await server().request('POST', populations, {
      body: '[1,2]',
      contentType: 'application/json',
    });
    assert.equal(array.status, 400);
    assert.equal(array.body.code, 'INVALID_DATA');
  });

  it('answers JSON errors for unknown paths outside /v1 without leaking internals', async () => {
    const response = await server().app.server.inject({ method: 'GET', url: '/definitely/not/here' });
    assert.equal(response.statusCode, 404);
    assert.doesNotMatch(response.body, /at .*\.ts:\d+/);
  });
});
