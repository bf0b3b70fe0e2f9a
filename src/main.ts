import { createLogger, flushLogger } from './http/logging.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import type { BootstrapResult } from './core/bootstrap/bootstrap.js';
import { BootstrapMismatchError } from './core/bootstrap/bootstrap.js';
import { credentialsBanner, writeCredentialsFile } from './library/credentials-file.js';
import { launch, type Launched } from './library/launch.js';

/**
 * Shows how to make a first call; on the first start also the generated secret, written (for a
 * file or PostgreSQL store only) to the credentials file. Called once the listener is up, so a
 * failed start never leaves a credentials file behind.
 */
function announceBootstrap(config: Config, result: BootstrapResult) {
  const secret = result.created ? result.clientSecret : undefined;
  const generated = secret !== undefined;
  const savedTo = generated ? writeCredentialsFile(config, { ...result, clientSecret: secret }) : undefined;
  process.stdout.write(
    credentialsBanner(generated ? result : { ...result, clientSecret: undefined }, config.publicUrl, {
      title: generated
        ? 'Tessera bootstrap credentials (shown once)'
        : 'Tessera organization and worker (client secret: your TESSERA_BOOTSTRAP_CLIENT_SECRET or the saved one)',
      savedTo,
    }),
  );
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config);
  for (const warning of config.warnings) logger.warn(warning);
  let launched: Launched;
  try {
    // Listens first, so that with PORT=0 links and token issuers carry the port really bound.
    launched = await launch(process.env, { logger });
  } catch (error) {
    // Start-up refusals (store unreachable, schema missing, wrong secret key) are one clear line.
    logger.fatal(
      { err: error },
      `Tessera failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    await flushLogger(logger);
    // A store bootstrapped with other credentials is a configuration error, as ConfigError is.
    process.exit(error instanceof BootstrapMismatchError ? 2 : 1);
  }
  config = launched.config;
  const app = launched.app;
  if (config.hashing.belowOwaspMinimum) {
    app.server.log.warn(
      { memoryKiB: config.hashing.memoryKiB, passes: config.hashing.passes },
      'argon2id cost is below the OWASP minimum (19 MiB, 2 passes): for test suites only',
    );
  }
  if (config.testMode)
    app.server.log.warn(
      'TEST MODE is on (mailbox, clock control, reset under /tessera/testing): never do this in production',
    );
  announceBootstrap(config, app.bootstrap);
  if (app.metricsServer) await app.metricsServer.listen({ port: config.metricsPort ?? 0, host: config.host });
  // Logged once the bootstrap credentials are written: scripts wait for this line to read them.
  app.server.log.info(`Server listening at http://${config.host}:${launched.port}`);
  app.server.log.info({ store: config.store.kind, publicUrl: config.publicUrl }, 'Tessera is ready');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.server.log.info({ signal }, 'stopping: finishing in-flight requests');
    // server.close() stops accepting, waits for in-flight requests, then the store closes.
    const started = performance.now();
    launched.close().then(
      async () => {
        logger.info({ signal, durationMs: Math.round(performance.now() - started) }, 'Tessera stopped');
        await flushLogger(logger);
        process.exit(0);
      },
      async (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        await flushLogger(logger);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Tessera failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
