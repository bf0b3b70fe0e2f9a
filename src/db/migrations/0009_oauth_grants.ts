import type { Kysely } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
// The authorization server's state: one grant per completed authorization (its user, session,
// scopes and how the user signed on), the authorization codes and refresh tokens issued from it
// (stored only as SHA-256 hashes), and the access tokens' jtis (to revoke them before they expire).
// Sessions live in the sign-on engine's tables: grants name them without a foreign key, so a
// grant outlives nothing: the authorization server checks the session on every refresh.

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('session_id', 'text')
    // JSON arrays.
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('acr', 'text')
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // When nothing issued from the grant can be used any more (cleanup may delete it then).
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('oauth_grants_session').on('oauth_grants').columns(['session_id']).execute();
  await db.schema.createIndex('oauth_grants_expiry').on('oauth_grants').columns(['expires_at']).execute();

  await db.schema
    .createTable('oauth_authorization_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('grant_id', 'text', (c) => c.notNull().references('oauth_grants.id').onDelete('cascade'))
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text')
    .addColumn('code_challenge', 'text')
    .addColumn('code_challenge_method', 'text')
    .addColumn('nonce', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('oauth_authorization_codes_grant')
    .on('oauth_authorization_codes')
    .columns(['grant_id'])
    .execute();

  await db.schema
    .createTable('oauth_refresh_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('grant_id', 'text', (c) => c.notNull().references('oauth_grants.id').onDelete('cascade'))
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('oauth_refresh_tokens_grant')
    .on('oauth_refresh_tokens')
    .columns(['grant_id'])
    .execute();

  await db.schema
    .createTable('oauth_access_tokens')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    // Absent for client_credentials tokens, recorded only when revoked (a deny-list entry).
    .addColumn('grant_id', 'text', (c) => c.references('oauth_grants.id').onDelete('cascade'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('oauth_access_tokens_grant')
    .on('oauth_access_tokens')
    .columns(['grant_id'])
    .execute();
  await db.schema
    .createIndex('oauth_access_tokens_expiry')
    .on('oauth_access_tokens')
    .columns(['expires_at'])
    .execute();
}

// Kysely<any>: see up().
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'oauth_access_tokens',
    'oauth_refresh_tokens',
    'oauth_authorization_codes',
    'oauth_grants',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
