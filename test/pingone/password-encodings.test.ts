import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { describeStores } from '../support/harness.js';
import { newEnvironment, newUser, pw, unique, VND } from './password-helpers.js';

// Produced by independent tools (slappasswd, htpasswd, Python hashlib): see test/fixtures/passwords/generate.sh.
const vectors = JSON.parse(
  readFileSync(new URL('../fixtures/passwords/vectors.json', import.meta.url), 'utf8'),
) as {
  password: string;
  wrong: string;
  encodings: Record<string, string>;
};

describeStores('pre-encoded passwords', (server) => {
  const storedHash = async (userId: string) =>
    (
      await server()
        .services.store.db.selectFrom('user_passwords')
        .select('hash')
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).hash;

  it('accepts every supported encoding on set (no policy), verifies it and rehashes it to argon2id', async () => {
    const env = await newEnvironment(server());
    for (const [name, encoded] of Object.entries(vectors.encodings)) {
      const user = await newUser(server(), env);
      const p = pw(server(), env, user);
      const set = await p.set(encoded);
      assert.equal(set.status, 200, `${name}: ${set.text}`);
      assert.equal(await storedHash(user), encoded);
      const wrong = await p.check(vectors.wrong);
      assert.equal(wrong.status, 400, name);
      const right = await p.check(vectors.password);
      assert.equal(right.status, 200, `${name}: ${right.text}`);
      assert.match((await storedHash(user))!, /^\{ARGON2\}\$argon2id\$/, name);
      assert.equal((await p.check(vectors.password)).status, 200, name);
    }
  });

  it('refuses a malformed pre-encoded value with the envelope', async () => {
    const env = await newEnvironment(server());
    const user = await newUser(server(), env);
    for (const value of ['{SSHA512}not-base64!', '{BCRYPT}$2b$10$short', '{MD5}X03MO1qnZdYdgyfeuILPmQ==']) {
      const res = await pw(server(), env, user).set(value);
      assert.equal(res.status, 400, value);
      assert.equal(res.body.code, 'INVALID_DATA');
      assert.equal(res.body.details[0].code, 'INVALID_VALUE');
      assert.equal(res.body.details[0].target, 'password');
    }
    assert.equal((await pw(server(), env, user).get()).body.status, 'NO_PASSWORD');
  });

  it('imports users with a pre-encoded or cleartext password in the same call (user.import)', async () => {
    const env = await newEnvironment(server());
    const importUser = (password: Record<string, unknown>) => {
      const username = unique('imported');
      return server().request('POST', `/v1/environments/${env}/users`, {
        body: { username, email: `${username}@example.com`, password },
        contentType: `${VND}user.import+json`,
      });
    };
    const encoded = await importUser({ value: vectors.encodings.SSHA512, forceChange: true });
    assert.equal(encoded.status, 201, encoded.text);
    const p = pw(server(), env, encoded.body.id as string);
    assert.equal((await p.get()).body.status, 'MUST_CHANGE_PASSWORD');
    assert.equal((await p.check(vectors.password)).status, 200);

    const clear = await importUser({ value: 'Import#Ok2Go' });
    assert.equal(clear.status, 201, clear.text);
    assert.equal((await pw(server(), env, clear.body.id as string).check('Import#Ok2Go')).status, 200);

    const weak = await importUser({ value: 'weak' });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.details[0].target, 'password');
    assert.equal(weak.body.details[0].message, 'User password did not satisfy password policy requirements');

    const malformed = await importUser({ value: '{SSHA}%%%' });
    assert.equal(malformed.status, 400);
    // Nothing of a refused import remains.
    const list = await server().request('GET', `/v1/environments/${env}/users`);
    assert.equal(list.body._embedded.users.length, 2);
  });
});
