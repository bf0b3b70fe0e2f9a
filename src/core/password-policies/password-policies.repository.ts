import type { Selectable } from 'kysely';
import type { Db, PasswordPoliciesTable } from '../../db/schema.js';
import type { PasswordPolicy, PolicyRules } from './password-policy.js';

interface StoredDocument {
  description?: string;
  rules: PolicyRules;
}

const toPolicy = (row: Selectable<PasswordPoliciesTable>): PasswordPolicy => {
  const document = JSON.parse(row.document) as StoredDocument;
  return {
    id: row.id,
    environmentId: row.environment_id,
    name: row.name,
    description: document.description,
    isDefault: Boolean(row.is_default),
    rules: document.rules,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

const documentOf = (policy: Pick<PasswordPolicy, 'description' | 'rules'>): string =>
  JSON.stringify({
    ...(policy.description !== undefined ? { description: policy.description } : {}),
    rules: policy.rules,
  } satisfies StoredDocument);

export async function findPolicy(
  db: Db,
  environmentId: string,
  id: string,
): Promise<PasswordPolicy | undefined> {
  const row = await db
    .selectFrom('password_policies')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toPolicy(row) : undefined;
}

export async function findDefaultPolicy(db: Db, environmentId: string): Promise<PasswordPolicy | undefined> {
  const row = await db
    .selectFrom('password_policies')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('is_default', '=', true)
    .orderBy('id')
    .executeTakeFirst();
  return row ? toPolicy(row) : undefined;
}

export async function listPolicies(
  db: Db,
  query: { environmentId: string; after?: string | undefined; limit: number },
): Promise<PasswordPolicy[]> {
  let q = db.selectFrom('password_policies').selectAll().where('environment_id', '=', query.environmentId);
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  const rows = await q
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return rows.map(toPolicy);
}

export async function insertPolicy(db: Db, policy: PasswordPolicy): Promise<void> {
  await db
    .insertInto('password_policies')
    .values({
      id: policy.id,
      environment_id: policy.environmentId,
      name: policy.name,
      is_default: policy.isDefault,
      document: documentOf(policy),
      created_at: policy.createdAt,
      updated_at: policy.updatedAt,
    })
    .execute();
}

export async function updatePolicy(db: Db, policy: PasswordPolicy): Promise<void> {
  await db
    .updateTable('password_policies')
    .set({
      name: policy.name,
      is_default: policy.isDefault,
      document: documentOf(policy),
      updated_at: policy.updatedAt,
    })
    .where('id', '=', policy.id)
    .execute();
}

/** Clears the default flag of every other policy of the environment (exactly one default). */
export async function clearOtherDefaults(db: Db, environmentId: string, exceptId: string): Promise<void> {
  await db
    .updateTable('password_policies')
    .set({ is_default: false })
    .where('environment_id', '=', environmentId)
    .where('id', '!=', exceptId)
    .where('is_default', '=', true)
    .execute();
}

export async function deletePolicy(db: Db, id: string): Promise<void> {
  await db.deleteFrom('password_policies').where('id', '=', id).execute();
}

/** Number of populations using each of the given policies. */
export async function populationCounts(db: Db, policyIds: readonly string[]): Promise<Map<string, number>> {
  if (policyIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('populations')
    .select(['password_policy_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('password_policy_id', 'in', policyIds)
    .groupBy('password_policy_id')
    .execute();
  return new Map(rows.map((r) => [r.password_policy_id!, Number(r.n)]));
}
