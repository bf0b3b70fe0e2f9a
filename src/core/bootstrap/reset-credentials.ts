import { findApplication } from '../applications/applications.repository.js';
import { findEnvironment } from '../environments/environments.repository.js';
import { generateSecret } from '../shared/secrets.js';
import type { Services } from '../services.js';
import { ADMINISTRATORS, bootstrap, grantWorkerRoles, storedBootstrap, WORKER } from './bootstrap.js';

export interface ResetCredentialsResult {
  readonly organizationId: string;
  readonly environmentId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** What had to be done: a new secret, or the worker (and its environment) made again. */
  readonly action: 'new-secret' | 'recreated-worker' | 'bootstrapped';
}

/**
 * Recovery when the bootstrap secret is lost (Keycloak's `bootstrap-admin`): gives the bootstrap
 * worker a new secret (`clientSecret`, else a generated one), or recreates the worker, its roles
 * and its environment when they were deleted, in one transaction. An empty store is bootstrapped.
 */
export async function resetBootstrapCredentials(
  services: Services,
  request: { readonly clientSecret?: string | undefined },
): Promise<ResetCredentialsResult> {
  const clientSecret = request.clientSecret ?? generateSecret();
  const stored = await storedBootstrap(services);
  if (!stored) {
    const made = await bootstrap(services, { clientSecret });
    return { ...made, clientSecret, action: 'bootstrapped' };
  }
  const { store, clock, environments, applications } = services;
  const action = await store.transaction(async (trx) => {
    if (!(await findEnvironment(trx, stored.environmentId)))
      await environments.createWithin(trx, stored.organizationId, ADMINISTRATORS, {
        id: stored.environmentId,
      });
    const worker = await findApplication(trx, stored.environmentId, stored.clientId);
    if (worker) await applications.replaceSecretWithin(trx, stored.clientId, clientSecret);
    else
      await applications.createWithin(trx, stored.environmentId, WORKER, {
        id: stored.clientId,
        secret: clientSecret,
      });
    await grantWorkerRoles(trx, stored, clock.now());
    return worker ? ('new-secret' as const) : ('recreated-worker' as const);
  });
  return {
    organizationId: stored.organizationId,
    environmentId: stored.environmentId,
    clientId: stored.clientId,
    clientSecret,
    action,
  };
}
