import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startTessera } from '../../src/library/index.js';
import { createTestStore, STORES } from '../support/harness.js';
import { api, libraryDatabase } from '../support/library.js';

describe('startTessera (library)', () => {
  it('starts in memory on a free port; many instances run in one process; links carry the port', async () => {
    const [a, b] = await Promise.all([startTessera(), startTessera({ port: 0 })]);
    try {
      assert.notEqual(a.url, b.url);
      for (const t of [a, b]) {
        assert.match(t.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.notEqual(new URL(t.url).port, '0');
        assert.equal(t.apiPath, `${t.url}/v1`);
        assert.equal(t.authPath, `${t.url}/${t.environmentId}/as`);
        const ready = await fetch(`${t.url}/health/ready`);
        assert.equal(ready.status, 200);
      }
      const env = await api(a, 'POST', '/environments', {
        name: 'lib-env',
        type: 'SANDBOX',
        region: 'NA',
        license: { id: '11111111-1111-4111-8111-111111111111' },
      });
      assert.equal(env.status, 201, env.text);
      assert.ok(String(env.body._links.self.href).startsWith(a.apiPath + '/environments/'));
      const payload = (await a.token()).split('.')[1] ?? '';
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss: string };
      assert.ok(claims.iss.startsWith(a.url), claims.iss);
      // The other instance has its own store.
      assert.equal((await api(b, 'GET', `/environments/${env.body.id}`)).status, 404);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    assert.equal(
      await fetch(`${a.url}/health/live`).then(
        () => 'up',
        () => 'down',
      ),
      'down',
    );
  });

  it('a later instance reuses the compiled schemas and migrated image, yet shares no data and still validates', async () => {
    const first = await startTessera();
    let later: Awaited<ReturnType<typeof startTessera>> | undefined;
    try {
      const made = await api(first, 'POST', `/environments/${first.environmentId}/populations`, {
        name: 'mine',
      });
      assert.equal(made.status, 201, made.text);
      later = await startTessera();
      // Started from the image of a fresh migrated store: none of the first instance's rows.
      const read = await api(
        later,
        'GET',
        `/environments/${later.environmentId}/populations/${made.body.id}`,
      );
      assert.equal(read.status, 404);
      // Validators compiled on first use refuse bad input in every instance.
      for (const t of [first, later]) {
        const refused = await api(t, 'POST', `/environments/${t.environmentId}/populations`, { name: 42 });
        assert.equal(refused.status, 400, refused.text);
        assert.equal(refused.body.code, 'INVALID_DATA', refused.text);
        // Serializers compiled on first use answer too.
        const listed = await api(t, 'GET', `/environments/${t.environmentId}/populations`);
        assert.equal(listed.status, 200, listed.text);
        assert.ok(Array.isArray(listed.body._embedded.populations), listed.text);
      }
      const own = await api(later, 'POST', `/environments/${later.environmentId}/populations`, {
        name: 'later',
      });
      assert.equal(own.status, 201, own.text);
      assert.equal(
        (await api(first, 'GET', `/environments/${first.environmentId}/populations/${own.body.id}`)).status,
        404,
      );
    } finally {
      await Promise.all([first.close(), later?.close()]);
    }
  });

  it('advanceTime moves the instance clock; reset() restores the start state and the clock', async () => {
    const t = await startTessera();
    try {
      const made = await api(t, 'POST', `/environments/${t.environmentId}/populations`, { name: 'gone' });
      assert.equal(made.status, 201, made.text);
      await t.advanceTime(3600 * 24);
      const clock = await fetch(`${t.url}/tessera/testing/clock`, {
        headers: { authorization: `Bearer ${await t.token()}` },
      });
      assert.equal(((await clock.json()) as { offsetSeconds: number }).offsetSeconds, 86400);
      await t.reset();
      const read = await api(t, 'GET', `/environments/${t.environmentId}/populations/${made.body.id}`);
      assert.equal(read.status, 404);
      const after = await fetch(`${t.url}/tessera/testing/clock`, {
        headers: { authorization: `Bearer ${await t.token()}` },
      });
      assert.equal(((await after.json()) as { offsetSeconds: number }).offsetSeconds, 0);
    } finally {
      await t.close();
    }
  });

  for (const kind of STORES) {
    it(`keeps data in a ${kind} store across instances`, async () => {
      const store = await createTestStore(kind);
      after(() => store.drop());
      const first = await startTessera({ database: libraryDatabase(store) });
      const population = await api(first, 'POST', `/environments/${first.environmentId}/populations`, {
        name: 'kept',
      });
      assert.equal(population.status, 201, population.text);
      await first.close();
      const second = await startTessera({ database: libraryDatabase(store) });
      try {
        const read = await api(
          second,
          'GET',
          `/environments/${second.environmentId}/populations/${population.body.id}`,
        );
        assert.equal(read.status, 200, read.text);
      } finally {
        await second.close();
      }
    });
  }
});
