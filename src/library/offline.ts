import { loadConfig, type Config } from '../config/config.js';
import { bootstrap, type BootstrapResult } from '../core/bootstrap/bootstrap.js';
import { requireReadableSealedSecrets } from '../core/bootstrap/sealed-secrets.js';
import { createServices, type Services } from '../core/services.js';
import { systemClock } from '../core/shared/clock.js';
import { openStore } from '../db/store.js';
import { credentialsBanner, writeCredentialsFile } from './credentials-file.js';

export interface OfflineContext {
  readonly config: Config;
  readonly services: Services;
}

/**
 * Opens the store named by the environment (DATABASE_URL...) for a command that does not serve
 * HTTP (seed, export, import-users, admin), runs `work`, and closes the store.
 */
export async function withStore<T>(
  env: Readonly<Record<string, string | undefined>>,
  work: (context: OfflineContext) => Promise<T>,
): Promise<T> {
  const config = loadConfig(env);
  const store = await openStore(config.store, { connectTimeoutMs: config.storeConnectTimeoutMs });
  const services = createServices({ store, clock: systemClock, config });
  try {
    await requireReadableSealedSecrets(services);
    return await work({ config, services });
  } finally {
    await services.close();
    await store.close();
  }
}

/**
 * The instance's bootstrap, made now when the store is empty (then its credentials are written
 * and shown as at `tessera start`, since a command may be the first to touch a store).
 */
export async function ensureBootstrap({ config, services }: OfflineContext): Promise<BootstrapResult> {
  const result = await bootstrap(services, config.bootstrap);
  if (result.created && result.clientSecret !== undefined) {
    const savedTo = writeCredentialsFile(config, { ...result, clientSecret: result.clientSecret });
    process.stdout.write(
      credentialsBanner(result, config.publicUrl, {
        title: 'Tessera bootstrap credentials (shown once)',
        savedTo,
      }),
    );
  }
  return result;
}
