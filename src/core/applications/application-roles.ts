import type { Actor } from '../access/actor.js';
import {
  deleteRoleAssignment,
  findRoleAssignment,
  insertRoleAssignment,
  listRoleAssignments,
  type RoleAssignment,
} from '../access/role-assignments.repository.js';
import { findRole, type ScopeType } from '../access/roles.js';
import { findEnvironment } from '../environments/environments.repository.js';
import type { Clock } from '../shared/clock.js';
import { forbidden, invalidValue, notFound, requestFailed } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Store } from '../../db/store.js';

type RequireApp = (actor: Actor, environmentId: string, id: string, permission: string) => Promise<unknown>;

/** Role assignments of applications (workers): PingOne's `/applications/{appID}/roleAssignments`. */
export function createApplicationRoles(store: Store, clock: Clock, requireApp: RequireApp) {
  /** Checks PingOne's assignment rules: the assigner must be allowed to grant the role there. */
  async function checkAssignable(
    actor: Actor,
    roleId: string,
    scopeType: ScopeType,
    scopeId: string,
  ): Promise<string> {
    const role = findRole(roleId);
    if (!role) throw invalidValue('role.id', 'The role does not exist.');
    if (!role.applicableTo.includes(scopeType)) {
      throw invalidValue('scope.type', `The role ${role.name} cannot be assigned at ${scopeType} scope.`);
    }
    let target: { environmentId: string; organizationId: string; populationId?: string };
    if (scopeType === 'ORGANIZATION') {
      if (scopeId !== actor.organizationId)
        throw invalidValue('scope.id', 'The organization does not exist.');
      target = { environmentId: '', organizationId: scopeId };
    } else if (scopeType === 'ENVIRONMENT') {
      const env = await findEnvironment(store.db, scopeId);
      if (!env) throw invalidValue('scope.id', 'The environment does not exist.');
      target = { environmentId: env.id, organizationId: env.organizationId };
    } else if (scopeType === 'POPULATION') {
      const population = await store.db
        .selectFrom('populations')
        .select(['id', 'environment_id'])
        .where('id', '=', scopeId)
        .executeTakeFirst();
      const env = population ? await findEnvironment(store.db, population.environment_id) : undefined;
      if (!population || !env) throw invalidValue('scope.id', 'The population does not exist.');
      target = { environmentId: env.id, organizationId: env.organizationId, populationId: population.id };
    } else {
      throw invalidValue('scope.type', 'APPLICATION scope is not supported.');
    }
    const assignerMay = actor.grants.some((grant) => {
      const granted = findRole(grant.roleId);
      if (!granted?.canAssign.includes(roleId)) return false;
      const covers =
        grant.scopeType === 'ORGANIZATION'
          ? grant.scopeId === target.organizationId
          : grant.scopeType === 'ENVIRONMENT'
            ? grant.scopeId === target.environmentId
            : grant.scopeType === 'POPULATION' && grant.scopeId === target.populationId;
      return covers;
    });
    if (!assignerMay) throw forbidden();
    return target.environmentId;
  }

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
      await requireApp(actor, environmentId, id, 'permissions:create:roleAssignments');
      await checkAssignable(actor, request.roleId, request.scopeType, request.scopeId);
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
        await insertRoleAssignment(store.db, assignment);
      } catch (error) {
        if (store.dialect.isUniqueViolation(error)) {
          throw invalidValue('role.id', 'The role is already assigned at that scope.');
        }
        throw error;
      }
      return assignment;
    },

    async unassignRole(actor: Actor, environmentId: string, id: string, assignmentId: string): Promise<void> {
      await requireApp(actor, environmentId, id, 'permissions:delete:roleAssignments');
      const assignment = await findRoleAssignment(store.db, id, assignmentId);
      if (!assignment) throw notFound();
      if (assignment.readOnly) {
        throw requestFailed(
          'CONSTRAINT_VIOLATION',
          `Role assignment ${assignment.id} cannot be deleted as it is read only`,
        );
      }
      await deleteRoleAssignment(store.db, assignmentId);
    },
  };
}
