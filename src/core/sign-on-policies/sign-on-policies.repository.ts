import type { Selectable } from 'kysely';
import { isPostgres, lockingRows } from '../../db/dialect.js';
import type { Db, DbBool } from '../../db/schema.js';
import type { SignOnPolicy } from './sign-on-policy.js';

export interface SignOnPoliciesTable {
  id: string;
  environment_id: string;
  name: string;
  description: string | null;
  is_default: DbBool;
  created_at: number;
  updated_at: number;
}

export interface SignOnPolicyActionsTable {
  id: string;
  environment_id: string;
  policy_id: string;
  type: string;
  priority: number;
  document: string;
  created_at: number;
  updated_at: number;
}

export interface SignOnPolicyAssignmentsTable {
  id: string;
  environment_id: string;
  application_id: string;
  policy_id: string;
  priority: number;
  created_at: number;
  updated_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    sign_on_policies: SignOnPoliciesTable;
    sign_on_policy_actions: SignOnPolicyActionsTable;
    sign_on_policy_assignments: SignOnPolicyAssignmentsTable;
  }
}

const toPolicy = (row: Selectable<SignOnPoliciesTable>): SignOnPolicy => ({
  id: row.id,
  environmentId: row.environment_id,
  name: row.name,
  description: row.description ?? undefined,
  isDefault: Boolean(row.is_default),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Reads a policy; `forUpdate` locks its row for the rest of the transaction on PostgreSQL. */
export async function findPolicy(
  db: Db,
  environmentId: string,
  id: string,
  forUpdate = false,
): Promise<SignOnPolicy | undefined> {
  let q = db
    .selectFrom('sign_on_policies')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id);
  if (forUpdate) q = lockingRows(db, q);
  const row = await q.executeTakeFirst();
  return row ? toPolicy(row) : undefined;
}

export async function findDefaultPolicy(db: Db, environmentId: string): Promise<SignOnPolicy | undefined> {
  const row = await db
    .selectFrom('sign_on_policies')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('is_default', '=', true)
    .orderBy('id')
    .executeTakeFirst();
  return row ? toPolicy(row) : undefined;
}

/** The policies of an environment with these exact names (names are case-sensitive here). */
export async function findPoliciesByName(
  db: Db,
  environmentId: string,
  names: readonly string[],
): Promise<SignOnPolicy[]> {
  if (names.length === 0) return [];
  const rows = await db
    .selectFrom('sign_on_policies')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('name', 'in', names)
    .execute();
  return rows.map(toPolicy);
}

export async function listPolicies(
  db: Db,
  query: { environmentId: string; after?: string | undefined; limit: number },
): Promise<SignOnPolicy[]> {
  let q = db.selectFrom('sign_on_policies').selectAll().where('environment_id', '=', query.environmentId);
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  const rows = await q
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return rows.map(toPolicy);
}

/**
 * Locks every policy of the environment (PostgreSQL; SQLite serialises writers anyway), in id
 * order so two default changes wait for each other instead of both keeping their default.
 */
export async function lockEnvironmentPolicies(db: Db, environmentId: string): Promise<void> {
  const policies = db
    .selectFrom('sign_on_policies')
    .select('id')
    .where('environment_id', '=', environmentId)
    .orderBy('id');
  if (isPostgres(db)) await lockingRows(db, policies).execute();
}

export async function insertPolicy(db: Db, policy: SignOnPolicy): Promise<void> {
  await db
    .insertInto('sign_on_policies')
    .values({
      id: policy.id,
      environment_id: policy.environmentId,
      name: policy.name,
      description: policy.description ?? null,
      is_default: policy.isDefault,
      created_at: policy.createdAt,
      updated_at: policy.updatedAt,
    })
    .execute();
}

export async function updatePolicy(db: Db, policy: SignOnPolicy): Promise<void> {
  await db
    .updateTable('sign_on_policies')
    .set({
      name: policy.name,
      description: policy.description ?? null,
      is_default: policy.isDefault,
      updated_at: policy.updatedAt,
    })
    .where('id', '=', policy.id)
    .execute();
}

/** Clears the default flag of every other policy of the environment (exactly one default). */
export async function clearOtherDefaults(
  db: Db,
  environmentId: string,
  exceptId: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('sign_on_policies')
    .set({ is_default: false, updated_at: now })
    .where('environment_id', '=', environmentId)
    .where('id', '!=', exceptId)
    .where('is_default', '=', true)
    .execute();
}

export async function deletePolicy(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sign_on_policies').where('id', '=', id).execute();
}
