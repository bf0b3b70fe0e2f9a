import { authorize, type Actor } from '../access/actor.js';
import type { Environment } from '../environments/environment.js';

/** Permission check on a user's data: scoped by the user's population. */
export function authorizeUser(
  actor: Actor,
  permission: string,
  env: Environment,
  populationId: string,
): void {
  authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId, populationId });
}
