import type { Actor } from '../access/actor.js';
import { recordChange, type ChangeVerb } from '../activities/record-change.js';
import type { Db } from '../../db/schema.js';
import type { Environment } from './environment.js';

/**
 * ENVIRONMENT.CREATED/UPDATED/DELETED (reference more §3.5). Created and updated are recorded in
 * the environment itself; deleted is recorded in the caller's own environment (the one its
 * token belongs to), because a deleted environment's audit trail can no longer be read
 * (docs/audit.md). Bootstrap creates environments without an actor: a system event.
 */
export function recordEnvironmentActivity(
  trx: Db,
  now: number,
  actor: Actor | undefined,
  environment: Pick<Environment, 'id' | 'name'>,
  verb: ChangeVerb,
) {
  return recordChange(trx, now, {
    environmentId: verb === 'DELETED' && actor ? actor.environmentId : environment.id,
    actor,
    type: `ENVIRONMENT.${verb}`,
    resource: { type: 'ENVIRONMENT', id: environment.id, name: environment.name },
  });
}
