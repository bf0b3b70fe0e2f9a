import type { Selectable, Updateable } from 'kysely';
import { prepareQuery } from '../../db/prepared.js';
import type { ApplicationsTable, Db } from '../../db/schema.js';
import type {
  Application,
  ApplicationCredentials,
  ApplicationSettings,
  CorsSettings,
  PreviousSecret,
  StoredSecret,
} from './application.js';

const toApplication = (row: Selectable<ApplicationsTable>): Application => ({
  id: row.id,
  environmentId: row.environment_id,
  name: row.name,
  description: row.description ?? undefined,
  type: row.type as Application['type'],
  protocol: 'OPENID_CONNECT',
  enabled: Boolean(row.enabled),
  tokenEndpointAuthMethod: row.token_endpoint_auth_method as Application['tokenEndpointAuthMethod'],
  grantTypes: JSON.parse(row.grant_types) as Application['grantTypes'],
  responseTypes: JSON.parse(row.response_types) as Application['responseTypes'],
  pkceEnforcement: row.pkce_enforcement as Application['pkceEnforcement'],
  redirectUris: JSON.parse(row.redirect_uris) as string[],
  allowWildcardInRedirectUris: Boolean(row.allow_wildcard_in_redirect_uris),
  postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
  loginPageUrl: row.login_page_url ?? undefined,
  homePageUrl: row.home_page_url ?? undefined,
  refreshTokenDuration: Number(row.refresh_token_duration),
  refreshTokenRollingDuration: Number(row.refresh_token_rolling_duration),
  refreshTokenRollingGracePeriodDuration: Number(row.refresh_token_rolling_grace_period_duration),
  additionalRefreshTokenReplayProtectionEnabled: Boolean(
    row.additional_refresh_token_replay_protection_enabled,
  ),
  corsSettings: row.cors_settings === null ? undefined : (JSON.parse(row.cors_settings) as CorsSettings),
  idpSignoff: Boolean(row.idp_signoff),
  jwks: row.jwks ?? undefined,
  jwksUrl: row.jwks_url ?? undefined,
  scopes: JSON.parse(row.scopes) as string[],
  accessTokenTtlSeconds: row.access_token_ttl_seconds,
  secretRotatedAt: Number(row.secret_rotated_at),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

function toCredentials(row: Selectable<ApplicationsTable>): ApplicationCredentials {
  const previous: PreviousSecret | undefined =
    row.previous_secret_hash !== null &&
    row.previous_secret_encrypted !== null &&
    row.previous_secret_expires_at !== null
      ? {
          secretHash: row.previous_secret_hash,
          secretSealed: row.previous_secret_encrypted,
          expiresAt: Number(row.previous_secret_expires_at),
          lastUsedAt:
            row.previous_secret_last_used_at === null ? undefined : Number(row.previous_secret_last_used_at),
        }
      : undefined;
  return { secretHash: row.client_secret_hash, secretSealed: row.client_secret_encrypted, previous };
}

/** The settings columns, shared by insert and replace. */
const settingsColumns = (settings: ApplicationSettings) =>
  ({
    name: settings.name,
    description: settings.description ?? null,
    type: settings.type,
    enabled: settings.enabled,
    token_endpoint_auth_method: settings.tokenEndpointAuthMethod,
    grant_types: JSON.stringify(settings.grantTypes),
    response_types: JSON.stringify(settings.responseTypes),
    pkce_enforcement: settings.pkceEnforcement,
    redirect_uris: JSON.stringify(settings.redirectUris),
    allow_wildcard_in_redirect_uris: settings.allowWildcardInRedirectUris,
    post_logout_redirect_uris: JSON.stringify(settings.postLogoutRedirectUris),
    login_page_url: settings.loginPageUrl ?? null,
    home_page_url: settings.homePageUrl ?? null,
    refresh_token_duration: settings.refreshTokenDuration,
    refresh_token_rolling_duration: settings.refreshTokenRollingDuration,
    refresh_token_rolling_grace_period_duration: settings.refreshTokenRollingGracePeriodDuration,
    additional_refresh_token_replay_protection_enabled:
      settings.additionalRefreshTokenReplayProtectionEnabled,
    cors_settings: settings.corsSettings ? JSON.stringify(settings.corsSettings) : null,
    idp_signoff: settings.idpSignoff,
    jwks: settings.jwks ?? null,
    jwks_url: settings.jwksUrl ?? null,
    scopes: JSON.stringify(settings.scopes),
    access_token_ttl_seconds: settings.accessTokenTtlSeconds,
  }) satisfies Updateable<ApplicationsTable>;

// Read several times by every sign-on and token request: built and compiled once (prepared.ts).
const selectApplication = prepareQuery(2, (db: Db, environmentId: string, id: string) =>
  db.selectFrom('applications').selectAll().where('environment_id', '=', environmentId).where('id', '=', id),
);

export async function findApplication(
  db: Db,
  environmentId: string,
  id: string,
): Promise<Application | undefined> {
  const row = (await selectApplication(db, environmentId, id))[0];
  return row ? toApplication(row) : undefined;
}

export async function findApplicationWithCredentials(
  db: Db,
  environmentId: string,
  id: string,
): Promise<{ application: Application; credentials: ApplicationCredentials } | undefined> {
  const row = (await selectApplication(db, environmentId, id))[0];
  return row ? { application: toApplication(row), credentials: toCredentials(row) } : undefined;
}

export async function listApplications(db: Db, environmentId: string): Promise<Application[]> {
  const rows = await db
    .selectFrom('applications')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('id')
    .execute();
  return rows.map(toApplication);
}

export async function insertApplication(
  db: Db,
  app: {
    id: string;
    environmentId: string;
    now: number;
    secret: StoredSecret;
    settings: ApplicationSettings;
  },
): Promise<void> {
  await db
    .insertInto('applications')
    .values({
      id: app.id,
      environment_id: app.environmentId,
      protocol: 'OPENID_CONNECT',
      ...settingsColumns(app.settings),
      client_secret_hash: app.secret.secretHash,
      client_secret_encrypted: app.secret.secretSealed,
      secret_rotated_at: app.now,
      created_at: app.now,
      updated_at: app.now,
    })
    .execute();
}

export async function updateApplication(
  db: Db,
  id: string,
  settings: ApplicationSettings,
  now: number,
): Promise<void> {
  await db
    .updateTable('applications')
    .set({ ...settingsColumns(settings), updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * Replaces the current secret. With `keepPreviousUntil` the old one stays valid until then;
 * without it any previous secret is dropped with the old one.
 */
export async function updateApplicationSecret(
  db: Db,
  id: string,
  change: { secret: StoredSecret; previous: StoredSecret | undefined; keepPreviousUntil: number | undefined },
  now: number,
): Promise<void> {
  const keep = change.previous !== undefined && change.keepPreviousUntil !== undefined;
  await db
    .updateTable('applications')
    .set({
      client_secret_hash: change.secret.secretHash,
      client_secret_encrypted: change.secret.secretSealed,
      previous_secret_hash: keep ? change.previous!.secretHash : null,
      previous_secret_encrypted: keep ? change.previous!.secretSealed : null,
      previous_secret_expires_at: keep ? change.keepPreviousUntil! : null,
      previous_secret_last_used_at: null,
      secret_rotated_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function deletePreviousSecret(db: Db, id: string): Promise<void> {
  await db
    .updateTable('applications')
    .set({
      previous_secret_hash: null,
      previous_secret_encrypted: null,
      previous_secret_expires_at: null,
      previous_secret_last_used_at: null,
    })
    .where('id', '=', id)
    .execute();
}

/** Records that the previous secret authenticated a client (shown as `previous.lastUsed`). */
export async function markPreviousSecretUsed(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('applications')
    .set({ previous_secret_last_used_at: now })
    .where('id', '=', id)
    .where('previous_secret_hash', 'is not', null)
    .execute();
}

export async function deleteApplication(db: Db, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('actor_id', '=', id).execute();
  await db.deleteFrom('applications').where('id', '=', id).execute();
}

/** One sealed client secret, to prove at start that the configured key still opens them. */
export async function anySealedSecret(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('applications')
    .select('client_secret_encrypted')
    .where('client_secret_encrypted', '!=', '')
    .limit(1)
    .executeTakeFirst();
  return row?.client_secret_encrypted ?? undefined;
}

/** The environment of an application, by its (instance-wide unique) id. */
export async function findApplicationEnvironment(db: Db, applicationId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('applications')
    .select('environment_id')
    .where('id', '=', applicationId)
    .executeTakeFirst();
  return row?.environment_id;
}
