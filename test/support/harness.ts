import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { buildApp, type TesseraApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { openStore, type OpenStoreOptions, type Store } from '../../src/db/store.js';

export type StoreKind = 'sqlite' | 'postgres';

/** Stores the suite runs on: TESSERA_TEST_STORES=sqlite,postgres (the default) or one of them. */
export const STORES: StoreKind[] = (process.env.TESSERA_TEST_STORES ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is StoreKind => s === 'sqlite' || s === 'postgres');

export const POSTGRES_URL =
  process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const BOOTSTRAP = {
  environmentId: '0b0b0b0b-0000-4000-8000-000000000001',
  clientId: '0b0b0b0b-0000-4000-8000-000000000002',
  clientSecret: 'bootstrap-secret-for-tests-only-0123456789',
} as const;

// Tests read response bodies loosely; `any` by default keeps assertions short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Response<T = any> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A private store location: a SQLite file in a temp dir, or a fresh PostgreSQL schema. */
export interface TestStore {
  readonly kind: StoreKind;
  readonly databaseUrl: string;
  readonly postgresSchema?: string;
  drop(): Promise<void>;
}

export async function createTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
    return {
      kind,
      databaseUrl: `sqlite:${join(dir, 'tessera.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    kind,
    databaseUrl: POSTGRES_URL,
    postgresSchema: schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** Opens the store itself (no server) at a test location, for storage-level tests. */
export function openTestStore(location: TestStore, options: OpenStoreOptions = {}): Promise<Store> {
  return openStore(
    location.kind === 'sqlite'
      ? { kind: 'sqlite', filename: location.databaseUrl.slice('sqlite:'.length) }
      : { kind: 'postgres', url: location.databaseUrl },
    { postgresSchema: location.postgresSchema, ...options },
  );
}

/**
 * For storage-level tests: a fresh store of `kind`, opened before the suite's tests (then
 * `prepare` runs on it) and closed and dropped after them. Read `store` and `location` in hooks
 * and tests only.
 */
export function useOpenedStore(
  kind: StoreKind,
  prepare?: (store: Store) => Promise<unknown>,
): { readonly store: Store; readonly location: TestStore } {
  let opened: { store: Store; location: TestStore } | undefined;
  before(async () => {
    const location = await createTestStore(kind);
    opened = { location, store: await openTestStore(location) };
    await prepare?.(opened.store);
  });
  after(async () => {
    await opened?.store.close();
    await opened?.location.drop();
  });
  const current = () => {
    if (!opened) throw new Error("the store is opened in the suite's before hook");
    return opened;
  };
  return {
    get store() {
      return current().store;
    },
    get location() {
      return current().location;
    },
  };
}

export interface StartOptions {
  /** Extra environment variables for loadConfig. */
  env?: Record<string, string>;
  /** Reuse a store (e.g. a second process on the same PostgreSQL schema); not dropped on close. */
  store?: TestStore;
  clock?: ManualClock;
}

export class TestServer {
  private adminTokenCache: string | undefined;
  constructor(
    readonly app: TesseraApp,
    readonly store: TestStore,
    readonly clock: ManualClock,
    private readonly ownsStore: boolean,
  ) {}

  get services() {
    return this.app.services;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Response
  async request<T = any>(method: string, url: string, options: RequestOptions = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const token = options.token === undefined ? await this.adminToken() : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.contentType) {
      headers['content-type'] = options.contentType;
    }
    const response = await this.app.server.inject({ method: method as 'GET', url, headers, payload });
    let body: unknown;
    try {
      body = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, headers: response.headers, body: body as T, text: response.body };
  }

  /**
   * POST of a worker (same arguments as `request`) that then drops the role assignments it
   * inherited from its creator (PingOne copies them), so a test can give it exactly the roles
   * it is about.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Response
  async createWorker<T = any>(path: string, options: RequestOptions = {}): Promise<Response<T>> {
    const created = await this.request<T>('POST', path, options);
    if (created.status !== 201) return created;
    const assignments = `${path}/${(created.body as { id: string }).id}/roleAssignments`;
    const inherited = await this.request('GET', assignments);
    for (const assignment of inherited.body._embedded.roleAssignments as Array<{ id: string }>) {
      const removed = await this.request('DELETE', `${assignments}/${assignment.id}`);
      if (removed.status !== 204) throw new Error(`could not remove an inherited role: ${removed.text}`);
    }
    return created;
  }

  /** A token for the bootstrap worker (Environment Admin + Identity Data Admin, organization-wide). */
  async adminToken(): Promise<string> {
    if (!this.adminTokenCache) {
      this.adminTokenCache = await this.token(
        BOOTSTRAP.environmentId,
        BOOTSTRAP.clientId,
        BOOTSTRAP.clientSecret,
      );
    }
    return this.adminTokenCache;
  }

  async token(environmentId: string, clientId: string, clientSecret: string): Promise<string> {
    const response = await this.app.server.inject({
      method: 'POST',
      url: `/${environmentId}/as/token`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic ' + Buffer.from(`${clientId}:${clientSecret}`).toString('base64'),
      },
      payload: 'grant_type=client_credentials',
    });
    if (response.statusCode !== 200)
      throw new Error(`token request failed: ${response.statusCode} ${response.body}`);
    return (JSON.parse(response.body) as { access_token: string }).access_token;
  }

  async close(): Promise<void> {
    await this.app.close();
    if (this.ownsStore) await this.store.drop();
  }
}

export async function startTessera(kind: StoreKind, options: StartOptions = {}): Promise<TestServer> {
  const store = options.store ?? (await createTestStore(kind));
  const clock = options.clock ?? new ManualClock();
  const config = loadConfig({
    DATABASE_URL: store.databaseUrl,
    TESSERA_PUBLIC_URL: 'http://tessera.test',
    TESSERA_DATA_DIR: join(tmpdir(), 'tessera-test-data'),
    TESSERA_BOOTSTRAP_ENVIRONMENT_ID: BOOTSTRAP.environmentId,
    TESSERA_BOOTSTRAP_CLIENT_ID: BOOTSTRAP.clientId,
    TESSERA_BOOTSTRAP_CLIENT_SECRET: BOOTSTRAP.clientSecret,
    // Low argon2 cost keeps the suite fast; production defaults are OWASP's (see README).
    TESSERA_ARGON2_MEMORY_KIB: '1024',
    TESSERA_ARGON2_PASSES: '1',
    LOG_LEVEL: process.env.TESSERA_TEST_LOG_LEVEL ?? 'silent',
    ...(options.env ?? {}),
  });
  const app = await buildApp(config, { clock, postgresSchema: store.postgresSchema });
  return new TestServer(app, store, clock, options.store === undefined);
}

/**
 * Runs `body` once per store, each with its own freshly started server:
 * `describeStores('populations', (s) => { it('...', async () => { await s().request(...) }) })`.
 */
export function describeStores(
  name: string,
  body: (server: () => TestServer) => void,
  options: StartOptions = {},
) {
  for (const kind of STORES) describeOn(kind, name, body, options);
}

/** One suite on one store with its own freshly started server. */
function describeOn(
  kind: StoreKind,
  name: string,
  body: (server: () => TestServer) => void,
  options: StartOptions,
) {
  describe(`${name} [${kind}]`, () => {
    let server: TestServer | undefined;
    before(async () => {
      server = await startTessera(kind, options);
    });
    after(async () => {
      await server?.close();
    });
    body(() => {
      if (!server) throw new Error('server not started');
      return server;
    });
  });
}

/**
 * Like `describeStores`, on one store only (the first under test): for behaviour no store can
 * change (OpenAPI document, headers, rate limits, roles, body binding), which would only run twice.
 */
export function describeOnce(
  name: string,
  body: (server: () => TestServer) => void,
  options: StartOptions = {},
) {
  const kind = STORES[0];
  if (kind !== undefined) describeOn(kind, name, body, options);
}

/**
 * Runs `body` against two Tessera servers sharing one PostgreSQL schema, as two processes behind
 * a load balancer would (only when PostgreSQL is among the stores under test).
 */
export function describeTwoPostgresServers(
  name: string,
  body: (servers: () => [TestServer, TestServer]) => void,
) {
  if (!STORES.includes('postgres')) return;
  describe(`${name} [postgres]`, () => {
    let store: TestStore | undefined;
    let a: TestServer | undefined;
    let b: TestServer | undefined;
    before(async () => {
      store = await createTestStore('postgres');
      a = await startTessera('postgres', { store });
      b = await startTessera('postgres', { store });
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await store?.drop();
    });
    body(() => {
      if (!a || !b) throw new Error('servers not started');
      return [a, b];
    });
  });
}
