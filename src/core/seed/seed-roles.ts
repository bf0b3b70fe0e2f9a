import type { Db } from '../../db/schema.js';
import { findRole } from '../access/roles.js';
import {
  findRoleAssignment,
  insertRoleAssignment,
  listRoleAssignments,
} from '../access/role-assignments.repository.js';
import type { Environment } from '../environments/environment.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { SeedError, type SeedRoleAssignment } from './seed.js';

/**
 * Gives a seeded user or application its role assignments. One that exists (same id, or same
 * role and scope) is left alone, so a second application of the seed adds nothing.
 */
export async function applyRoleAssignments(
  trx: Db,
  env: Environment,
  actor: { readonly type: 'user' | 'application'; readonly id: string },
  assignments: readonly SeedRoleAssignment[] | undefined,
  path: string,
  clock: Clock,
): Promise<void> {
  if (!assignments?.length) return;
  const current = await listRoleAssignments(trx, actor.id);
  for (const [i, a] of assignments.entries()) {
    const where = `${path}.roleAssignments[${i}]`;
    const role = findRole(a.roleId);
    if (!role) throw new SeedError(`${where}.roleId`, `no role ${a.roleId}`);
    if (!role.applicableTo.includes(a.scope.type))
      throw new SeedError(`${where}.scope.type`, `${role.name} cannot be given at ${a.scope.type} scope`);
    const exists =
      a.id !== undefined
        ? (await findRoleAssignment(trx, actor.id, a.id)) !== undefined
        : current.some(
            (c) => c.roleId === a.roleId && c.scopeType === a.scope.type && c.scopeId === a.scope.id,
          );
    if (exists) continue;
    await insertRoleAssignment(trx, {
      id: a.id ?? newId(),
      environmentId: env.id,
      actorType: actor.type,
      actorId: actor.id,
      roleId: a.roleId,
      scopeType: a.scope.type,
      scopeId: a.scope.id,
      readOnly: a.readOnly ?? false,
      createdAt: clock.now(),
    });
  }
}
