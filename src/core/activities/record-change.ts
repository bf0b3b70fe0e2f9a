import type { Actor } from '../access/actor.js';
import type { Db } from '../../db/schema.js';
import type { ActivityResource } from './activity.js';
import { recordActivity } from './activities.repository.js';

/** `ENTITY.CREATED|UPDATED|DELETED` and the other verbs of the reference's list (more §3.5). */
export type ChangeVerb = 'CREATED' | 'UPDATED' | 'DELETED';

/**
 * Records one management change inside the caller's transaction: `type` about `resource` (first
 * in `resources[]`), then any related resources (so `resources.id eq "<related>"` finds it too).
 * Features wrap it with their resource type (application-activities.ts, …); never pass a secret.
 */
export function recordChange(
  trx: Db,
  now: number,
  change: {
    readonly environmentId: string;
    readonly actor: Actor | undefined;
    readonly type: string;
    readonly resource: ActivityResource;
    readonly related?: readonly ActivityResource[] | undefined;
    readonly description?: string | undefined;
  },
) {
  return recordActivity(trx, now, {
    environmentId: change.environmentId,
    type: change.type,
    actor: change.actor,
    resources: [change.resource, ...(change.related ?? [])],
    description: change.description,
  });
}
