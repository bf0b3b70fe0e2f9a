import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
// Conventions: ids are text UUIDs, instants are BIGINT epoch milliseconds, JSON is text.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bool = pg ? 'boolean' : 'integer';

  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('environments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('license_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('icon', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX environments_name_unique ON environments (organization_id, lower(name))`.execute(
    db,
  );

  await db.schema
    .createTable('populations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_default', bool, (c) => c.notNull())
    .addColumn('password_policy_id', 'text')
    .addColumn('theme_id', 'text')
    .addColumn('alternative_identifiers', 'text')
    .addColumn('preferred_language', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX populations_name_unique ON populations (environment_id, lower(name))`.execute(
    db,
  );

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('population_id', 'text', (c) => c.notNull().references('populations.id'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('enabled', bool, (c) => c.notNull())
    .addColumn('mfa_enabled', bool, (c) => c.notNull())
    .addColumn('email_verified', bool, (c) => c.notNull())
    .addColumn('lifecycle_status', 'text', (c) => c.notNull())
    .addColumn('verify_status', 'text', (c) => c.notNull())
    .addColumn('account_locked', bool, (c) => c.notNull())
    .addColumn('account_locked_at', 'bigint')
    .addColumn('account_unlock_at', 'bigint')
    .addColumn('identity_provider', 'text', (c) => c.notNull())
    // Profile attributes (name, address, phones, photo, custom attributes...) as one JSON document.
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('last_sign_on_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX users_username_unique ON users (environment_id, lower(username))`.execute(db);
  await db.schema.createIndex('users_environment_id').on('users').columns(['environment_id', 'id']).execute();
  await db.schema.createIndex('users_population').on('users').columns(['population_id']).execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('population_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('external_id', 'text')
    .addColumn('custom_data', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX groups_name_unique ON groups (environment_id, lower(name))`.execute(db);

  await db.schema
    .createTable('group_memberships')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_memberships_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('group_memberships_user')
    .on('group_memberships')
    .columns(['user_id'])
    .execute();

  await db.schema
    .createTable('schema_attributes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('schema_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('description', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('enabled', bool, (c) => c.notNull())
    .addColumn('required', bool, (c) => c.notNull())
    .addColumn('unique_value', bool, (c) => c.notNull())
    .addColumn('multi_valued', bool, (c) => c.notNull())
    .addColumn('enumerated_values', 'text')
    .addColumn('regex_validation', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX schema_attributes_name_unique ON schema_attributes (environment_id, lower(name))`.execute(
    db,
  );

  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('enabled', bool, (c) => c.notNull())
    .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull())
    .addColumn('grant_types', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    // Authentication compares against the hash; the API can show the secret again (as PingOne
    // does), so an AES-GCM encrypted copy is kept too.
    .addColumn('client_secret_hash', 'text', (c) => c.notNull())
    .addColumn('client_secret_encrypted', 'text', (c) => c.notNull())
    .addColumn('secret_rotated_at', 'bigint', (c) => c.notNull())
    .addColumn('access_token_ttl_seconds', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('role_id', 'text', (c) => c.notNull())
    .addColumn('scope_type', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('read_only', bool, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('role_assignments_actor')
    .on('role_assignments')
    .columns(['actor_id'])
    .execute();
  await db.schema
    .createIndex('role_assignments_unique')
    .on('role_assignments')
    .columns(['actor_id', 'role_id', 'scope_type', 'scope_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('signing_keys_environment')
    .on('signing_keys')
    .columns(['environment_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('password_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_default', bool, (c) => c.notNull())
    // Every rule of the policy as sent (rules absent from the document are not enforced).
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('instance_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX password_policies_name_unique ON password_policies (environment_id, lower(name))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'instance_settings',
    'password_policies',
    'signing_keys',
    'role_assignments',
    'applications',
    'schema_attributes',
    'group_memberships',
    'groups',
    'users',
    'populations',
    'environments',
    'organizations',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
