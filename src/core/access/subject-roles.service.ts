import type { Environment } from '../environments/environment.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import { findGroup } from '../groups/groups.repository.js';
import { effectiveGroupIdsOfUser } from '../groups/nesting.repository.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, requestFailed } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { findUser } from '../users/users.repository.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { authorize, type Actor, type Grant } from './actor.js';
import { checkAssignable } from './assignment-rules.js';
import { recordRoleAssignmentActivity } from './role-assignment-activities.js';
import {
  deleteRoleAssignment,
  findRoleAssignment,
  insertRoleAssignment,
  listRoleAssignments,
  loadGrants,
  type RoleAssignment,
} from './role-assignments.repository.js';
import type { ScopeType } from './roles.js';

/** Who a role assignment is for, on `/users/{id}/roleAssignments` or `/groups/{id}/roleAssignments`. */
export interface Subject {
  readonly kind: 'user' | 'group';
  readonly id: string;
}

/** What a signed-on user acts with: its grants, and its name and population (for audit). */
export interface UserAuthority {
  readonly grants: Grant[];
  readonly username: string;
  readonly populationId: string;
}

export interface SubjectRolesDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
}

export type SubjectRolesService = ReturnType<typeof createSubjectRolesService>;

/**
 * Role assignments of users and groups (reference more §2), under the same rules as those of
 * applications (`checkAssignable`). They take effect when a user's own token calls the
 * management API: `userAuthority` is what such a caller holds.
 */
export function createSubjectRolesService({ store, clock, environments }: SubjectRolesDeps) {
  /** The subject exists in the environment and the caller holds `permission` where it lives. */
  async function requireSubject(
    db: Db,
    actor: Actor,
    env: Environment,
    subject: Subject,
    permission: string,
  ): Promise<{ readonly name: string; readonly populationId?: string | undefined }> {
    const found =
      subject.kind === 'user'
        ? await findUser(db, env.id, subject.id)
        : await findGroup(db, env.id, subject.id);
    if (!found) throw notFound();
    authorize(actor, permission, {
      environmentId: env.id,
      organizationId: env.organizationId,
      populationId: found.populationId,
    });
    return {
      name: 'username' in found ? found.username : found.name,
      populationId: found.populationId ?? undefined,
    };
  }

  return {
    async list(actor: Actor, environmentId: string, subject: Subject): Promise<RoleAssignment[]> {
      const env = await environments.require(environmentId);
      await requireSubject(store.db, actor, env, subject, 'permissions:read:roleAssignments');
      return listRoleAssignments(store.db, subject.id);
    },

    async get(actor: Actor, environmentId: string, subject: Subject, id: string): Promise<RoleAssignment> {
      const env = await environments.require(environmentId);
      await requireSubject(store.db, actor, env, subject, 'permissions:read:roleAssignments');
      const assignment = await findRoleAssignment(store.db, subject.id, id);
      if (!assignment) throw notFound();
      return assignment;
    },

    async assign(
      actor: Actor,
      environmentId: string,
      subject: Subject,
      request: { roleId: string; scopeType: ScopeType; scopeId: string },
    ): Promise<RoleAssignment> {
      const env = await environments.require(environmentId);
      return store.transaction(async (trx) => {
        const holder = await requireSubject(trx, actor, env, subject, 'permissions:create:roleAssignments');
        await checkAssignable(trx, actor, request);
        const assignment: RoleAssignment = {
          id: newId(),
          environmentId: env.id,
          actorType: subject.kind,
          actorId: subject.id,
          roleId: request.roleId,
          scopeType: request.scopeType,
          scopeId: request.scopeId,
          readOnly: false,
          createdAt: clock.now(),
        };
        const existing = (await listRoleAssignments(trx, subject.id)).some(
          (a) =>
            a.roleId === request.roleId && a.scopeType === request.scopeType && a.scopeId === request.scopeId,
        );
        if (existing) throw invalidValue('role.id', 'The role is already assigned at that scope.');
        try {
          await insertRoleAssignment(trx, assignment);
        } catch (error) {
          // A concurrent identical assignment won the race (the unique index names it).
          if (store.dialect.isUniqueViolation(error))
            throw invalidValue('role.id', 'The role is already assigned at that scope.');
          throw error;
        }
        await recordRoleAssignmentActivity(trx, clock.now(), actor, assignment, holder, 'CREATED');
        return assignment;
      });
    },

    async unassign(actor: Actor, environmentId: string, subject: Subject, id: string): Promise<void> {
      const env = await environments.require(environmentId);
      await store.transaction(async (trx) => {
        const holder = await requireSubject(trx, actor, env, subject, 'permissions:delete:roleAssignments');
        const assignment = await findRoleAssignment(trx, subject.id, id);
        if (!assignment) throw notFound();
        if (assignment.readOnly) {
          throw requestFailed(
            'constraint_violation',
            `Role assignment ${assignment.id} cannot be deleted as it is read only`,
          );
        }
        await deleteRoleAssignment(trx, id);
        await recordRoleAssignmentActivity(trx, clock.now(), actor, assignment, holder, 'DELETED');
      });
    },

    /**
     * What a signed-on user holds at the management API: its own assignments and those of every
     * group it belongs to, directly or through nesting (reference more §2.3 [?]: Tessera counts
     * nested members, as it does everywhere else). Undefined for an unknown or disabled user.
     */
    userAuthority: async (environmentId: string, userId: string): Promise<UserAuthority | undefined> => {
      const user = await findUser(store.db, environmentId, userId);
      if (!user?.enabled) return undefined;
      const grants = await loadGrants(store.db, [
        userId,
        ...(await effectiveGroupIdsOfUser(store.db, userId)),
      ]);
      return { grants, username: user.username, populationId: user.populationId };
    },
  };
}
