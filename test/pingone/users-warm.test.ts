import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Insertable } from 'kysely';
import type { UsersTable } from '../../src/db/schema.js';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { createEnvironment, createUser, workerToken } from '../support/fixtures.js';
import { describeStores, openTestStore, startTessera, type TestServer } from '../support/harness.js';
import { createPolicy, populationWithPolicy, pw, STRONG, unique } from './password-helpers.js';

/*
 * Warm users (src/core/users/warm-users.ts) serve GET /users/{id} from a kept answer: on SQLite
 * without reading the row, on PostgreSQL after a statement that answers only the row's version
 * and the password lockout. Every test warms the user first, then changes what the answer
 * depends on in one way, and fails if the next GET answers what was kept.
 */

/*
 * Two apps (or an app and a store) share one SQLite file in this one process: a background job's
 * transaction left open across an await would make the other connection's synchronous busy wait
 * block the very event loop that must finish it. No background jobs here.
 */
const QUIET = { TESSERA_SCHEDULER_INTERVAL_MS: '3600000' };

const userUrl = (env: string, id: string) => `/v1/environments/${env}/users/${id}`;

async function get(server: TestServer, env: string, id: string, query = '') {
  const res = await server.request('GET', userUrl(env, id) + query);
  assert.equal(res.status, 200, res.text);
  return res;
}

/** A user read twice, so that the second GET was the kept answer (on SQLite). */
async function warmUser(server: TestServer, extra: Record<string, unknown> = {}) {
  const env = await createEnvironment(server);
  const user = await createUser(server, env, { username: unique('warm'), ...extra });
  await get(server, env, user.id);
  await get(server, env, user.id);
  return { env, id: user.id };
}

describeStores(
  'warm users (GET user from a kept answer)',
  (server) => {
    it('keeps a warm answer, and sends the bytes the schema serializer sends', async () => {
      const { env, id } = await warmUser(server());
      const actor = await server().services.tokens.authenticate(await server().adminToken());
      const first = await server().services.users.getWithLockout(actor, env, id);
      const second = await server().services.users.getWithLockout(actor, env, id);
      assert.equal(first, second);
      assert.equal(first.warm, true);
      // `include=` (empty) takes the ordinary path: Fastify's serializer of the route's schema.
      const warm = await get(server(), env, id);
      const cold = await get(server(), env, id, '?include=');
      assert.equal(warm.text, cold.text);
      assert.equal(warm.headers['content-type'], cold.headers['content-type']);
      assert.equal(warm.headers['content-length'], cold.headers['content-length']);
    });

    it('answers a PATCH through the API at the next GET', async () => {
      const { env, id } = await warmUser(server());
      const patched = await server().request('PATCH', userUrl(env, id), { body: { nickname: 'changed' } });
      assert.equal(patched.status, 200, patched.text);
      const after = await get(server(), env, id);
      assert.equal(after.body.nickname, 'changed');
      assert.equal(after.text, patched.text);
    });

    it('answers a write by another connection to the same store (as the CLI makes)', async () => {
      const { env, id } = await warmUser(server());
      const other = await openTestStore(server().store);
      try {
        const renamed = unique('renamed');
        await other.db.updateTable('users').set({ username: renamed }).where('id', '=', id).execute();
        assert.equal((await get(server(), env, id)).body.username, renamed);
        await other.db.deleteFrom('users').where('id', '=', id).execute();
        assert.equal((await server().request('GET', userUrl(env, id))).status, 404);
      } finally {
        await other.close();
      }
    });

    it('answers a row deleted and inserted again with the same revision (a restore), at once', async () => {
      const { env, id } = await warmUser(server());
      const other = await openTestStore(server().store);
      try {
        const row = await other.db
          .selectFrom('users')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const profile = { ...(JSON.parse(row.profile) as Record<string, unknown>), title: 'Restored' };
        await other.db.transaction().execute(async (trx) => {
          await trx.deleteFrom('users').where('id', '=', id).execute();
          // The flags as read (0/1 on SQLite), the revision unchanged; without the columns
          // PostgreSQL generates (migration 0015), which an insert may not name.
          const stored = Object.fromEntries(
            Object.entries(row).filter(
              ([column]) => !['name_given', 'name_family', 'external_id'].includes(column),
            ),
          );
          const values = { ...stored, profile: JSON.stringify(profile) } as Insertable<UsersTable>;
          await trx.insertInto('users').values(values).execute();
        });
        assert.equal((await get(server(), env, id)).body.title, 'Restored');
      } finally {
        await other.close();
      }
    });

    it('checks the caller on every warm answer: 403 for a role scoped elsewhere', async () => {
      const { env, id } = await warmUser(server());
      const other = await createEnvironment(server());
      const outside = await workerToken(server(), ROLE_IDS.identityDataAdmin, {
        type: 'ENVIRONMENT',
        id: other,
      });
      const inside = await workerToken(server(), ROLE_IDS.identityDataAdmin, {
        type: 'ENVIRONMENT',
        id: env,
      });
      for (let i = 0; i < 2; i += 1) {
        const refused = await server().request('GET', userUrl(env, id), { token: outside });
        assert.equal(refused.status, 403, refused.text);
        const allowed = await server().request('GET', userUrl(env, id), { token: inside });
        assert.equal(allowed.status, 200, allowed.text);
      }
    });

    it('answers 404 for the id of a warm user under another environment', async () => {
      const { id } = await warmUser(server());
      const elsewhere = await createEnvironment(server());
      assert.equal((await server().request('GET', userUrl(elsewhere, id))).status, 404);
    });

    it('answers a password lockout reached by failed checks, and its end when time passes', async () => {
      const env = await createEnvironment(server());
      const policy = await createPolicy(server(), env, { lockout: { failureCount: 2, durationSeconds: 60 } });
      const population = await populationWithPolicy(server(), env, policy);
      const user = await createUser(server(), env, {
        username: unique('lo'),
        population: { id: population },
      });
      const p = pw(server(), env, user.id);
      assert.equal((await p.set(STRONG)).status, 200);
      assert.equal((await get(server(), env, user.id)).body.account.canAuthenticate, true);
      await get(server(), env, user.id);
      await p.check('wrong');
      await p.check('wrong');
      assert.equal((await get(server(), env, user.id)).body.account.canAuthenticate, false);
      assert.equal((await get(server(), env, user.id)).body.account.canAuthenticate, false);
      server().clock.advance(61_000);
      assert.equal((await get(server(), env, user.id)).body.account.canAuthenticate, true);
    });

    it('answers an account lock that expires with time, and a clock set back before the read', async () => {
      const { env, id } = await warmUser(server());
      const start = server().clock.now();
      const unlockAt = new Date(start + 30_000).toISOString();
      const locked = await server().request('POST', userUrl(env, id), {
        body: { unlockAt },
        contentType: 'application/vnd.pingidentity.account.lock+json',
      });
      assert.equal(locked.status, 200, locked.text);
      const during = await get(server(), env, id);
      assert.equal(during.body.account.status, 'LOCKED');
      assert.equal(during.body.account.secondsUntilUnlock, 30);
      server().clock.advance(10_000);
      assert.equal((await get(server(), env, id)).body.account.secondsUntilUnlock, 20);
      server().clock.advance(25_000);
      const expired = await get(server(), env, id);
      assert.equal(expired.body.account.status, 'OK');
      assert.equal(expired.body.account.canAuthenticate, true);
      assert.equal((await get(server(), env, id)).body.account.status, 'OK');
      // The expired lock kept as OK would be wrong before its end: time set back must not reuse it.
      server().clock.set(start + 1_000);
      assert.equal((await get(server(), env, id)).body.account.status, 'LOCKED');
      server().clock.set(start + 40_000);
    });

    it('links each app to its own base URL on one store', async () => {
      const { env, id } = await warmUser(server());
      const other = await startTessera(server().store.kind, {
        store: server().store,
        env: { ...QUIET, TESSERA_PUBLIC_URL: 'https://elsewhere.example.com' },
      });
      try {
        const here = await get(server(), env, id);
        const there = await get(other, env, id);
        await get(other, env, id);
        assert.match(there.body._links.self.href, /^https:\/\/elsewhere\.example\.com\/v1\//);
        assert.notEqual(here.body._links.self.href, there.body._links.self.href);
        assert.equal((await get(server(), env, id)).text, here.text);
        // The other app's write is another connection's commit for this one.
        const patched = await other.request('PATCH', userUrl(env, id), { body: { title: 'Dr' } });
        assert.equal(patched.status, 200, patched.text);
        assert.equal((await get(server(), env, id)).body.title, 'Dr');
      } finally {
        await other.close();
      }
    });
  },
  { env: QUIET },
);
