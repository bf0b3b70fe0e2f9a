import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ROLE_IDS } from '../../src/core/access/roles.js';
import { BOOTSTRAP, STORES, startTessera, type TestServer } from '../support/harness.js';

const ENV = BOOTSTRAP.environmentId;
const apps = `/v1/environments/${ENV}/applications`;

/** A worker with Identity Data Admin on the bootstrap environment, and a token for it. */
async function workerWithToken(server: TestServer) {
  const created = await server.createWorker(apps, {
    body: { name: `Cached ${Date.now()}`, type: 'WORKER' },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  const assigned = await server.request('POST', `${apps}/${id}/roleAssignments`, {
    body: { role: { id: ROLE_IDS.identityDataAdmin }, scope: { type: 'ENVIRONMENT', id: ENV } },
  });
  assert.equal(assigned.status, 201, assigned.text);
  const secret = (await server.request('GET', `${apps}/${id}/secret`)).body.secret as string;
  const token = await server.token(ENV, id, secret);
  return { id, token, assignmentId: assigned.body.id as string };
}

const listUsers = (server: TestServer, token: string) =>
  server.request('GET', `/v1/environments/${ENV}/users`, { token });

for (const kind of STORES) {
  describe(`caller and environment caches [${kind}]`, () => {
    let server: TestServer;
    before(async () => {
      // A long TTL: only invalidation can explain a change seen at once.
      server = await startTessera(kind, { env: { TESSERA_ACCESS_CACHE_MS: '60000' } });
    });
    after(() => server.close());

    it('applies a removed role assignment to the very next call', async () => {
      const worker = await workerWithToken(server);
      assert.equal((await listUsers(server, worker.token)).status, 200);
      const removed = await server.request(
        'DELETE',
        `${apps}/${worker.id}/roleAssignments/${worker.assignmentId}`,
      );
      assert.equal(removed.status, 204);
      const refused = await listUsers(server, worker.token);
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.body.code, 'ACCESS_FAILED');
    });

    it('applies a new role assignment and a disabled application at once', async () => {
      const worker = await workerWithToken(server);
      const groups = `/v1/environments/${ENV}/groups`;
      assert.equal((await server.request('GET', apps, { token: worker.token })).status, 403);
      await server.request('POST', `${apps}/${worker.id}/roleAssignments`, {
        body: { role: { id: ROLE_IDS.environmentAdmin }, scope: { type: 'ENVIRONMENT', id: ENV } },
      });
      assert.equal((await server.request('GET', apps, { token: worker.token })).status, 200);
      assert.equal((await server.request('GET', groups, { token: worker.token })).status, 200);

      const disabled = await server.request('PUT', `${apps}/${worker.id}`, {
        body: { name: 'Cached and disabled', type: 'WORKER', enabled: false },
      });
      assert.equal(disabled.status, 200, disabled.text);
      const refused = await listUsers(server, worker.token);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.details[0].code, 'INVALID_TOKEN');
    });

    it('serves a renamed environment and forgets a deleted one at once', async () => {
      const created = await server.request('POST', '/v1/environments', {
        body: { name: 'Cache me', type: 'SANDBOX', region: 'NA' },
      });
      const path = `/v1/environments/${created.body.id}`;
      assert.equal((await server.request('GET', `${path}/users`)).status, 200);
      const renamed = await server.request('PUT', path, {
        body: { name: 'Cache me again', type: 'SANDBOX', region: 'NA' },
      });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal((await server.request('GET', path)).body.name, 'Cache me again');
      assert.equal((await server.request('DELETE', path)).status, 204);
      assert.equal((await server.request('GET', `${path}/users`)).status, 404);
    });
  });
}

if (STORES.includes('postgres')) {
  void describe('caller cache across two processes on one PostgreSQL store [postgres]', () => {
    let writer: TestServer;
    let reader: TestServer;
    before(async () => {
      writer = await startTessera('postgres');
      reader = await startTessera('postgres', {
        store: writer.store,
        env: { TESSERA_ACCESS_CACHE_MS: '300' },
      });
    });
    after(async () => {
      await reader.close();
      await writer.close();
    });

    it("sees another process's role change within TESSERA_ACCESS_CACHE_MS", async () => {
      const worker = await workerWithToken(writer);
      assert.equal((await listUsers(reader, worker.token)).status, 200);
      const removed = await writer.request(
        'DELETE',
        `${apps}/${worker.id}/roleAssignments/${worker.assignmentId}`,
      );
      assert.equal(removed.status, 204);
      await sleep(400);
      assert.equal((await listUsers(reader, worker.token)).status, 403);
    });
  });
}
