import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
// Password state of users (one row per user that ever had password state) and the history of
// retired password hashes. Password policies live in `password_policies` (0001).

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bool = pg ? 'boolean' : 'integer';
  await db.schema
    .createTable('user_passwords')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    // Encoded hash ({ARGON2ID}... or an imported legacy encoding); null means NO_PASSWORD.
    .addColumn('hash', 'text')
    .addColumn('must_change', bool, (c) => c.notNull())
    .addColumn('last_changed_at', 'bigint')
    .addColumn('failed_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_at', 'bigint')
    // Null with locked_at set: locked until an administrator unlocks it.
    .addColumn('unlock_at', 'bigint')
    .addColumn('recovery_code_hash', 'text')
    .addColumn('recovery_expires_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('user_password_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('hash', 'text', (c) => c.notNull())
    // When the password stopped being the current one.
    .addColumn('retired_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('user_password_history_user')
    .on('user_password_history')
    .columns(['user_id', 'retired_at'])
    .execute();
}

// Kysely<any>: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_password_history').execute();
  await db.schema.dropTable('user_passwords').execute();
}
