import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { SignOnPolicyAssignmentsTable } from './sign-on-policies.repository.js';
import type { SignOnPolicyAssignment } from './sign-on-policy.js';

const toAssignment = (row: Selectable<SignOnPolicyAssignmentsTable>): SignOnPolicyAssignment => ({
  id: row.id,
  environmentId: row.environment_id,
  applicationId: row.application_id,
  policyId: row.policy_id,
  priority: row.priority,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function findAssignment(
  db: Db,
  environmentId: string,
  applicationId: string,
  id: string,
): Promise<SignOnPolicyAssignment | undefined> {
  const row = await db
    .selectFrom('sign_on_policy_assignments')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAssignment(row) : undefined;
}

/** An application's assignments, lowest priority number (tried first) first. */
export async function listAssignments(
  db: Db,
  environmentId: string,
  applicationId: string,
): Promise<SignOnPolicyAssignment[]> {
  const rows = await db
    .selectFrom('sign_on_policy_assignments')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('application_id', '=', applicationId)
    .orderBy('priority')
    .execute();
  return rows.map(toAssignment);
}

/** An application's assignments with their policy's name, in priority order (the resolver's read). */
export async function listAssignedPolicies(
  db: Db,
  environmentId: string,
  applicationId: string,
): Promise<Array<{ policyId: string; name: string }>> {
  return db
    .selectFrom('sign_on_policy_assignments as a')
    .innerJoin('sign_on_policies as p', 'p.id', 'a.policy_id')
    .select(['a.policy_id as policyId', 'p.name as name'])
    .where('a.environment_id', '=', environmentId)
    .where('a.application_id', '=', applicationId)
    .orderBy('a.priority')
    .execute();
}

export async function countPolicyAssignments(db: Db, policyId: string): Promise<number> {
  const row = await db
    .selectFrom('sign_on_policy_assignments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('policy_id', '=', policyId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insertAssignment(db: Db, assignment: SignOnPolicyAssignment): Promise<void> {
  await db
    .insertInto('sign_on_policy_assignments')
    .values({
      id: assignment.id,
      environment_id: assignment.environmentId,
      application_id: assignment.applicationId,
      policy_id: assignment.policyId,
      priority: assignment.priority,
      created_at: assignment.createdAt,
      updated_at: assignment.updatedAt,
    })
    .execute();
}

export async function updateAssignment(db: Db, assignment: SignOnPolicyAssignment): Promise<void> {
  await db
    .updateTable('sign_on_policy_assignments')
    .set({
      policy_id: assignment.policyId,
      priority: assignment.priority,
      updated_at: assignment.updatedAt,
    })
    .where('id', '=', assignment.id)
    .execute();
}

export async function deleteAssignment(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sign_on_policy_assignments').where('id', '=', id).execute();
}
