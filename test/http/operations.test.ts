// Operability over HTTP: /metrics, correlated request logs, the root page and a complete
// OpenAPI document, on both stores.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { buildApp, type TesseraApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { BOOTSTRAP, createTestStore, describeStores, STORES, type TestStore } from '../support/harness.js';

type LogLine = Record<string, unknown> & { msg?: string; correlationId?: string; level: number };

/** A Tessera whose log lines are kept in memory, at the given level. */
async function startLogged(kind: 'sqlite' | 'postgres', level: string, env: Record<string, string> = {}) {
  const store = await createTestStore(kind);
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({
    DATABASE_URL: store.databaseUrl,
    TESSERA_PUBLIC_URL: 'http://tessera.test',
    TESSERA_BOOTSTRAP_ENVIRONMENT_ID: BOOTSTRAP.environmentId,
    TESSERA_BOOTSTRAP_CLIENT_ID: BOOTSTRAP.clientId,
    TESSERA_BOOTSTRAP_CLIENT_SECRET: BOOTSTRAP.clientSecret,
    TESSERA_ARGON2_MEMORY_KIB: '1024',
    TESSERA_ARGON2_PASSES: '1',
    LOG_LEVEL: level,
    ...env,
  });
  const app = await buildApp(config, {
    clock: new ManualClock(),
    postgresSchema: store.postgresSchema,
    logger: pino({ level }, sink),
  });
  return { app, store, lines };
}

async function token(app: TesseraApp, secret: string = BOOTSTRAP.clientSecret) {
  return app.server.inject({
    method: 'POST',
    url: `/${BOOTSTRAP.environmentId}/as/token`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Basic ' + Buffer.from(`${BOOTSTRAP.clientId}:${secret}`).toString('base64'),
    },
    payload: 'grant_type=client_credentials',
  });
}

/** The value of one sample line of the exposition text, or undefined. */
function sample(text: string, name: string, labels: string = ''): number | undefined {
  const prefix = labels === '' ? `${name} ` : `${name}{${labels}} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

for (const kind of STORES) {
  describe(`operations [${kind}]`, () => {
    let logged: Awaited<ReturnType<typeof startLogged>> | undefined;
    let store: TestStore | undefined;
    before(async () => {
      logged = await startLogged(kind, 'info');
      store = logged.store;
    });
    after(async () => {
      await logged?.app.close();
      await store?.drop();
    });

    it('serves request histograms, hashing, token and store figures at /metrics', async () => {
      const { app } = logged!;
      const issued = await token(app);
      assert.equal(issued.statusCode, 200);
      assert.equal((await token(app, 'wrong-secret-0123456789')).statusCode, 401);
      const bearer = { authorization: `Bearer ${issued.json<{ access_token: string }>().access_token}` };
      const env = BOOTSTRAP.environmentId;
      const population = await app.server.inject({
        method: 'POST',
        url: `/v1/environments/${env}/populations`,
        headers: bearer,
        payload: { name: 'Metrics' },
      });
      const user = await app.server.inject({
        method: 'POST',
        url: `/v1/environments/${env}/users`,
        headers: bearer,
        payload: { username: 'metrics.user', population: { id: population.json<{ id: string }>().id } },
      });
      const userId = user.json<{ id: string }>().id;
      const set = await app.server.inject({
        method: 'PUT',
        url: `/v1/environments/${env}/users/${userId}/password`,
        headers: { ...bearer, 'content-type': 'application/vnd.pingidentity.password.set+json' },
        payload: JSON.stringify({ value: 'Correct-Horse-9-Battery', forceChange: false }),
      });
      assert.equal(set.statusCode, 200, set.body);

      const scraped = await app.server.inject({ method: 'GET', url: '/metrics' });
      assert.equal(scraped.statusCode, 200);
      assert.match(String(scraped.headers['content-type']), /^text\/plain/);
      const text = scraped.body;
      const route = 'route="/v1/environments/:envID/users/:userID/password",method="PUT",status_code="200"';
      assert.equal(sample(text, 'tessera_http_request_duration_seconds_count', route), 1);
      assert.ok(text.includes('route="/:envID/as/token",method="POST",status_code="401"'));
      assert.equal(sample(text, 'tessera_password_hash_duration_seconds_count', 'operation="hash"'), 1);
      assert.equal(sample(text, 'tessera_password_hash_wait_seconds_count'), 1);
      assert.equal(sample(text, 'tessera_password_hash_queue_depth'), 0);
      assert.equal(sample(text, 'tessera_password_hash_rejections_total'), 0);
      assert.equal(
        sample(text, 'tessera_token_requests_total', 'grant_type="client_credentials",outcome="issued"'),
        1,
      );
      assert.equal(
        sample(
          text,
          'tessera_token_requests_total',
          'grant_type="client_credentials",outcome="invalid_client"',
        ),
        1,
      );
      assert.equal(sample(text, 'tessera_outbox_backlog'), 0);
      if (kind === 'postgres') {
        assert.ok((sample(text, 'tessera_store_pool_connections', 'state="total"') ?? 0) >= 1);
      } else {
        assert.ok((sample(text, 'tessera_store_group_commit_units_count') ?? 0) >= 1);
      }
      assert.ok(text.includes('tessera_process_cpu_seconds_total'), 'process metrics');
      // Labels carry route templates, never ids or names from requests.
      assert.ok(!text.includes(userId) && !text.includes(env) && !text.includes('metrics.user'));
    });

    it('logs one line per request carrying the Correlation-Id the client received', async () => {
      const { app, lines } = logged!;
      const refused = await app.server.inject({ method: 'GET', url: '/v1/environments?filter=secret' });
      assert.equal(refused.statusCode, 401);
      const id = String(refused.headers['correlation-id']);
      assert.match(id, /^[0-9a-f-]{36}$/);
      const mine = lines.filter((l) => l.correlationId === id);
      const completed = mine.filter((l) => l.msg === 'request completed');
      assert.equal(completed.length, 1, JSON.stringify(mine));
      assert.equal(completed[0]!.statusCode, 401);
      assert.equal(completed[0]!.path, '/v1/environments', 'no query string in the log');
      assert.equal(completed[0]!.route, '/v1/environments');
      // The face's refusal line carries the same id.
      assert.ok(
        mine.some((l) => l.msg === 'request refused'),
        JSON.stringify(mine),
      );
      assert.ok(!lines.some((l) => l.msg === 'incoming request'), 'no second line per request at info');
    });

    it('logs health and metrics requests at debug level only', async () => {
      const { app, lines } = logged!;
      for (const url of ['/health/live', '/health/ready', '/metrics']) {
        const response = await app.server.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 200);
        const id = String(response.headers['correlation-id']);
        assert.deepEqual(
          lines.filter((l) => l.correlationId === id),
          [],
          `${url} is not logged at info`,
        );
      }
    });

    it('answers / with links: JSON for a client, HTML for a browser', async () => {
      const { app } = logged!;
      const json = await app.server.inject({
        method: 'GET',
        url: '/',
        headers: { accept: 'application/json' },
      });
      assert.equal(json.statusCode, 200);
      const body = json.json<{ name: string; version: string; _links: Record<string, { href: string }> }>();
      assert.equal(body.name, 'Tessera');
      assert.match(body.version, /^\d+\.\d+\.\d+/);
      assert.deepEqual(
        Object.values(body._links).map((l) => l.href),
        ['/reference', '/openapi.json', '/health/ready', '/health/live'],
      );
      for (const link of Object.values(body._links)) {
        const followed = await app.server.inject({ method: 'GET', url: link.href });
        assert.equal(followed.statusCode, 200, `${link.href} answers`);
      }
      const html = await app.server.inject({
        method: 'GET',
        url: '/',
        headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
      });
      assert.match(String(html.headers['content-type']), /^text\/html/);
      assert.match(html.body, /<a href="\/reference">/);
      assert.ok(html.body.includes(`version ${body.version}`));
      const reference = await app.server.inject({ method: 'GET', url: '/reference' });
      assert.equal(reference.statusCode, 200);
      const csp = String(reference.headers['content-security-policy']);
      assert.ok(!csp.includes('https:') && !csp.includes('swagger.io'), csp);
    });

    it('gives every OpenAPI operation a unique operationId, a one-line summary and a listed tag', async () => {
      const { app } = logged!;
      const doc = (await app.server.inject({ method: 'GET', url: '/openapi.json' })).json<{
        tags: Array<{ name: string }>;
        paths: Record<string, Record<string, { operationId?: string; summary?: string; tags?: string[] }>>;
      }>();
      const listed = new Set(doc.tags.map((t) => t.name));
      const ids = new Set<string>();
      let operations = 0;
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          const name = `${method.toUpperCase()} ${path}`;
          operations += 1;
          assert.match(operation.operationId ?? '', /^[a-zA-Z][a-zA-Z0-9]*$/, `${name} has an operationId`);
          assert.ok(
            !ids.has(operation.operationId!),
            `${name}: operationId ${operation.operationId} is unique`,
          );
          ids.add(operation.operationId!);
          assert.ok((operation.summary ?? '').trim().length > 3, `${name} has a summary`);
          assert.ok(!operation.summary!.includes('\n'), `${name}: the summary is one line`);
          assert.ok((operation.tags ?? []).length > 0, `${name} has a tag`);
          for (const tag of operation.tags!) assert.ok(listed.has(tag), `${name}: tag ${tag} is listed`);
        }
      }
      assert.ok(operations > 100, `${operations} operations`);
      for (const tag of ['Health', 'UiPath Identity', 'Users', 'Authentication'])
        assert.ok(listed.has(tag), tag);
      assert.equal(doc.paths['/v1/environments/{envID}/users']!.get!.summary, 'List users');
    });
  });
}

describeStores(
  'metrics on their own port',
  (server) => {
    it('serves /metrics only on the metrics listener', async () => {
      const app = server().app;
      assert.ok(app.metricsServer);
      assert.equal((await app.server.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
      const scraped = await app.metricsServer.inject({ method: 'GET', url: '/metrics' });
      assert.equal(scraped.statusCode, 200);
      assert.ok(scraped.body.includes('tessera_http_request_duration_seconds'));
    });
  },
  { env: { TESSERA_METRICS_PORT: '0' } },
);
