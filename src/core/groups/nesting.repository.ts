import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/schema.js';

/** One "child is a member of parent" edge (migration 0010). */
export interface GroupNestingsTable {
  child_group_id: string;
  parent_group_id: string;
  environment_id: string;
  created_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    group_nestings: GroupNestingsTable;
  }
}

/**
 * Every walk below is one recursive query whose `UNION` (not `UNION ALL`) drops a group already
 * reached: the visited set that makes cycles (legal in PingOne) terminate. Being one statement,
 * each walk reads one consistent snapshot, whatever nests or un-nests concurrently.
 */

/** Adds an edge; false when it already existed (also when a concurrent request added it). */
export async function insertNesting(
  db: Db,
  edge: { childId: string; parentId: string; environmentId: string; now: number },
): Promise<boolean> {
  const result = await db
    .insertInto('group_nestings')
    .values({
      child_group_id: edge.childId,
      parent_group_id: edge.parentId,
      environment_id: edge.environmentId,
      created_at: edge.now,
    })
    .onConflict((oc) => oc.columns(['child_group_id', 'parent_group_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function deleteNesting(db: Db, childId: string, parentId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('group_nestings')
    .where('child_group_id', '=', childId)
    .where('parent_group_id', '=', parentId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The groups `childId` is directly nested in, in parent id order (keyset-paged). */
export async function parentsOf(
  db: Db,
  childId: string,
  page: { after?: string | undefined; limit: number },
): Promise<Array<{ id: string; name: string }>> {
  let q = db
    .selectFrom('group_nestings as n')
    .innerJoin('groups as g', 'g.id', 'n.parent_group_id')
    .select(['g.id', 'g.name'])
    .where('n.child_group_id', '=', childId);
  if (page.after !== undefined) q = q.where('g.id', '>', page.after);
  return q
    .orderBy('g.id')
    .limit(page.limit + 1)
    .execute();
}

export async function findParent(
  db: Db,
  childId: string,
  parentId: string,
): Promise<{ id: string; name: string } | undefined> {
  return db
    .selectFrom('group_nestings as n')
    .innerJoin('groups as g', 'g.id', 'n.parent_group_id')
    .select(['g.id', 'g.name'])
    .where('n.child_group_id', '=', childId)
    .where('n.parent_group_id', '=', parentId)
    .executeTakeFirst();
}

/**
 * Every group a user belongs to: its direct groups and, walking up the nesting edges, each
 * group that contains one of them. `direct` tells which memberships were added explicitly.
 */
export async function effectiveGroupsOfUser(
  db: Db,
  userId: string,
): Promise<Array<{ id: string; name: string; direct: boolean }>> {
  const { rows } = await sql<{ id: string; name: string; direct: number | boolean }>`
    with recursive reach(id) as (
      select group_id from group_memberships where user_id = ${userId}
      union
      select n.parent_group_id from group_nestings n inner join reach r on n.child_group_id = r.id
    )
    select g.id, g.name,
      case when exists (
        select 1 from group_memberships gm where gm.user_id = ${userId} and gm.group_id = g.id
      ) then 1 else 0 end as direct
    from reach inner join groups g on g.id = reach.id
    order by g.id`.execute(db);
  return rows.map((row) => ({ id: row.id, name: row.name, direct: Boolean(Number(row.direct)) }));
}

/** The ids of a user's groups, direct and through nesting (for group role assignments). */
export async function effectiveGroupIdsOfUser(db: Db, userId: string): Promise<string[]> {
  return (await effectiveGroupsOfUser(db, userId)).map((g) => g.id);
}

/**
 * The groups whose members count as members of the groups matching `condition` (over the column
 * `g.id`): those groups and every group nested in them, at any depth.
 */
export function groupsWithin(condition: RawBuilder<SqlBool>): RawBuilder<unknown> {
  return sql`(
    with recursive down(id) as (
      select g.id from groups g where ${condition}
      union
      select n.child_group_id from group_nestings n inner join down d on n.parent_group_id = d.id
    )
    select id from down)`;
}

/** Distinct users in the group or in any group nested in it (`totalMemberCounts.users`). */
export async function countTotalMembers(db: Db, groupId: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(distinct gm.user_id) as n from group_memberships gm
    where gm.group_id in ${groupsWithin(sql<SqlBool>`g.id = ${groupId}`)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
