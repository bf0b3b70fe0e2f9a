import type { SeedDocument } from '../core/seed/seed.js';
import { MigratedMemoryImage } from '../db/store.js';
import { createSchemaCompilers, type SchemaCompilers } from '../http/schema-compilers.js';
import { launch } from './launch.js';
import { loadSeed } from './seed-file.js';

/**
 * Where a library instance keeps its data: `sqlite::memory:` (the default), `sqlite:FILE` or a
 * `postgres://` URL.
 */
export type DatabaseLocation = string;

export interface StartTesseraOptions {
  /** Port to listen on; 0 (the default) picks a free one, reported in `url`. */
  readonly port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  readonly host?: string;
  /** `sqlite::memory:` (the default), `sqlite:FILE` or a `postgres://` URL. */
  readonly database?: DatabaseLocation;
  /**
   * The bootstrap worker's ids and secret. Defaults are fixed, so a file store can be reopened by
   * a later run; give your own to reuse a store bootstrapped with other credentials.
   */
  readonly bootstrap?: {
    readonly environmentId?: string;
    readonly clientId?: string;
    readonly clientSecret?: string;
  };
  /** Test mode (mailbox, clock, reset); on by default for the library. */
  readonly testMode?: boolean;
  /** Log level of the server (silent by default). */
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * A seed applied at start: a file (JSON, or YAML named .yaml/.yml) or the document itself, in
   * the format of `schemas/seed.schema.json`. `reset()` restores this seeded state.
   */
  readonly seed?: string | SeedDocument;
  /** Any other Tessera environment variable (`TESSERA_*`, `PORT`...), as for the server. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Which environment `reset` or `advanceTime` acts on; all of them when left out. */
export interface TesseraTimeTarget {
  readonly environmentId?: string;
}

export interface TesseraInstance {
  /** Base URL with the real port, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The management API: `url + '/v1'`. */
  readonly apiPath: string;
  /** The bootstrap environment's auth base: `url + '/' + environmentId + '/as'`. */
  readonly authPath: string;
  readonly organizationId: string;
  /** The environment holding the bootstrap worker. */
  readonly environmentId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A bearer token of the bootstrap worker (fetched with client credentials, kept until near expiry). */
  token(): Promise<string>;
  /**
   * Puts the store back as it was at start and clears every clock offset (test mode). With
   * `environmentId`, only that environment goes back (one made after start is deleted) and only
   * its clock offset is cleared; other environments keep their state, mailbox and clock.
   */
  reset(options?: TesseraTimeTarget): Promise<void>;
  /**
   * Moves Tessera's clock forward by `seconds` (test mode; negative moves it back); the scheduler
   * runs at the new time. With `environmentId`, only that environment's clock moves (its offset
   * adds to the instance's).
   */
  advanceTime(seconds: number, options?: TesseraTimeTarget): Promise<void>;
  /** Stops the server and closes the store. */
  close(): Promise<void>;
}

const environmentQuery = ({ environmentId }: TesseraTimeTarget): string =>
  environmentId === undefined ? '' : `?environment=${encodeURIComponent(environmentId)}`;

/** Fixed bootstrap defaults of the library: test instances are disposable and deterministic. */
export const LIBRARY_BOOTSTRAP = {
  environmentId: '7e55e7a0-0000-4000-8000-000000000001',
  clientId: '7e55e7a0-0000-4000-8000-000000000002',
  clientSecret: 'tessera-library-bootstrap-secret-not-for-production',
} as const;

/**
 * The one piece of state the library keeps per process, on purpose, so that a further instance
 * starts in a fraction of the first one's time: the compiled route validators and serializers
 * (pure functions of the route schemas, see http/schema-compilers.ts) and the bytes of a freshly
 * migrated in-memory store (each instance opens its own copy, see db/store.ts). Filled as
 * schemas are first used and by the first in-memory start, never reset; bounded by the code.
 * Instances share nothing else: each has its own store, services, clock and Fastify server.
 */
let warmStart: { schemaCompilers: SchemaCompilers; memoryImage: MigratedMemoryImage } | undefined;

/**
 * Starts an in-process Tessera for a test suite: in memory, on a free port, in test mode, ready
 * when the promise resolves. Any number may run in one process.
 */
export async function startTessera(options: StartTesseraOptions = {}): Promise<TesseraInstance> {
  const bootstrap = { ...LIBRARY_BOOTSTRAP, ...(options.bootstrap ?? {}) };
  const host = options.host ?? '127.0.0.1';
  const launched = await launch(
    {
      PORT: String(options.port ?? 0),
      HOST: host,
      DATABASE_URL: options.database ?? 'sqlite::memory:',
      TESSERA_BOOTSTRAP_ENVIRONMENT_ID: bootstrap.environmentId,
      TESSERA_BOOTSTRAP_CLIENT_ID: bootstrap.clientId,
      TESSERA_BOOTSTRAP_CLIENT_SECRET: bootstrap.clientSecret,
      TESSERA_TEST_MODE: options.testMode === false ? 'false' : 'true',
      LOG_LEVEL: options.logLevel ?? 'silent',
      // Test suites hash many passwords: a low argon2id cost keeps them fast (stored hashes keep
      // their own parameters, so a store moved to production still verifies).
      TESSERA_ARGON2_MEMORY_KIB: '1024',
      TESSERA_ARGON2_PASSES: '1',
      TESSERA_DATA_DIR: process.env.TESSERA_DATA_DIR ?? 'data',
      ...(options.env ?? {}),
    },
    {
      defaultPublicHost: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
      seed: options.seed === undefined ? undefined : loadSeed(options.seed),
      ...(warmStart ??= {
        schemaCompilers: createSchemaCompilers({ lazy: true }),
        memoryImage: new MigratedMemoryImage(),
      }),
    },
  );
  const url = launched.config.publicUrl;
  const { organizationId, environmentId, clientId } = launched.app.bootstrap;
  let cached: { token: string; until: number } | undefined;

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${await token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Tessera ${method} ${path} answered ${response.status}: ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  async function token(): Promise<string> {
    // Domain time may be moved by advanceTime, so expiry is tracked in Tessera's own clock.
    const now = launched.app.services.clock.now();
    if (cached && cached.until > now) return cached.token;
    const response = await fetch(`${url}/${environmentId}/as/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic ' + Buffer.from(`${clientId}:${bootstrap.clientSecret}`).toString('base64'),
      },
      body: 'grant_type=client_credentials',
    });
    const answer = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!response.ok || !answer.access_token) {
      throw new Error(
        `Tessera refused the bootstrap credentials (${response.status}): ` +
          'the store was bootstrapped with other ones; pass them as `bootstrap`',
      );
    }
    cached = { token: answer.access_token, until: now + ((answer.expires_in ?? 3600) - 60) * 1000 };
    return cached.token;
  }

  return {
    url,
    apiPath: `${url}/v1`,
    authPath: `${url}/${environmentId}/as`,
    organizationId,
    environmentId,
    clientId,
    clientSecret: bootstrap.clientSecret,
    token,
    async reset(target: TesseraTimeTarget = {}) {
      await call('POST', '/tessera/testing/reset' + environmentQuery(target));
    },
    async advanceTime(seconds: number, target: TesseraTimeTarget = {}) {
      await call('POST', '/tessera/testing/clock' + environmentQuery(target), { advanceSeconds: seconds });
    },
    close: () => launched.close(),
  };
}
