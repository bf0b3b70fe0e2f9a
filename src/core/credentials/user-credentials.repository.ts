import type { Selectable } from 'kysely';
import { claimingRows, lockingRows } from '../../db/dialect.js';
import type { Db } from '../../db/schema.js';
import type { CredentialNotification, CredentialStatus, UserCredential } from './user-credential.js';
import { inEnvironmentScope, type EnvironmentScope } from '../shared/environment-scope.js';

export interface UserCredentialsTable {
  id: string;
  environment_id: string;
  user_id: string;
  credential_type_id: string;
  type_version_id: string;
  type_version_number: number;
  title: string;
  data: string;
  status: string;
  expires_at: number | null;
  notification: string | null;
  created_at: number;
  updated_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    user_credentials: UserCredentialsTable;
  }
}

const toCredential = (row: Selectable<UserCredentialsTable>): UserCredential => ({
  id: row.id,
  environmentId: row.environment_id,
  userId: row.user_id,
  credentialTypeId: row.credential_type_id,
  typeVersion: { number: row.type_version_number, id: row.type_version_id },
  title: row.title,
  data: JSON.parse(row.data) as Record<string, string | null>,
  status: row.status as CredentialStatus,
  expiresAt: row.expires_at ?? undefined,
  notification: row.notification ? (JSON.parse(row.notification) as CredentialNotification) : undefined,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const columns = (c: UserCredential) => ({
  type_version_id: c.typeVersion.id,
  type_version_number: c.typeVersion.number,
  title: c.title,
  data: JSON.stringify(c.data),
  status: c.status,
  expires_at: c.expiresAt ?? null,
  notification: c.notification ? JSON.stringify(c.notification) : null,
  updated_at: c.updatedAt,
});

export async function insertCredential(db: Db, c: UserCredential): Promise<void> {
  await db
    .insertInto('user_credentials')
    .values({
      id: c.id,
      environment_id: c.environmentId,
      user_id: c.userId,
      credential_type_id: c.credentialTypeId,
      created_at: c.createdAt,
      ...columns(c),
    })
    .execute();
}

export async function updateCredential(db: Db, c: UserCredential): Promise<void> {
  await db.updateTable('user_credentials').set(columns(c)).where('id', '=', c.id).execute();
}

/** Marks a credential REVOKED unless it already is; true only for the caller that changed it. */
export async function markRevoked(
  db: Db,
  id: string,
  at: { expiresAt: number; updatedAt: number },
): Promise<boolean> {
  const result = await db
    .updateTable('user_credentials')
    .set({ status: 'REVOKED', expires_at: at.expiresAt, updated_at: at.updatedAt })
    .where('id', '=', id)
    .where('status', '!=', 'REVOKED')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findCredential(
  db: Db,
  environmentId: string,
  userId: string,
  id: string,
  forUpdate = false,
) {
  let q = db
    .selectFrom('user_credentials')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', userId)
    .where('id', '=', id);
  if (forUpdate) q = lockingRows(db, q);
  const row = await q.executeTakeFirst();
  return row ? toCredential(row) : undefined;
}

export async function listCredentials(
  db: Db,
  environmentId: string,
  userId: string,
): Promise<UserCredential[]> {
  const rows = await db
    .selectFrom('user_credentials')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map(toCredential);
}

export async function deleteCredential(db: Db, id: string): Promise<void> {
  await db.deleteFrom('user_credentials').where('id', '=', id).execute();
}

export async function deleteCredentialsOfType(
  db: Db,
  credentialTypeId: string,
  which: 'all' | 'pending',
): Promise<void> {
  let q = db.deleteFrom('user_credentials').where('credential_type_id', '=', credentialTypeId);
  if (which === 'pending') q = q.where('status', '=', 'PENDING');
  await q.execute();
}

/**
 * A user's PENDING credentials become ISSUED once they have an active wallet; returns the ones
 * it issued (oldest first), each to be recorded as USER_CREDENTIAL.ISSUED.
 */
export async function issuePending(
  db: Db,
  userId: string,
  now: number,
): Promise<Pick<UserCredential, 'id' | 'environmentId' | 'userId' | 'title'>[]> {
  const rows = await db
    .updateTable('user_credentials')
    .set({ status: 'ISSUED', updated_at: now })
    .where('user_id', '=', userId)
    .where('status', '=', 'PENDING')
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .returning(['id', 'environment_id', 'user_id', 'title'])
    .execute();
  return rows
    .map((row) => ({ id: row.id, environmentId: row.environment_id, userId: row.user_id, title: row.title }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Locks up to `limit` credentials whose expiry has passed but are not yet REVOKED. On PostgreSQL
 * rows another process holds are skipped, so each expiry is processed by exactly one process.
 */
export async function lockExpired(
  trx: Db,
  now: number,
  limit: number,
  scope?: EnvironmentScope,
): Promise<UserCredential[]> {
  let q = trx
    .selectFrom('user_credentials')
    .selectAll()
    .where('status', 'in', ['PENDING', 'ISSUED'])
    .where('expires_at', '<=', now)
    .where(inEnvironmentScope(scope))
    .orderBy('expires_at')
    .limit(limit);
  q = claimingRows(trx, q);
  return (await q.execute()).map(toCredential);
}
