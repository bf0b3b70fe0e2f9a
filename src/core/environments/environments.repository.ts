import { sql, type Selectable } from 'kysely';
import { matchText } from '../../db/text-match.js';
import type { Db, EnvironmentsTable } from '../../db/schema.js';
import type { Environment, EnvironmentInput } from './environment.js';

const toEnvironment = (row: Selectable<EnvironmentsTable>): Environment => ({
  id: row.id,
  organizationId: row.organization_id,
  name: row.name,
  description: row.description ?? undefined,
  type: row.type as Environment['type'],
  region: row.region as Environment['region'],
  licenseId: row.license_id,
  status: row.status as Environment['status'],
  icon: row.icon ?? undefined,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function findEnvironment(db: Db, id: string): Promise<Environment | undefined> {
  const row = await db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toEnvironment(row) : undefined;
}

export interface EnvironmentQuery {
  readonly organizationId: string;
  /** Restrict to these ids (the environments the caller may see); undefined means all. */
  readonly ids?: readonly string[] | undefined;
  readonly nameStartsWith?: string | undefined;
  readonly id?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export async function listEnvironments(db: Db, query: EnvironmentQuery): Promise<Environment[]> {
  let q = db.selectFrom('environments').selectAll().where('organization_id', '=', query.organizationId);
  if (query.ids) {
    if (query.ids.length === 0) return [];
    q = q.where('id', 'in', query.ids);
  }
  if (query.id !== undefined) q = q.where('id', '=', query.id);
  if (query.nameStartsWith !== undefined) {
    q = q.where(matchText(sql.ref('name'), 'sw', query.nameStartsWith));
  }
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  const rows = await q
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return rows.map(toEnvironment);
}

export async function insertEnvironment(
  db: Db,
  env: { id: string; organizationId: string; now: number } & EnvironmentInput,
): Promise<void> {
  await db
    .insertInto('environments')
    .values({
      id: env.id,
      organization_id: env.organizationId,
      name: env.name,
      description: env.description ?? null,
      type: env.type,
      region: env.region,
      license_id: env.licenseId,
      status: 'ACTIVE',
      icon: env.icon ?? null,
      created_at: env.now,
      updated_at: env.now,
    })
    .execute();
}

export async function updateEnvironment(
  db: Db,
  id: string,
  input: EnvironmentInput,
  now: number,
): Promise<void> {
  await db
    .updateTable('environments')
    .set({
      name: input.name,
      description: input.description ?? null,
      type: input.type,
      region: input.region,
      license_id: input.licenseId,
      icon: input.icon ?? null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteEnvironment(db: Db, id: string): Promise<void> {
  // Role assignments of applications in this environment live on; those of the environment itself
  // and all of its data go by cascade.
  await db.deleteFrom('environments').where('id', '=', id).execute();
}

/** Environments whose id, or else whose name (case-insensitive), is `name`. */
export async function findEnvironmentIdsNamed(db: Db, name: string): Promise<string[]> {
  const byId = await db
    .selectFrom('environments')
    .select('id')
    .where(matchText(sql.ref('id'), 'eq', name))
    .execute();
  if (byId.length > 0) return byId.map((r) => r.id);
  const byName = await db
    .selectFrom('environments')
    .select('id')
    .where(matchText(sql.ref('name'), 'eq', name))
    .execute();
  return byName.map((r) => r.id);
}

export async function findOrganization(
  db: Db,
  id: string,
): Promise<{ id: string; name: string; createdAt: number } | undefined> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, name: row.name, createdAt: Number(row.created_at) } : undefined;
}

/** Whether an environment of the organization names the license. */
export async function licenseInUse(db: Db, organizationId: string, licenseId: string): Promise<boolean> {
  const row = await db
    .selectFrom('environments')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('license_id', '=', licenseId)
    .executeTakeFirst();
  return row !== undefined;
}
