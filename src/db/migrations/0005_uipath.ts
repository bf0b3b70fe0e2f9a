import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
// UiPath Identity attributes that have no PingOne counterpart, one row per user that has any.
// Users created through the PingOne face have no row and read as the defaults (see docs/uipath.md).

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bool = pg ? 'boolean' : 'integer';
  await db.schema
    .createTable('uipath_user_attributes')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('legacy_id', 'bigint', (c) => c.notNull())
    .addColumn('user_type', 'integer', (c) => c.notNull())
    .addColumn('bypass_basic_auth_restriction', bool, (c) => c.notNull())
    .addColumn('invitation_accepted', bool, (c) => c.notNull())
    .addColumn('extension_attributes', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('uipath_user_attributes_legacy')
    .on('uipath_user_attributes')
    .columns(['environment_id', 'legacy_id'])
    .execute();
}

// Kysely<any>: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('uipath_user_attributes').execute();
}
