import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BOOTSTRAP, describeStores, type Response } from '../support/harness.js';

const ENV = BOOTSTRAP.environmentId;
const FORM = 'application/x-www-form-urlencoded';

/** PingOne's envelope, citing the request's correlation id. */
function assertPingOne(response: Response, status = 400) {
  assert.equal(response.status, status, response.text);
  assert.equal(typeof response.body?.code, 'string', response.text);
  assert.equal(typeof response.body?.message, 'string', response.text);
  assert.equal(response.body.id, response.headers['correlation-id']);
}

/** RFC 6749 §5.2 error. */
function assertOAuth(response: Response, status = 400) {
  assert.equal(response.status, status, response.text);
  assert.equal(typeof response.body?.error, 'string', response.text);
}

/** UiPath's ProblemDetails. */
function assertProblem(response: Response, status = 400) {
  assert.equal(response.status, status, response.text);
  assert.equal(response.body?.status, status, response.text);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(typeof response.body?.traceId, 'string');
}

describeStores('input policy at the edge', (server) => {
  it('refuses NUL in path parameters on every face, with or without a token', async () => {
    assertOAuth(await server().request('GET', '/%00/as/jwks', { token: null }));
    assertPingOne(await server().request('GET', '/v1/environments/%00'));
    const anonymous = await server().request('GET', '/v1/environments/%00', { token: null });
    assertPingOne(anonymous);
    assertProblem(await server().request('GET', '/identity_/api/User/%00', { token: null }));
  });

  it('refuses NUL in form fields of both token endpoints', async () => {
    const body = 'grant_type=client_credentials&client_id=a%00&client_secret=x';
    const pingOne = await server().request('POST', `/${ENV}/as/token`, {
      token: null,
      body,
      contentType: FORM,
    });
    assertOAuth(pingOne);
    assert.equal(pingOne.body.error, 'invalid_request');
    assertOAuth(
      await server().request('POST', '/identity_/connect/token', { token: null, body, contentType: FORM }),
    );
    const basic = Buffer.from('a\u0000:secret').toString('base64');
    assertOAuth(
      await server().request('POST', `/${ENV}/as/token`, {
        token: null,
        body: 'grant_type=client_credentials',
        contentType: FORM,
        headers: { authorization: `Basic ${basic}` },
      }),
      401,
    );
  });

  it('refuses NUL, other controls and lone surrogates in JSON bodies and queries, never echoing them', async () => {
    const groups = `/v1/environments/${ENV}/groups`;
    for (const name of ['g\u0000', 'g\u0007x', 'g\ud800', 'g\udc00x']) {
      const refused = await server().request('POST', groups, { body: { name } });
      assertPingOne(refused);
      assert.equal(refused.body.details[0].target, 'name');
      assert.doesNotMatch(refused.text, /\\u0000|\\u0007|\\ud800|\\udc00/i);
    }
    const tabbed = await server().request('POST', groups, { body: { name: 'tab\tand\nnewline ok' } });
    assert.equal(tabbed.status, 201, tabbed.text);
    assertPingOne(await server().request('POST', groups, { body: { ['bad\u0000key']: 'x', name: 'y' } }));
    assertPingOne(await server().request('GET', `/v1/environments/${ENV}/users?filter=%00`));
  });

  it('refuses over-long strings (PingOne lengths where documented) and oversized objects', async () => {
    const users = `/v1/environments/${ENV}/users`;
    const huge = await server().request('POST', users, {
      body: { username: 'long-name', name: { given: 'a'.repeat(100_000) } },
    });
    assertPingOne(huge);
    assert.equal(huge.body.details[0].target, 'name.given');
    const documented = await server().request('POST', users, {
      body: { username: 'long-name', name: { given: 'a'.repeat(257) } },
    });
    assertPingOne(documented);
    const fine = await server().request('POST', users, {
      body: { username: 'long-name', name: { given: 'a'.repeat(256) } },
    });
    assert.equal(fine.status, 201, fine.text);
    const manyKeys = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const tooMany = await server().request('POST', users, { body: { username: 'many', ...manyKeys } });
    assert.ok([400, 413].includes(tooMany.status), tooMany.text);
    assertPingOne(tooMany, tooMany.status);
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { deep };
    assertPingOne(await server().request('POST', users, { body: { username: 'deep', nested: deep } }));
  });

  it('answers malformed and over-long URLs in the face format, without echoing the URL', async () => {
    const bad = await server().request('GET', '/v1/environments/%ff');
    assertPingOne(bad);
    assert.doesNotMatch(bad.text, /%ff|environments/);
    assertPingOne(await server().request('GET', `/${ENV}/signon/%ff`, { token: null }));
    assertOAuth(await server().request('GET', `/${ENV}/as/%ff`, { token: null }));
    assertProblem(await server().request('GET', '/identity_/api/User/%ff', { token: null }));
    const long = await server().request('GET', `/v1/environments/${'a'.repeat(300)}`);
    assertPingOne(long);
    assert.doesNotMatch(long.text, /aaaa/);
  });

  it('answers unknown routes under every prefix in the owning face format', async () => {
    assertPingOne(await server().request('GET', '/v1/nothing-here'), 404);
    assertPingOne(await server().request('GET', `/${ENV}/nothing-here`, { token: null }), 404);
    assertPingOne(await server().request('GET', '/nothing/at/all', { token: null }), 404);
    assertOAuth(await server().request('GET', `/${ENV}/as`, { token: null }), 404);
    assertOAuth(await server().request('GET', `/${ENV}/as/nothing`, { token: null }), 404);
    assertProblem(await server().request('GET', '/identity_/nothing', { token: null }), 404);
    assertProblem(await server().request('GET', '/identity/api/nothing', { token: null }), 404);
    assertProblem(await server().request('GET', '/acme/identity_/api/nothing', { token: null }), 404);
  });
});
