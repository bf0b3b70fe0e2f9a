import { sql, type Selectable } from 'kysely';
import type { Db, PopulationsTable } from '../../db/schema.js';
import { matchText } from '../../db/text-match.js';
import type { Population, PopulationInput } from './population.js';

const toPopulation = (row: Selectable<PopulationsTable>): Population => ({
  id: row.id,
  environmentId: row.environment_id,
  name: row.name,
  description: row.description ?? undefined,
  isDefault: Boolean(row.is_default),
  passwordPolicyId: row.password_policy_id ?? undefined,
  themeId: row.theme_id ?? undefined,
  alternativeIdentifiers: row.alternative_identifiers
    ? (JSON.parse(row.alternative_identifiers) as string[])
    : undefined,
  preferredLanguage: row.preferred_language ?? undefined,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function findPopulation(
  db: Db,
  environmentId: string,
  id: string,
): Promise<Population | undefined> {
  const row = await db
    .selectFrom('populations')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toPopulation(row) : undefined;
}

export async function findDefaultPopulation(db: Db, environmentId: string): Promise<Population | undefined> {
  const row = await db
    .selectFrom('populations')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('is_default', '=', true)
    .executeTakeFirst();
  return row ? toPopulation(row) : undefined;
}

export interface PopulationQuery {
  readonly environmentId: string;
  readonly ids?: readonly string[] | undefined;
  readonly id?: string | undefined;
  readonly name?: { op: 'eq' | 'sw'; value: string } | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export async function listPopulations(db: Db, query: PopulationQuery): Promise<Population[]> {
  let q = db.selectFrom('populations').selectAll().where('environment_id', '=', query.environmentId);
  if (query.ids) {
    if (query.ids.length === 0) return [];
    q = q.where('id', 'in', query.ids);
  }
  if (query.id !== undefined) q = q.where('id', '=', query.id);
  if (query.name) q = q.where(matchText(sql.ref('name'), query.name.op, query.name.value));
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  const rows = await q
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return rows.map(toPopulation);
}

const columns = (input: PopulationInput) => ({
  name: input.name,
  description: input.description ?? null,
  password_policy_id: input.passwordPolicyId ?? null,
  theme_id: input.themeId ?? null,
  alternative_identifiers: input.alternativeIdentifiers ? JSON.stringify(input.alternativeIdentifiers) : null,
  preferred_language: input.preferredLanguage ?? null,
});

export async function insertPopulation(
  db: Db,
  row: { id: string; environmentId: string; isDefault: boolean; now: number } & PopulationInput,
): Promise<void> {
  await db
    .insertInto('populations')
    .values({
      id: row.id,
      environment_id: row.environmentId,
      is_default: row.isDefault,
      created_at: row.now,
      updated_at: row.now,
      ...columns(row),
    })
    .execute();
}

export async function updatePopulation(
  db: Db,
  id: string,
  input: PopulationInput & { isDefault: boolean },
  now: number,
): Promise<void> {
  await db
    .updateTable('populations')
    .set({ ...columns(input), is_default: input.isDefault, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function clearDefaultPopulation(db: Db, environmentId: string, exceptId: string): Promise<void> {
  await db
    .updateTable('populations')
    .set({ is_default: false })
    .where('environment_id', '=', environmentId)
    .where('id', '!=', exceptId)
    .where('is_default', '=', true)
    .execute();
}

export async function countUsersInPopulation(db: Db, populationId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('population_id', '=', populationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deletePopulation(db: Db, id: string): Promise<void> {
  await db
    .deleteFrom('role_assignments')
    .where('scope_type', '=', 'POPULATION')
    .where('scope_id', '=', id)
    .execute();
  await db.deleteFrom('populations').where('id', '=', id).execute();
}

export async function countPopulationsUsingPolicy(db: Db, passwordPolicyId: string): Promise<number> {
  const row = await db
    .selectFrom('populations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('password_policy_id', '=', passwordPolicyId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
