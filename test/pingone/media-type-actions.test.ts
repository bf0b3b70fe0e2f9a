import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createEnvironment, createUser, unique } from '../support/fixtures.js';
import { describeStores } from '../support/harness.js';

const UNLOCK = 'application/vnd.pingidentity.account.unlock+json';

describeStores('media-type actions: bodies and vendor types', (server) => {
  it('refuses a body of the wrong shape for an action that takes none, accepts none or {}', async () => {
    const env = await createEnvironment(server());
    const user = await createUser(server(), env, { username: unique('unlock') });
    const path = `/v1/environments/${env}/users/${user.id}`;
    for (const body of ['[{}]', '{"unexpected":true}', '"text"', '42']) {
      const refused = await server().request('POST', path, { body, contentType: UNLOCK });
      assert.equal(refused.status, 400, `${body}: ${refused.text}`);
      assert.equal(refused.body.id, refused.headers['correlation-id']);
    }
    const empty = await server().request('POST', path, { contentType: UNLOCK });
    assert.equal(empty.status, 200, empty.text);
    const emptyObject = await server().request('POST', path, { body: {}, contentType: UNLOCK });
    assert.equal(emptyObject.status, 200, emptyObject.text);
  });

  it('answers 415 to a vendor media type the route does not declare, instead of reading it as JSON', async () => {
    const env = await createEnvironment(server());
    const user = await createUser(server(), env, { username: unique('vendor') });
    const path = `/v1/environments/${env}/users/${user.id}`;
    const patched = await server().request('PATCH', path, {
      body: { nickname: 'sneaky' },
      contentType: 'application/vnd.pingidentity.anything+json',
    });
    assert.equal(patched.status, 415, patched.text);
    assert.equal(patched.body.code, 'INVALID_REQUEST');
    const unknownAction = await server().request('POST', path, {
      body: {},
      contentType: 'application/vnd.pingidentity.no.such.action+json',
    });
    assert.equal(unknownAction.status, 415, unknownAction.text);
    const read = await server().request('GET', path);
    assert.equal(read.body.nickname, undefined);
  });
});
