import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, type AppOptions, type TesseraApp } from '../app.js';
import { loadConfig, type Config } from '../config/config.js';
import { readSeedFile } from './seed-file.js';

/** How long a stop waits for in-flight requests before cutting connections. */
const DRAIN_MS = 10_000;

type Env = Readonly<Record<string, string | undefined>>;

export interface Launched {
  readonly app: TesseraApp;
  readonly config: Config;
  /** The port the listener is bound to (the real one when PORT=0). */
  readonly port: number;
  /** Stops the app (in-flight requests finish), then the listener and the store. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Until the app is ready (migrations, bootstrap, a PostgreSQL still starting), the open listener
 * answers 503 with `Retry-After`: Fastify's own handler must not see a request before its routes
 * are ready.
 */
function answerStarting(_request: IncomingMessage, response: ServerResponse): void {
  const id = randomUUID();
  const body = JSON.stringify({
    id,
    code: 'SERVICE_UNAVAILABLE',
    message: 'Tessera is starting. Retry shortly.',
  });
  response.writeHead(503, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'retry-after': '1',
    'correlation-id': id,
    connection: 'close',
  });
  response.end(body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/**
 * Starts Tessera the one way the process entry, the CLI and the library share. The listener is
 * opened first so that with PORT=0 the configuration (links, token issuer, audience) is built
 * with the port really bound; `publicUrl` then follows the bound port unless
 * TESSERA_PUBLIC_URL is set. Requests are served once the app is ready.
 */
export async function launch(
  env: Env,
  options: AppOptions & { readonly defaultPublicHost?: string } = {},
): Promise<Launched> {
  const requested = loadConfig(env);
  // Read before listening: a bad seed file is refused without opening a port.
  const seed = options.seed ?? (requested.seedFile ? readSeedFile(requested.seedFile) : undefined);
  let serve: Handler = answerStarting;
  let ready: Handler | undefined;
  const raw = createServer((request, response) => serve(request, response));
  const port = await listen(raw, requested.port, requested.host);
  try {
    const publicUrlSet = env.TESSERA_PUBLIC_URL !== undefined && env.TESSERA_PUBLIC_URL !== '';
    const config = loadConfig({
      ...env,
      PORT: String(port),
      ...(!publicUrlSet && options.defaultPublicHost
        ? { TESSERA_PUBLIC_URL: `http://${options.defaultPublicHost}:${port}` }
        : {}),
    });
    const app = await buildApp(config, {
      ...options,
      seed,
      serverFactory: (handler) => {
        ready = handler;
        return raw;
      },
    });
    serve = ready ?? answerStarting;
    let closing: Promise<void> | undefined;
    return {
      app,
      config,
      port,
      close() {
        closing ??= (async () => {
          // Stop accepting and let in-flight requests finish (bounded), then close the app.
          const stopped = closeServer(raw);
          let timer: NodeJS.Timeout | undefined;
          const grace = new Promise<void>((resolve) => {
            timer = setTimeout(resolve, DRAIN_MS);
            timer.unref();
          });
          await Promise.race([stopped, grace]);
          clearTimeout(timer);
          raw.closeAllConnections();
          await app.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeServer(raw);
    throw error;
  }
}
