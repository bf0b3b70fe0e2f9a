// Start-up refusals that name the problem: a missing PostgreSQL schema, a changed secret key.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { openStore } from '../../src/db/store.js';
import { createTestStore, POSTGRES_URL, startTessera, STORES } from '../support/harness.js';

const KEY_A = 'a'.repeat(16) + randomBytes(16).toString('hex');
const KEY_B = 'b'.repeat(16) + randomBytes(16).toString('hex');

if (STORES.includes('postgres')) {
  describe('PostgreSQL start-up [postgres]', () => {
    it('names a search_path schema that does not exist', async () => {
      const missing = `missing_${randomBytes(4).toString('hex')}`;
      await assert.rejects(
        openStore({ kind: 'postgres', url: POSTGRES_URL }, { postgresSchema: missing }),
        (error: Error) => {
          assert.match(error.message, /PostgreSQL schema missing/);
          assert.ok(error.message.includes(missing), error.message);
          assert.match(error.message, /CREATE SCHEMA/);
          return true;
        },
      );
    });
  });
}

for (const kind of STORES) {
  describe(`sealed secrets at start [${kind}]`, () => {
    it('refuses a store whose client secrets another TESSERA_SECRET_KEY sealed', async () => {
      const store = await createTestStore(kind);
      try {
        const first = await startTessera(kind, { store, env: { TESSERA_SECRET_KEY: KEY_A } });
        const env = first.services.config.bootstrap.environmentId!;
        const created = await first.request('POST', `/v1/environments/${env}/applications`, {
          body: { name: 'Sealed', type: 'WORKER', protocol: 'OPENID_CONNECT' },
        });
        assert.equal(created.status, 201, created.text);
        await first.close();

        await assert.rejects(
          startTessera(kind, { store, env: { TESSERA_SECRET_KEY: KEY_B } }),
          (error: Error) => {
            assert.match(
              error.message,
              /client secrets in this store cannot be opened with TESSERA_SECRET_KEY/,
            );
            assert.ok(
              !error.message.includes(KEY_A) && !error.message.includes(KEY_B),
              'no key in the message',
            );
            return true;
          },
        );
        // The right key still starts, and the secret reads.
        const again = await startTessera(kind, { store, env: { TESSERA_SECRET_KEY: KEY_A } });
        const id = (created.body as { id: string }).id;
        const secret = await again.request('GET', `/v1/environments/${env}/applications/${id}/secret`);
        assert.equal(secret.status, 200, secret.text);
        await again.close();
      } finally {
        await store.drop();
      }
    });
  });
}
