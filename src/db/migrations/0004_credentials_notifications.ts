import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
// Credentials (types, versions, user credentials, wallets) and notification delivery (template
// contents, delivery settings, the durable outbox).

// Migrations see an untyped database: the typed tables are declared next to the repositories.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bool = pg ? 'boolean' : 'integer';

  // Custom template contents; the predefined default contents are served from code.
  await db.schema
    .createTable('notification_contents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('delivery_method', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    // '' for the content without a variant; variants are unique case-insensitively.
    .addColumn('variant', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX notification_contents_unique ON notification_contents
    (environment_id, template, delivery_method, locale, lower(variant))`.execute(db);

  await db.schema
    .createTable('notification_settings')
    .addColumn('environment_id', 'text', (c) =>
      c.primaryKey().references('environments.id').onDelete('cascade'),
    )
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('email_delivery_settings')
    .addColumn('environment_id', 'text', (c) =>
      c.primaryKey().references('environments.id').onDelete('cascade'),
    )
    .addColumn('document', 'text', (c) => c.notNull())
    // AES-GCM sealed; never returned by the API.
    .addColumn('password_sealed', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('phone_delivery_settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('secrets_sealed', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('phone_delivery_settings_env')
    .on('phone_delivery_settings')
    .columns(['environment_id', 'id'])
    .execute();

  // The durable outbox: a message accepted by the API is a row here until it is SENT or FAILED.
  await db.schema
    .createTable('notification_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    // No foreign key: a message already accepted is still delivered after its user is deleted.
    .addColumn('user_id', 'text')
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('delivery_method', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('variant', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    // QUEUED -> SENDING (claimed, lease until claimed_until) -> SENT | QUEUED (retry) | FAILED
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('transport', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('notification_outbox_due')
    .on('notification_outbox')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('notification_outbox_env')
    .on('notification_outbox')
    .columns(['environment_id', 'id'])
    .execute();

  await db.schema
    .createTable('credential_types')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('management_mode', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('credential_types_env')
    .on('credential_types')
    .columns(['environment_id', 'id'])
    .execute();

  await db.schema
    .createTable('credential_type_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('credential_type_id', 'text', (c) =>
      c.notNull().references('credential_types.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('credential_type_versions_type')
    .on('credential_type_versions')
    .columns(['credential_type_id', 'version'])
    .unique()
    .execute();

  await db.schema
    .createTable('digital_wallet_applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('app_open_url', 'text', (c) => c.notNull())
    .addColumn('uses_sdk', bool, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('digital_wallets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // No foreign key: deleting the wallet application disables its wallets, it does not remove them.
    .addColumn('wallet_application_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('application_instance_id', 'text')
    .addColumn('pairing_session', 'text')
    .addColumn('notification', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('digital_wallets_user')
    .on('digital_wallets')
    .columns(['user_id', 'id'])
    .execute();

  await db.schema
    .createTable('user_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_type_id', 'text', (c) =>
      c.notNull().references('credential_types.id').onDelete('cascade'),
    )
    .addColumn('type_version_id', 'text', (c) => c.notNull())
    .addColumn('type_version_number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    // Stored PENDING | ISSUED | REVOKED; a passed expires_at reads as REVOKED before the scheduler persists it.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('notification', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('user_credentials_user')
    .on('user_credentials')
    .columns(['user_id', 'id'])
    .execute();
  await db.schema
    .createIndex('user_credentials_expiry')
    .on('user_credentials')
    .columns(['status', 'expires_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'user_credentials',
    'digital_wallets',
    'digital_wallet_applications',
    'credential_type_versions',
    'credential_types',
    'notification_outbox',
    'phone_delivery_settings',
    'email_delivery_settings',
    'notification_settings',
    'notification_contents',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
