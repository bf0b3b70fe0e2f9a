import type { Actor } from '../access/actor.js';
import {
  deleteRoleAssignment,
  findRoleAssignment,
  insertRoleAssignment,
  listRoleAssignments,
  type RoleAssignment,
} from '../access/role-assignments.repository.js';
import { checkAssignable } from '../access/assignment-rules.js';
import { recordRoleAssignmentActivity } from '../access/role-assignment-activities.js';
import type { ScopeType } from '../access/roles.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, requestFailed } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Store } from '../../db/store.js';

type RequireApp = (
  actor: Actor,
  environmentId: string,
  id: string,
  permission: string,
) => Promise<{ app: { readonly name: string } }>;

/** Role assignments of applications (workers): PingOne's `/applications/{appID}/roleAssignments`. */
export function createApplicationRoles(store: Store, clock: Clock, requireApp: RequireApp) {
  return {
    async listRoleAssignments(actor: Actor, environmentId: string, id: string): Promise<RoleAssignment[]> {
      await requireApp(actor, environmentId, id, 'permissions:read:roleAssignments');
      return listRoleAssignments(store.db, id);
    },

    async getRoleAssignment(actor: Actor, environmentId: string, id: string, assignmentId: string) {
      await requireApp(actor, environmentId, id, 'permissions:read:roleAssignments');
      const assignment = await findRoleAssignment(store.db, id, assignmentId);
      if (!assignment) throw notFound();
      return assignment;
    },

    async assignRole(
      actor: Actor,
      environmentId: string,
      id: string,
      request: { roleId: string; scopeType: ScopeType; scopeId: string },
    ): Promise<RoleAssignment> {
      const { app } = await requireApp(actor, environmentId, id, 'permissions:create:roleAssignments');
      await checkAssignable(store.db, actor, request);
      const assignment: RoleAssignment = {
        id: newId(),
        environmentId,
        actorType: 'application',
        actorId: id,
        roleId: request.roleId,
        scopeType: request.scopeType,
        scopeId: request.scopeId,
        readOnly: false,
        createdAt: clock.now(),
      };
      try {
        await store.transaction(async (trx) => {
          await insertRoleAssignment(trx, assignment);
          await recordRoleAssignmentActivity(trx, clock.now(), actor, assignment, app, 'CREATED');
        });
      } catch (error) {
        if (store.dialect.isUniqueViolation(error)) {
          throw invalidValue('role.id', 'The role is already assigned at that scope.');
        }
        throw error;
      }
      return assignment;
    },

    async unassignRole(actor: Actor, environmentId: string, id: string, assignmentId: string): Promise<void> {
      const { app } = await requireApp(actor, environmentId, id, 'permissions:delete:roleAssignments');
      const assignment = await findRoleAssignment(store.db, id, assignmentId);
      if (!assignment) throw notFound();
      if (assignment.readOnly) {
        throw requestFailed(
          'constraint_violation',
          `Role assignment ${assignment.id} cannot be deleted as it is read only`,
        );
      }
      await store.transaction(async (trx) => {
        await deleteRoleAssignment(trx, assignmentId);
        await recordRoleAssignmentActivity(trx, clock.now(), actor, assignment, app, 'DELETED');
      });
    },
  };
}
