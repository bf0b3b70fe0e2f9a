import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BOOTSTRAP, createTestStore, STORES } from '../support/harness.js';
import { TesseraProcess } from '../support/tessera-process.js';

/**
 * `kill -9` durability (issue 10): concurrent creates and PATCHes against a Tessera process,
 * every acknowledged (2xx) write recorded, SIGKILL in mid-stream, a restart on the same store,
 * and every acknowledged write found with its acknowledged value. A write that was in flight
 * when the process died may or may not have landed; nothing acknowledged may be lost.
 */
const ROUNDS = 2;
const WORKERS = 6;
/** Acknowledged writes per round before the kill (the writers are still running then). */
const WRITES_BEFORE_KILL = 120;
const PROCESS_TEST_TIMEOUT = 300_000;

interface Tracked {
  /** The given name the server acknowledged last. */
  acknowledged: string;
  /** A PATCH sent but not answered when the process died (it may have landed). */
  pending?: string;
}

async function tokenFor(base: string): Promise<string> {
  const response = await fetch(`${base}/${BOOTSTRAP.environmentId}/as/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'Basic ' + Buffer.from(`${BOOTSTRAP.clientId}:${BOOTSTRAP.clientSecret}`).toString('base64'),
    },
    body: 'grant_type=client_credentials',
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { access_token: string }).access_token;
}

for (const kind of STORES) {
  describe(`kill -9 durability [${kind}]`, () => {
    it(
      'keeps every acknowledged create and PATCH across SIGKILL and restart',
      { timeout: PROCESS_TEST_TIMEOUT },
      async () => {
        const store = await createTestStore(kind);
        const dataDir = mkdtempSync(join(tmpdir(), 'tessera-kill9-'));
        const processes: TesseraProcess[] = [];
        after(async () => {
          for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
          await Promise.all(processes.map((p) => p.exited));
          await store.drop();
          rmSync(dataDir, { recursive: true, force: true });
        });
        let databaseUrl = store.databaseUrl;
        if (store.postgresSchema) {
          const url = new URL(store.databaseUrl);
          url.searchParams.set('options', `-c search_path=${store.postgresSchema}`);
          databaseUrl = url.toString();
        }
        const env = {
          DATABASE_URL: databaseUrl,
          TESSERA_DATA_DIR: dataDir,
          TESSERA_PUBLIC_URL: 'http://tessera.test',
          TESSERA_BOOTSTRAP_ENVIRONMENT_ID: BOOTSTRAP.environmentId,
          TESSERA_BOOTSTRAP_CLIENT_ID: BOOTSTRAP.clientId,
          TESSERA_BOOTSTRAP_CLIENT_SECRET: BOOTSTRAP.clientSecret,
          TESSERA_ARGON2_MEMORY_KIB: '1024',
          TESSERA_ARGON2_PASSES: '1',
          TESSERA_RATE_LIMIT_PER_SECOND: '100000',
        };
        const start = async () => {
          const tessera = new TesseraProcess(env);
          processes.push(tessera);
          const base = await tessera.baseUrl();
          await tessera.waitFor(/Tessera is ready/);
          return { tessera, base, token: await tokenFor(base) };
        };

        const users = new Map<string, Tracked>();
        let environment: string | undefined;
        let sequence = 0;
        let acknowledgedCreates = 0;
        let acknowledgedPatches = 0;

        for (let round = 1; round <= ROUNDS; round++) {
          const { tessera, base, token } = await start();
          const call = (method: string, path: string, body?: unknown) =>
            fetch(`${base}/v1${path}`, {
              method,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: body === undefined ? undefined : JSON.stringify(body),
            });

          // Every user acknowledged so far is there with its acknowledged (or in-flight) value.
          for (const [id, tracked] of users) {
            const read = await call('GET', `/environments/${environment}/users/${id}`);
            assert.equal(read.status, 200, `acknowledged user ${id} lost (round ${round})`);
            const given = ((await read.json()) as { name?: { given?: string } }).name?.given;
            const allowed = [tracked.acknowledged, tracked.pending];
            assert.ok(allowed.includes(given), `user ${id}: ${given} is not among ${allowed.join(', ')}`);
            users.set(id, { acknowledged: given ?? tracked.acknowledged });
          }
          if (environment === undefined) {
            const created = await call('POST', '/environments', {
              name: `kill9-${process.pid}`,
              type: 'SANDBOX',
              region: 'NA',
              license: { id: '11111111-1111-4111-8111-111111111111' },
            });
            const text = await created.text();
            assert.equal(created.status, 201, text);
            environment = (JSON.parse(text) as { id: string }).id;
          }

          let acknowledgedThisRound = 0;
          let killed = false;
          const kill = () => {
            if (killed) return;
            killed = true;
            tessera.child.kill('SIGKILL');
          };
          const worker = async (w: number) => {
            const own: string[] = [];
            while (!killed) {
              const n = ++sequence;
              try {
                if (own.length === 0 || n % 3 === 0) {
                  const given = `g${n}`;
                  const response = await call('POST', `/environments/${environment}/users`, {
                    username: `k9-${w}-${n}`,
                    name: { given },
                  });
                  if (response.status !== 201)
                    throw new Error(`create: ${response.status} ${await response.text()}`);
                  const id = ((await response.json()) as { id: string }).id;
                  users.set(id, { acknowledged: given });
                  own.push(id);
                  acknowledgedCreates++;
                } else {
                  const id = own[n % own.length]!;
                  const given = `g${n}`;
                  users.set(id, { ...users.get(id)!, pending: given });
                  const response = await call('PATCH', `/environments/${environment}/users/${id}`, {
                    name: { given },
                  });
                  if (response.status !== 200)
                    throw new Error(`patch: ${response.status} ${await response.text()}`);
                  users.set(id, { acknowledged: given });
                  acknowledgedPatches++;
                }
                if (++acknowledgedThisRound >= WRITES_BEFORE_KILL) kill();
              } catch (error) {
                // After the kill, requests fail: that ends the worker. Before it, a failure is a bug.
                if (!killed) throw error;
              }
            }
          };
          await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
          assert.equal(await tessera.exited, null, 'the process died of SIGKILL');
        }

        // A last restart checks the writes of the final round.
        const { base, token } = await start();
        for (const [id, tracked] of users) {
          const read = await fetch(`${base}/v1/environments/${environment}/users/${id}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          assert.equal(read.status, 200, `acknowledged user ${id} lost after the last kill`);
          const given = ((await read.json()) as { name?: { given?: string } }).name?.given;
          assert.ok([tracked.acknowledged, tracked.pending].includes(given), `user ${id}: ${given}`);
        }
        assert.ok(
          acknowledgedCreates > 0 && acknowledgedPatches > 0,
          `${acknowledgedCreates} creates, ${acknowledgedPatches} patches`,
        );
      },
    );
  });
}
