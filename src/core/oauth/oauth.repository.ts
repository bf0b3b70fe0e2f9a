import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { AuthorizationCode, OAuthGrant, RefreshTokenRecord } from './grant.js';
import { inEnvironmentScope, type EnvironmentScope } from '../shared/environment-scope.js';

export interface OAuthGrantsTable {
  id: string;
  environment_id: string;
  application_id: string;
  user_id: string;
  session_id: string | null;
  scopes: string;
  audience: string;
  amr: string;
  acr: string | null;
  auth_time: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface OAuthAuthorizationCodesTable {
  code_hash: string;
  grant_id: string;
  environment_id: string;
  application_id: string;
  redirect_uri: string | null;
  code_challenge: string | null;
  code_challenge_method: string | null;
  nonce: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface OAuthRefreshTokensTable {
  token_hash: string;
  grant_id: string;
  environment_id: string;
  application_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface OAuthAccessTokensTable {
  jti: string;
  environment_id: string;
  grant_id: string | null;
  expires_at: number;
  revoked_at: number | null;
}

declare module '../../db/schema.js' {
  interface Database {
    oauth_grants: OAuthGrantsTable;
    oauth_authorization_codes: OAuthAuthorizationCodesTable;
    oauth_refresh_tokens: OAuthRefreshTokensTable;
    oauth_access_tokens: OAuthAccessTokensTable;
  }
}

const strings = (text: string): string[] => JSON.parse(text) as string[];

const toGrant = (row: Selectable<OAuthGrantsTable>): OAuthGrant => ({
  id: row.id,
  environmentId: row.environment_id,
  applicationId: row.application_id,
  userId: row.user_id,
  sessionId: row.session_id ?? undefined,
  scopes: strings(row.scopes),
  audience: strings(row.audience),
  amr: strings(row.amr),
  acr: row.acr ?? undefined,
  authTime: Number(row.auth_time),
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
  revokedAt: row.revoked_at === null ? undefined : Number(row.revoked_at),
});

export async function insertGrant(db: Db, grant: OAuthGrant): Promise<void> {
  await db
    .insertInto('oauth_grants')
    .values({
      id: grant.id,
      environment_id: grant.environmentId,
      application_id: grant.applicationId,
      user_id: grant.userId,
      session_id: grant.sessionId ?? null,
      scopes: JSON.stringify(grant.scopes),
      audience: JSON.stringify(grant.audience),
      amr: JSON.stringify(grant.amr),
      acr: grant.acr ?? null,
      auth_time: grant.authTime,
      created_at: grant.createdAt,
      expires_at: grant.expiresAt,
      revoked_at: null,
    })
    .execute();
}

export async function findGrant(db: Db, id: string): Promise<OAuthGrant | undefined> {
  const row = await db.selectFrom('oauth_grants').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toGrant(row) : undefined;
}

/** Revokes a grant and, with it, every token issued from it (they all check the grant). */
export async function revokeGrant(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('oauth_grants')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function extendGrant(db: Db, id: string, expiresAt: number): Promise<void> {
  await db
    .updateTable('oauth_grants')
    .set({ expires_at: expiresAt })
    .where('id', '=', id)
    .where('expires_at', '<', expiresAt)
    .execute();
}

export async function insertCode(db: Db, codeHash: string, code: AuthorizationCode): Promise<void> {
  await db
    .insertInto('oauth_authorization_codes')
    .values({
      code_hash: codeHash,
      grant_id: code.grantId,
      environment_id: code.environmentId,
      application_id: code.applicationId,
      redirect_uri: code.redirectUri ?? null,
      code_challenge: code.codeChallenge ?? null,
      code_challenge_method: code.codeChallengeMethod ?? null,
      nonce: code.nonce ?? null,
      created_at: code.createdAt,
      expires_at: code.expiresAt,
      used_at: null,
    })
    .execute();
}

interface SingleUseRow {
  grant_id: string;
  environment_id: string;
  application_id: string;
  created_at: number | string | bigint;
  expires_at: number | string | bigint;
  used_at: number | string | bigint | null;
}

/** The columns codes and refresh tokens share: their grant and their lifetime. */
function singleUseFields(row: SingleUseRow): RefreshTokenRecord {
  return {
    grantId: row.grant_id,
    environmentId: row.environment_id,
    applicationId: row.application_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: row.used_at === null ? undefined : Number(row.used_at),
  };
}

export async function findCode(db: Db, codeHash: string): Promise<AuthorizationCode | undefined> {
  const row = await db
    .selectFrom('oauth_authorization_codes')
    .selectAll()
    .where('code_hash', '=', codeHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ...singleUseFields(row),
    redirectUri: row.redirect_uri ?? undefined,
    codeChallenge: row.code_challenge ?? undefined,
    codeChallengeMethod: (row.code_challenge_method as 'S256' | 'plain' | null) ?? undefined,
    nonce: row.nonce ?? undefined,
  };
}

/**
 * Marks a code or refresh token used, if nobody did first: the conditional update is atomic on
 * both stores, so of two concurrent redemptions exactly one gets `true`.
 */
export async function claimCode(db: Db, codeHash: string, now: number): Promise<boolean> {
  return claimOnce(db, 'oauth_authorization_codes', 'code_hash', codeHash, now);
}

/** The conditional update both single-use secrets share (see `claimCode`). */
async function claimOnce(
  db: Db,
  table: 'oauth_authorization_codes' | 'oauth_refresh_tokens',
  hashColumn: 'code_hash' | 'token_hash',
  hash: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set({ used_at: now })
    .where(hashColumn, '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertRefreshToken(
  db: Db,
  tokenHash: string,
  token: RefreshTokenRecord,
): Promise<void> {
  await db
    .insertInto('oauth_refresh_tokens')
    .values({
      token_hash: tokenHash,
      grant_id: token.grantId,
      environment_id: token.environmentId,
      application_id: token.applicationId,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      used_at: null,
    })
    .execute();
}

export async function findRefreshToken(db: Db, tokenHash: string): Promise<RefreshTokenRecord | undefined> {
  const row = await db
    .selectFrom('oauth_refresh_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && singleUseFields(row);
}

export async function claimRefreshToken(db: Db, tokenHash: string, now: number): Promise<boolean> {
  return claimOnce(db, 'oauth_refresh_tokens', 'token_hash', tokenHash, now);
}

export async function expireRefreshToken(db: Db, tokenHash: string, now: number): Promise<void> {
  await db
    .updateTable('oauth_refresh_tokens')
    .set({ expires_at: now })
    .where('token_hash', '=', tokenHash)
    .execute();
}

export async function recordAccessToken(
  db: Db,
  token: { jti: string; environmentId: string; grantId: string | undefined; expiresAt: number },
  revokedAt?: number,
): Promise<void> {
  await db
    .insertInto('oauth_access_tokens')
    .values({
      jti: token.jti,
      environment_id: token.environmentId,
      grant_id: token.grantId ?? null,
      expires_at: token.expiresAt,
      revoked_at: revokedAt ?? null,
    })
    .onConflict((oc) => oc.column('jti').doUpdateSet({ revoked_at: revokedAt ?? null }))
    .execute();
}

/** Whether an access token was revoked, by itself or through its grant. */
export async function accessTokenRevoked(db: Db, jti: string): Promise<boolean> {
  const row = await db
    .selectFrom('oauth_access_tokens as t')
    .leftJoin('oauth_grants as g', 'g.id', 't.grant_id')
    .select(['t.revoked_at as token_revoked', 'g.revoked_at as grant_revoked'])
    .where('t.jti', '=', jti)
    .executeTakeFirst();
  return row !== undefined && (row.token_revoked !== null || row.grant_revoked !== null);
}

/** Drops what can no longer be used (run by the scheduler). */
export async function deleteExpired(db: Db, now: number, scope?: EnvironmentScope): Promise<void> {
  const inScope = inEnvironmentScope(scope);
  await db.deleteFrom('oauth_access_tokens').where('expires_at', '<', now).where(inScope).execute();
  // Used codes stay with their grant: a late replay must still find them and revoke the grant.
  await db
    .deleteFrom('oauth_authorization_codes')
    .where('expires_at', '<', now)
    .where('used_at', 'is', null)
    .where(inScope)
    .execute();
  await db.deleteFrom('oauth_refresh_tokens').where('expires_at', '<', now).where(inScope).execute();
  await db.deleteFrom('oauth_grants').where('expires_at', '<', now).where(inScope).execute();
}
