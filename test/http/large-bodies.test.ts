import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createEnvironment, createUser } from '../support/fixtures.js';
import { describeOnce } from '../support/harness.js';

/** Large bodies go out as one Buffer (src/http/large-bodies.ts): the bytes and their length must not change. */
describeOnce('large response bodies', (server) => {
  let env: string;
  before(async () => {
    env = await createEnvironment(server());
    // Non-ASCII names: Content-Length counts UTF-8 bytes, not string length.
    for (let i = 0; i < 12; i += 1)
      await createUser(server(), env, { username: `müller.${i}`, name: { given: 'Zoë', family: 'Müller' } });
  });

  it('sends a page above the threshold with a Content-Length of its UTF-8 bytes and the same JSON', async () => {
    const res = await server().request('GET', `/v1/environments/${env}/users?limit=12`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.text.length > 16_384, `page of ${res.text.length} characters`);
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.text));
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const page = res.body as { size: number; _embedded: { users: { name: { family: string } }[] } };
    assert.equal(page.size, 12);
    assert.ok(page._embedded.users.every((user) => user.name.family === 'Müller'));
  });

  it('leaves a small body as it was', async () => {
    const res = await server().request('GET', `/v1/environments/${env}/users?limit=1`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.text.length < 16_384);
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.text));
  });
});
