import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config/config.js';
import { bootstrap, type BootstrapResult } from './core/bootstrap/bootstrap.js';
import { createServices, type Services } from './core/services.js';
import { systemClock, type Clock } from './core/shared/clock.js';
import { openStore, type Store } from './db/store.js';
import { trackRoutes } from './http/method-not-allowed.js';
import { createRateLimiter } from './http/rate-limiter.js';
import { createValidators } from './http/validation.js';
import { registerOpenApi } from './http/openapi.js';
import { registerHealth } from './http/health.js';
import { decorateActor } from './http/actor.js';
import type { FastifyTypebox, TesseraContext } from './http/context.js';
import { registerCorrelation } from './http/correlation.js';
import { pingOneAuthFace } from './pingone-auth/plugin.js';
import { pingOneFace } from './pingone/plugin.js';
import { testingRoutes } from './testing/plugin.js';
import { uipathFace } from './uipath/plugin.js';

export interface AppOptions {
  readonly clock?: Clock;
  /** PostgreSQL schema to use (tests isolate themselves in their own schema). */
  readonly postgresSchema?: string;
  readonly logger?: FastifyServerOptions['logger'];
  /** Serve on an HTTP server the caller already listens with (so links can use its bound port). */
  readonly serverFactory?: FastifyServerOptions['serverFactory'];
}

export interface TesseraApp {
  readonly server: FastifyTypebox;
  readonly services: Services;
  readonly store: Store;
  readonly bootstrap: BootstrapResult;
  close(): Promise<void>;
}

/** Builds a ready-to-listen Tessera: store opened and migrated, bootstrap done, routes registered. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<TesseraApp> {
  const clock = options.clock ?? systemClock;
  const store = await openStore(config.store, { postgresSchema: options.postgresSchema });
  try {
    const services = createServices({ store, clock, config });
    const bootstrapped = await bootstrap(services, config.bootstrap);
    // In test mode, what POST /tessera/testing/reset restores.
    await services.testMode?.rememberStartState();
    const validators = createValidators();
    const server = Fastify({
      logger: options.logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] },
      genReqId: () => randomUUID(),
      bodyLimit: 1024 * 1024,
      routerOptions: { maxParamLength: 200 },
      ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
    }).withTypeProvider<TypeBoxTypeProvider>();
    server.setValidatorCompiler(validators.compiler);
    server.decorate('tessera', { config, services, validators } satisfies TesseraContext);
    decorateActor(server);

    const routes = trackRoutes(server);
    registerCorrelation(server);
    await server.register(formbody);
    await registerOpenApi(server, swagger, config);
    registerHealth(server, store);
    const allowedMethods = (url: string) => routes.allowedMethods(url);
    await server.register(pingOneFace, {
      limiter: createRateLimiter(config.rateLimitPerSecond, services.clock),
      allowedMethods,
    });
    await server.register(pingOneAuthFace);
    await server.register(uipathFace, {
      limiter: createRateLimiter(config.rateLimitPerSecond, services.clock),
      allowedMethods,
    });
    // Tessera's test-mode routes live outside the PingOne API and exist only in test mode.
    if (config.testMode) await server.register(testingRoutes);
    await server.ready();
    services.scheduler.start((job, err) => server.log.error({ err, job }, 'scheduled job failed'));
    let closed = false;
    return {
      server,
      services,
      store,
      bootstrap: bootstrapped,
      async close() {
        if (closed) return;
        closed = true;
        await services.scheduler.stop();
        await server.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
