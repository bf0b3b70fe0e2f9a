import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { sendLargeBodiesAsBuffers } from './http/large-bodies.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { bootstrap, type BootstrapResult } from './core/bootstrap/bootstrap.js';
import { createServices, type Services } from './core/services.js';
import type { SeedDocument } from './core/seed/seed.js';
import { systemClock, type Clock } from './core/shared/clock.js';
import { openStore, type MigratedMemoryImage, type Store } from './db/store.js';
import { notFound } from './core/shared/errors.js';
import { edgeFaces } from './edge-faces.js';
import {
  clientErrorsFor,
  frameworkErrorsFor,
  rawRefusal,
  registerEdgeNotFound,
  type EdgeFace,
} from './http/edge-errors.js';
import { BODY_LIMITS, checkRequestLine, enforceInputPolicy } from './http/input-policy.js';
import { trackRoutes } from './http/method-not-allowed.js';
import { applyServerLimits, watchBody } from './http/server-limits.js';
import { createRateLimiter } from './http/rate-limiter.js';
import { createCredentialThrottle } from './http/credential-throttle.js';
import { createSchemaCompilers, type SchemaCompilers } from './http/schema-compilers.js';
import { registerOpenApi } from './http/openapi.js';
import { registerHealth } from './http/health.js';
import { decorateActor } from './http/actor.js';
import { enterEnvironmentClock, environmentParamOf } from './http/environment-clock.js';
import type { FastifyTypebox, TesseraContext } from './http/context.js';
import { decorateCorrelation, setCorrelationId } from './http/correlation.js';
import { createLogger, TesseraLogController } from './http/logging.js';
import { holdResponsesUntilDurable } from './http/durable-responses.js';
import { createPrometheusMetrics, registerMetricsRoute, type PrometheusMetrics } from './http/metrics.js';
import { registerReference } from './http/reference.js';
import { registerRootPage } from './http/root-page.js';
import { requireReadableSealedSecrets } from './core/bootstrap/sealed-secrets.js';
import { pingOneAuthFace } from './pingone-auth/plugin.js';
import { pingOneFace } from './pingone/plugin.js';
import { testingRoutes } from './testing/plugin.js';
import { uipathFace } from './uipath/plugin.js';

export interface AppOptions {
  readonly clock?: Clock;
  /** PostgreSQL schema to use (tests isolate themselves in their own schema). */
  readonly postgresSchema?: string;
  /** The logger to use (default: built from LOG_LEVEL and LOG_FORMAT, see http/logging.ts). */
  readonly logger?: Logger;
  /** Serve on an HTTP server the caller already listens with (so links can use its bound port). */
  readonly serverFactory?: FastifyServerOptions['serverFactory'];
  /** A validated seed document, applied after bootstrap (and part of what a reset restores). */
  readonly seed?: SeedDocument | undefined;
  /**
   * Compiled validators and serializers to reuse (the library shares one set among the instances
   * of a process); a fresh set otherwise.
   */
  readonly schemaCompilers?: SchemaCompilers;
  /** An in-memory SQLite store starts from this migrated image (kept by the first one). */
  readonly memoryImage?: MigratedMemoryImage;
}

export interface TesseraApp {
  readonly server: FastifyTypebox;
  readonly services: Services;
  readonly store: Store;
  readonly bootstrap: BootstrapResult;
  readonly logger: Logger;
  readonly metrics: PrometheusMetrics;
  /** With TESSERA_METRICS_PORT: the listener serving only /metrics (main.ts starts it). */
  readonly metricsServer: FastifyInstance | undefined;
  close(): Promise<void>;
}

/** Builds a ready-to-listen Tessera: store opened and migrated, bootstrap done, routes registered. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<TesseraApp> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);
  // Typed as Fastify's logger so every face keeps the one FastifyTypebox type.
  const fastifyLogger: FastifyBaseLogger = logger;
  const metrics = createPrometheusMetrics();
  const store = await openStore(config.store, {
    postgresSchema: options.postgresSchema,
    connectTimeoutMs: config.storeConnectTimeoutMs,
    onConnectRetry: (retry) => logger.warn(retry, 'PostgreSQL is not reachable yet; retrying'),
    onGroupCommit: metrics.groupCommitted,
    sqliteReadWorkers: config.sqliteReadWorkers,
    // Every response waits for `untilDurable` (holdResponsesUntilDurable below).
    syncCommitsOffLoop: true,
    ...(options.memoryImage ? { memoryImage: options.memoryImage } : {}),
  });
  let metricsServer: FastifyInstance | undefined;
  try {
    metrics.watchStore({ kind: store.dialect.kind, pool: () => store.poolStats() });
    const services = createServices({ store, clock, config, metrics: metrics.recorder });
    await requireReadableSealedSecrets(services);
    const bootstrapped = await bootstrap(services, config.bootstrap);
    if (options.seed) await services.seed.apply(options.seed, bootstrapped);
    // In test mode, what POST /tessera/testing/reset restores.
    await services.testMode?.rememberStartState();
    const { validators, serializer } = options.schemaCompilers ?? createSchemaCompilers();
    // Filled once the routes are known; edge refusals before that cannot happen (not listening).
    let faces: EdgeFace[] = [];
    const server = Fastify({
      loggerInstance: fastifyLogger,
      // The request id is the Correlation-Id the client sees, so a reported id finds its log lines.
      genReqId: () => randomUUID(),
      logController: new TesseraLogController(),
      bodyLimit: BODY_LIMITS.json,
      routerOptions: { maxParamLength: 200 },
      // Plugins (the reference page's assets above all) load slowly on a busy machine; the default
      // 10 s made start-up fail under load with nothing wrong.
      pluginTimeout: 60_000,
      frameworkErrors: (error, request, reply) => frameworkErrorsFor(faces)(error, request, reply),
      clientErrorHandler: clientErrorsFor(() => faces),
      ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
    }).withTypeProvider<TypeBoxTypeProvider>();
    applyServerLimits(server.server, config.http);
    server.setValidatorCompiler(validators.compiler);
    server.setSerializerCompiler(serializer);
    const credentialThrottle = createCredentialThrottle(config.credentialThrottle, services.clock);
    const compileSerializer = (schema: object) =>
      serializer({ schema, method: 'GET', url: '', httpStatus: '200' }) as (data: unknown) => string;
    server.decorate('tessera', {
      config,
      services,
      validators,
      credentialThrottle,
      compileSerializer,
    } satisfies TesseraContext);
    decorateActor(server);
    server.addHook('onResponse', (request, reply, done) => {
      metrics.observeRequest(request, reply);
      done();
    });
    sendLargeBodiesAsBuffers(server);
    holdResponsesUntilDurable(server, () => store.untilDurable());

    const routes = trackRoutes(server);
    decorateCorrelation(server);
    enforceInputPolicy(server);
    const bodyTimeoutMs = config.http.bodyTimeoutMs;
    const bodyTimedOut = (url: string, id: string) =>
      rawRefusal(faces, url, 408, id, 'The request body did not arrive in time');
    // One synchronous root hook (no promise per request, docs/benchmarks.md): the correlation id
    // first, so refusals cite it; the input policy on path and query, before any face's
    // authentication; then the body timer of a request that has a body.
    server.addHook('onRequest', (request, reply, done) => {
      setCorrelationId(request, reply);
      checkRequestLine(request);
      watchBody(request, reply, bodyTimeoutMs, bodyTimedOut);
      done();
    });
    await server.register(formbody);
    await registerOpenApi(server, swagger, config);
    registerHealth(server, store);
    await registerReference(server);
    registerRootPage(server);
    if (config.metricsPort === undefined) registerMetricsRoute(server, metrics);
    else {
      const own = Fastify({
        loggerInstance: fastifyLogger,
        logController: new TesseraLogController(),
      });
      registerMetricsRoute(own, metrics);
      await own.ready();
      metricsServer = own;
    }
    const allowedMethods = (url: string) => routes.allowedMethods(url);
    faces = edgeFaces();
    registerEdgeNotFound(server, faces, notFound);
    // Test mode: a request naming an environment runs on that environment's clock.
    enterEnvironmentClock(server, services.clock, environmentParamOf);
    // One limiter for both faces: a client has one budget, whichever face it calls.
    const limiter = createRateLimiter(config.rateLimitPerSecond, services.clock);
    await server.register(pingOneFace, {
      limiter,
      allowedMethods,
    });
    await server.register(pingOneAuthFace);
    await server.register(uipathFace, {
      limiter,
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
      logger,
      metrics,
      metricsServer,
      async close() {
        if (closed) return;
        closed = true;
        await services.scheduler.stop();
        await server.close();
        await metricsServer?.close();
        await services.close();
        await store.close();
      },
    };
  } catch (error) {
    await metricsServer?.close();
    await store.close();
    throw error;
  }
}
