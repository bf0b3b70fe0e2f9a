import type { RawBuilder, Selectable, SqlBool } from 'kysely';
import { keySharingRows } from '../../db/dialect.js';
import type { Db, GroupsTable } from '../../db/schema.js';
import type { Group } from './group.js';

const toGroup = (row: Selectable<GroupsTable>): Group => ({
  id: row.id,
  environmentId: row.environment_id,
  populationId: row.population_id ?? undefined,
  name: row.name,
  description: row.description ?? undefined,
  externalId: row.external_id ?? undefined,
  customData: row.custom_data ? (JSON.parse(row.custom_data) as Group['customData']) : undefined,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (g: Group) => ({
  population_id: g.populationId ?? null,
  name: g.name,
  description: g.description ?? null,
  external_id: g.externalId ?? null,
  custom_data: g.customData ? JSON.stringify(g.customData) : null,
  updated_at: g.updatedAt,
});

export async function findGroup(db: Db, environmentId: string, id: string): Promise<Group | undefined> {
  const row = await db
    .selectFrom('groups')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toGroup(row) : undefined;
}

/**
 * The groups with these ids, held against concurrent deletion until the transaction ends (so an
 * edge between them never races a delete into a foreign key error).
 */
export async function findGroupsHeld(
  db: Db,
  environmentId: string,
  ids: readonly string[],
): Promise<Group[]> {
  const rows = await keySharingRows(
    db,
    db
      .selectFrom('groups')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('id', 'in', [...ids])
      .orderBy('id'),
  ).execute();
  return rows.map(toGroup);
}

export interface GroupQuery {
  readonly environmentId: string;
  /** Population-scoped callers see only their populations' groups; undefined = all. */
  readonly populationIds?: readonly string[] | undefined;
  readonly where?: RawBuilder<SqlBool> | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export async function listGroups(db: Db, query: GroupQuery): Promise<Group[]> {
  if (query.populationIds?.length === 0) return [];
  let q = db.selectFrom('groups').selectAll().where('environment_id', '=', query.environmentId);
  if (query.populationIds) q = q.where('population_id', 'in', query.populationIds);
  if (query.where) q = q.where(query.where);
  if (query.after !== undefined) q = q.where('id', '>', query.after);
  const rows = await q
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return rows.map(toGroup);
}

export async function insertGroup(db: Db, group: Group): Promise<void> {
  await db
    .insertInto('groups')
    .values({
      id: group.id,
      environment_id: group.environmentId,
      created_at: group.createdAt,
      ...toRow(group),
    })
    .execute();
}

export async function updateGroup(db: Db, group: Group): Promise<void> {
  await db.updateTable('groups').set(toRow(group)).where('id', '=', group.id).execute();
}

export async function deleteGroup(db: Db, id: string): Promise<void> {
  await db.deleteFrom('group_memberships').where('group_id', '=', id).execute();
  await db.deleteFrom('groups').where('id', '=', id).execute();
}

export async function countDirectMembers(db: Db, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('group_memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The groups a user belongs to, in group id order. */
export async function groupsOfUser(db: Db, userId: string): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom('group_memberships as gm')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .select(['g.id', 'g.name'])
    .where('gm.user_id', '=', userId)
    .orderBy('g.id')
    .execute();
}

export async function membershipExists(db: Db, groupId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('group_memberships')
    .select('group_id')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Adds a membership; an existing one (e.g. inserted by a concurrent identical request) is kept.
 * ON CONFLICT keeps the transaction usable on PostgreSQL, where a caught error would abort it.
 */
export async function insertMembership(db: Db, groupId: string, userId: string, now: number): Promise<void> {
  await db
    .insertInto('group_memberships')
    .values({ group_id: groupId, user_id: userId, created_at: now })
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
    .execute();
}

export async function deleteMembership(db: Db, groupId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('group_memberships')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** After a population move: drops memberships of population groups of other populations. */
export async function deleteForeignPopulationMemberships(
  db: Db,
  userId: string,
  populationId: string,
): Promise<void> {
  await db
    .deleteFrom('group_memberships')
    .where('user_id', '=', userId)
    .where('group_id', 'in', (eb) =>
      eb
        .selectFrom('groups')
        .select('id')
        .where('population_id', 'is not', null)
        .where('population_id', '!=', populationId),
    )
    .execute();
}

/** Group ids per user (sorted), every asked user present. */
export async function groupIdsOfUsers(db: Db, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return result;
  const rows = await db
    .selectFrom('group_memberships')
    .select(['user_id', 'group_id'])
    .where('user_id', 'in', userIds)
    .orderBy('group_id')
    .execute();
  for (const row of rows) result.get(row.user_id)?.push(row.group_id);
  return result;
}
