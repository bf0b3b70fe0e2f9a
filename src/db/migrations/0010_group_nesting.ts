import type { Kysely } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
// Nested groups (issue 12): one row per "child is a member of parent" edge. The URL group of
// `/groups/{child}/memberOfGroups` is the child. Cycles are legal, so there is no ordering
// constraint; an edge goes when either group goes.

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('group_nestings')
    .addColumn('child_group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('parent_group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_nestings_pk', ['child_group_id', 'parent_group_id'])
    .execute();
  // Walking down (members of a parent) follows parent -> child.
  await db.schema
    .createIndex('group_nestings_parent')
    .on('group_nestings')
    .columns(['parent_group_id', 'child_group_id'])
    .execute();
  // Role assignments of users and groups are looked up by actor; the existing index covers it.
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('group_nestings').ifExists().execute();
}
