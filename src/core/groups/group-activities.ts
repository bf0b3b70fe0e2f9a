import type { Actor } from '../access/actor.js';
import { recordActivity } from '../activities/activities.repository.js';
import type { Db } from '../../db/schema.js';
import type { Group } from './group.js';

/** The `GROUP` resource of an activity (reference more §3.5: GROUP.CREATED/UPDATED/DELETED). */
const groupResource = (group: Pick<Group, 'id' | 'name' | 'populationId'>) => ({
  type: 'GROUP',
  id: group.id,
  name: group.name,
  populationId: group.populationId,
});

/** Records a group change inside the caller's transaction. */
export function recordGroupActivity(
  trx: Db,
  now: number,
  actor: Actor,
  group: Group,
  type: 'GROUP.CREATED' | 'GROUP.UPDATED' | 'GROUP.DELETED',
) {
  return recordActivity(trx, now, {
    environmentId: group.environmentId,
    type,
    actor,
    resources: [groupResource(group)],
  });
}

/**
 * A user joined or left a group directly (reference more §1.5: `MEMBER_OF_GROUP.CREATED|DELETED`,
 * `resources[0]` of type `MEMBER_OF_GROUP` named after the group). The user follows as a second
 * resource so `resources.id eq "<user>"` finds it.
 */
export function recordMembershipActivity(
  trx: Db,
  now: number,
  actor: Actor | undefined,
  membership: {
    readonly environmentId: string;
    readonly group: Pick<Group, 'id' | 'name'>;
    readonly user: { readonly id: string; readonly username?: string; readonly populationId: string };
  },
  type: 'MEMBER_OF_GROUP.CREATED' | 'MEMBER_OF_GROUP.DELETED',
) {
  const { group, user } = membership;
  return recordActivity(trx, now, {
    environmentId: membership.environmentId,
    type,
    actor,
    resources: [
      { type: 'MEMBER_OF_GROUP', id: group.id, name: group.name },
      { type: 'USER', id: user.id, name: user.username, populationId: user.populationId },
    ],
  });
}

/**
 * A group was nested in, or taken out of, a parent group. The reference lists no nesting type;
 * Tessera's choice (docs/audit.md): `GROUP.UPDATED` about the child, with the parent as a second
 * resource and a description naming both.
 */
export function recordNestingActivity(
  trx: Db,
  now: number,
  actor: Actor,
  child: Group,
  parent: Pick<Group, 'id' | 'name' | 'populationId'>,
  change: 'nested' | 'unnested',
) {
  return recordActivity(trx, now, {
    environmentId: child.environmentId,
    type: 'GROUP.UPDATED',
    actor,
    resources: [groupResource(child), groupResource(parent)],
    description:
      change === 'nested'
        ? `Nested Group ${child.name} in Group ${parent.name}`
        : `Removed Group ${child.name} from Group ${parent.name}`,
  });
}
