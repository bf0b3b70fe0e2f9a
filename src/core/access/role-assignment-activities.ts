import type { ActivityResource } from '../activities/activity.js';
import { recordChange } from '../activities/record-change.js';
import type { Db } from '../../db/schema.js';
import type { Actor } from './actor.js';
import type { RoleAssignment } from './role-assignments.repository.js';
import { findRole } from './roles.js';

const SUBJECT_TYPES = { application: 'APPLICATION', user: 'USER', group: 'GROUP' } as const;

/**
 * ROLE_ASSIGNMENT.CREATED/DELETED (reference more §3.5) for an application's, a user's or a
 * group's assignment: `resources[0]` is the assignment, named after its role; the holder follows
 * as a second resource so `resources.id eq "<holder>"` finds it.
 */
export function recordRoleAssignmentActivity(
  trx: Db,
  now: number,
  actor: Actor,
  assignment: RoleAssignment,
  holder: { readonly name?: string | undefined; readonly populationId?: string | undefined },
  verb: 'CREATED' | 'DELETED',
) {
  const role = findRole(assignment.roleId)?.name ?? assignment.roleId;
  const holderResource: ActivityResource = {
    type: SUBJECT_TYPES[assignment.actorType],
    id: assignment.actorId,
    name: holder.name,
    populationId: holder.populationId,
  };
  return recordChange(trx, now, {
    environmentId: assignment.environmentId,
    actor,
    type: `ROLE_ASSIGNMENT.${verb}`,
    resource: { type: 'ROLE_ASSIGNMENT', id: assignment.id, name: role },
    related: [holderResource],
  });
}
