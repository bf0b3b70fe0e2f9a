import { randomBytes } from 'node:crypto';
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
// OIDC applications for sign-on: the settings of every application type, the previous client
// secret kept after a rotation, resources with their scopes, application grants, and the client
// assertion ids already seen (replay protection). Environments that exist when this runs get the
// built-in resources here, as new ones get them at creation.

/** A UUIDv7 like the application's ids (creation-ordered), written out so this file stays frozen. */
function uuidv7(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A copy of core/resources/built-in.ts as it was when this migration was written.
const BUILT_IN_RESOURCES = [
  {
    name: 'openid',
    type: 'OPENID_CONNECT',
    description: 'OpenID Connect',
    scopes: [
      ['openid', 'Signals an OpenID Connect request: the ID token and the sub claim'],
      ['profile', 'The user’s default profile claims'],
      ['email', 'The email and email_verified claims'],
      ['address', 'The address claim'],
      ['phone', 'The phone_number and phone_number_verified claims'],
    ],
  },
  {
    name: 'PingOne API',
    type: 'PINGONE_API',
    description: 'The PingOne platform API',
    scopes: [
      ['p1:read:user', 'Read the signed-on user'],
      ['p1:update:user', 'Update the signed-on user'],
      ['p1:reset:userPassword', 'Change the signed-on user’s password'],
    ],
  },
] as const;

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bool = pg ? ('boolean' as const) : ('integer' as const);
  const yes = pg ? sql`true` : sql`1`;
  const no = pg ? sql`false` : sql`0`;

  type Column = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  const columns: Array<[string, 'text' | 'integer' | 'bigint' | 'boolean', Column]> = [
    ['response_types', 'text', (c) => c.notNull().defaultTo('[]')],
    ['pkce_enforcement', 'text', (c) => c.notNull().defaultTo('OPTIONAL')],
    ['redirect_uris', 'text', (c) => c.notNull().defaultTo('[]')],
    ['allow_wildcard_in_redirect_uris', bool, (c) => c.notNull().defaultTo(no)],
    ['post_logout_redirect_uris', 'text', (c) => c.notNull().defaultTo('[]')],
    ['login_page_url', 'text', (c) => c],
    ['home_page_url', 'text', (c) => c],
    ['refresh_token_duration', 'integer', (c) => c.notNull().defaultTo(2592000)],
    ['refresh_token_rolling_duration', 'integer', (c) => c.notNull().defaultTo(15552000)],
    ['refresh_token_rolling_grace_period_duration', 'integer', (c) => c.notNull().defaultTo(0)],
    ['additional_refresh_token_replay_protection_enabled', bool, (c) => c.notNull().defaultTo(yes)],
    // JSON {behavior, origins}; null is PingOne's legacy behaviour.
    ['cors_settings', 'text', (c) => c],
    ['idp_signoff', bool, (c) => c.notNull().defaultTo(no)],
    ['jwks', 'text', (c) => c],
    ['jwks_url', 'text', (c) => c],
    // The secret before the last rotation, kept until its expiry when the rotation asked for it.
    ['previous_secret_hash', 'text', (c) => c],
    ['previous_secret_encrypted', 'text', (c) => c],
    ['previous_secret_expires_at', 'bigint', (c) => c],
    ['previous_secret_last_used_at', 'bigint', (c) => c],
  ];
  for (const [name, type, build] of columns) {
    await db.schema.alterTable('applications').addColumn(name, type, build).execute();
  }

  await db.schema
    .createTable('resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('audience', 'text')
    .addColumn('access_token_validity_seconds', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('resources_name_unique')
    .on('resources')
    .columns(['environment_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('resource_scopes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('resource_scopes_name_unique')
    .on('resource_scopes')
    .columns(['resource_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('application_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    // JSON array of resource_scopes ids.
    .addColumn('scope_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('application_grants_resource_unique')
    .on('application_grants')
    .columns(['application_id', 'resource_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('client_assertion_jtis')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('jti', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('client_assertion_jtis_pk', ['application_id', 'jti'])
    .execute();
  await db.schema
    .createIndex('client_assertion_jtis_expiry')
    .on('client_assertion_jtis')
    .column('expires_at')
    .execute();

  await seedExistingEnvironments(db);
}

async function seedExistingEnvironments(db: Kysely<any>): Promise<void> {
  const environments = (await db.selectFrom('environments').select('id').orderBy('id').execute()) as Array<{
    id: string;
  }>;
  for (const { id: environmentId } of environments) {
    const now = Date.now();
    for (const resource of BUILT_IN_RESOURCES) {
      const resourceId = uuidv7(now);
      await db
        .insertInto('resources')
        .values({
          id: resourceId,
          environment_id: environmentId,
          name: resource.name,
          type: resource.type,
          description: resource.description,
          audience: null,
          access_token_validity_seconds: 3600,
          created_at: now,
          updated_at: now,
        })
        .execute();
      for (const [name, description] of resource.scopes) {
        await db
          .insertInto('resource_scopes')
          .values({
            id: uuidv7(now),
            environment_id: environmentId,
            resource_id: resourceId,
            name,
            description,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
    }
  }
}

// Kysely<any>: see up().
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['client_assertion_jtis', 'application_grants', 'resource_scopes', 'resources']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  for (const column of [
    'previous_secret_last_used_at',
    'previous_secret_expires_at',
    'previous_secret_encrypted',
    'previous_secret_hash',
    'jwks_url',
    'jwks',
    'idp_signoff',
    'cors_settings',
    'additional_refresh_token_replay_protection_enabled',
    'refresh_token_rolling_grace_period_duration',
    'refresh_token_rolling_duration',
    'refresh_token_duration',
    'home_page_url',
    'login_page_url',
    'post_logout_redirect_uris',
    'allow_wildcard_in_redirect_uris',
    'redirect_uris',
    'pkce_enforcement',
    'response_types',
  ]) {
    await db.schema.alterTable('applications').dropColumn(column).execute();
  }
}
