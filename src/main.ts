import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger, flushLogger } from './http/logging.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import type { BootstrapResult } from './core/bootstrap/bootstrap.js';
import { launch, type Launched } from './library/launch.js';

/** Writes generated bootstrap credentials once, readable by the owner only, and shows them once. */
function announceBootstrap(config: Config, result: BootstrapResult) {
  if (!result.created || result.clientSecret === undefined) return;
  const file = config.bootstrap.credentialsFile;
  mkdirSync(dirname(file), { recursive: true });
  {
    writeFileSync(
      file,
      JSON.stringify(
        { environmentId: result.environmentId, clientId: result.clientId, clientSecret: result.clientSecret },
        null,
        2,
      ) + '\n',
      { mode: 0o600 },
    );
  }
  // Deliberately not through the logger: the secret must never reach log storage.
  process.stdout.write(
    [
      '',
      'Tessera bootstrap credentials (shown once; also saved to ' + file + '):',
      `  environment id: ${result.environmentId}`,
      `  client id:      ${result.clientId}`,
      `  client secret:  ${result.clientSecret}`,
      '',
    ].join('\n'),
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
    process.exit(1);
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
