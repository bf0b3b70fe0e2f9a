import type { Selectable } from 'kysely';
import type { Db, RoleAssignmentsTable } from '../../db/schema.js';
import type { Grant } from './actor.js';
import type { ScopeType } from './roles.js';

export interface RoleAssignment {
  readonly id: string;
  readonly environmentId: string;
  /** Who holds it: a worker application, a user, or a group (its members, nested ones included). */
  readonly actorType: 'application' | 'user' | 'group';
  readonly actorId: string;
  readonly roleId: string;
  readonly scopeType: ScopeType;
  readonly scopeId: string;
  readonly readOnly: boolean;
  readonly createdAt: number;
}

const toAssignment = (row: Selectable<RoleAssignmentsTable>): RoleAssignment => ({
  id: row.id,
  environmentId: row.environment_id,
  actorType: row.actor_type as RoleAssignment['actorType'],
  actorId: row.actor_id,
  roleId: row.role_id,
  scopeType: row.scope_type as ScopeType,
  scopeId: row.scope_id,
  readOnly: Boolean(row.read_only),
  createdAt: row.created_at,
});

/** The grants of an actor, with the environment of each population-scoped grant resolved. */
export async function loadGrants(db: Db, actorId: string | readonly string[]): Promise<Grant[]> {
  const actorIds = typeof actorId === 'string' ? [actorId] : [...actorId];
  if (actorIds.length === 0) return [];
  const rows = await db
    .selectFrom('role_assignments as ra')
    .leftJoin('populations as p', (join) =>
      join.onRef('p.id', '=', 'ra.scope_id').on('ra.scope_type', '=', 'POPULATION'),
    )
    .select(['ra.role_id', 'ra.scope_type', 'ra.scope_id', 'p.environment_id as population_environment_id'])
    .where('ra.actor_id', 'in', actorIds)
    .execute();
  return rows.map((row) => ({
    roleId: row.role_id,
    scopeType: row.scope_type as ScopeType,
    scopeId: row.scope_id,
    scopeEnvironmentId: row.population_environment_id ?? null,
  }));
}

export async function listRoleAssignments(db: Db, actorId: string): Promise<RoleAssignment[]> {
  const rows = await db
    .selectFrom('role_assignments')
    .selectAll()
    .where('actor_id', '=', actorId)
    .orderBy('id')
    .execute();
  return rows.map(toAssignment);
}

export async function findRoleAssignment(
  db: Db,
  actorId: string,
  id: string,
): Promise<RoleAssignment | undefined> {
  const row = await db
    .selectFrom('role_assignments')
    .selectAll()
    .where('actor_id', '=', actorId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAssignment(row) : undefined;
}

export async function insertRoleAssignment(db: Db, assignment: RoleAssignment): Promise<void> {
  await db
    .insertInto('role_assignments')
    .values({
      id: assignment.id,
      environment_id: assignment.environmentId,
      actor_type: assignment.actorType,
      actor_id: assignment.actorId,
      role_id: assignment.roleId,
      scope_type: assignment.scopeType,
      scope_id: assignment.scopeId,
      read_only: assignment.readOnly,
      created_at: assignment.createdAt,
    })
    .execute();
}

export async function deleteRoleAssignment(db: Db, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('id', '=', id).execute();
}

export async function deleteRoleAssignmentsOfActor(db: Db, actorId: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('actor_id', '=', actorId).execute();
}

/** Removes every grant whose scope is the environment or one of its populations. */
export async function deleteRoleAssignmentsScopedToEnvironment(db: Db, environmentId: string): Promise<void> {
  await db
    .deleteFrom('role_assignments')
    .where((eb) =>
      eb.or([
        eb.and([eb('scope_type', '=', 'ENVIRONMENT'), eb('scope_id', '=', environmentId)]),
        eb.and([
          eb('scope_type', '=', 'POPULATION'),
          eb(
            'scope_id',
            'in',
            eb.selectFrom('populations').select('id').where('environment_id', '=', environmentId),
          ),
        ]),
      ]),
    )
    .execute();
}
