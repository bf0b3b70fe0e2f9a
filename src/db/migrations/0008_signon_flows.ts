import type { Kysely } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
// The sign-on engine's state: flows (one row per sign-on in progress, compare-and-set on
// `version`) and SSO sessions (the `ST` cookie), so any process on the store serves any step.

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signon_flows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    // Bumped by every change; a writer updates only the version it read (compare-and-set).
    .addColumn('version', 'integer', (c) => c.notNull())
    // The authorization request, the policy and the progress so far (JSON; never a password).
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('signon_flows_expiry').on('signon_flows').column('expires_at').execute();

  await db.schema
    .createTable('signon_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('active_at', 'bigint', (c) => c.notNull())
    .addColumn('last_sign_on_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('remote_ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema
    .createIndex('signon_sessions_user')
    .on('signon_sessions')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema.createIndex('signon_sessions_expiry').on('signon_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signon_sessions').execute();
  await db.schema.dropTable('signon_flows').execute();
}
