import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { Session } from './flow.js';
import { inEnvironmentScope, type EnvironmentScope } from '../shared/environment-scope.js';

export interface SignonSessionsTable {
  id: string;
  environment_id: string;
  user_id: string;
  created_at: number;
  active_at: number;
  last_sign_on_at: number;
  expires_at: number;
  remote_ip: string | null;
  user_agent: string | null;
}

declare module '../../db/schema.js' {
  interface Database {
    signon_sessions: SignonSessionsTable;
  }
}

const toSession = (row: Selectable<SignonSessionsTable>): Session => ({
  id: row.id,
  environmentId: row.environment_id,
  userId: row.user_id,
  createdAt: Number(row.created_at),
  activeAt: Number(row.active_at),
  lastSignOnAt: Number(row.last_sign_on_at),
  expiresAt: Number(row.expires_at),
  remoteIp: row.remote_ip ?? undefined,
  userAgent: row.user_agent ?? undefined,
});

export async function findSession(db: Db, environmentId: string, id: string): Promise<Session | undefined> {
  const row = await db
    .selectFrom('signon_sessions')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toSession(row) : undefined;
}

/** A user's sessions still alive at `now`, newest first. */
export async function listUserSessions(db: Db, userId: string, now: number): Promise<Session[]> {
  const rows = await db
    .selectFrom('signon_sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toSession);
}

export async function insertSession(db: Db, session: Session): Promise<void> {
  await db
    .insertInto('signon_sessions')
    .values({
      id: session.id,
      environment_id: session.environmentId,
      user_id: session.userId,
      created_at: session.createdAt,
      active_at: session.activeAt,
      last_sign_on_at: session.lastSignOnAt,
      expires_at: session.expiresAt,
      remote_ip: session.remoteIp ?? null,
      user_agent: session.userAgent ?? null,
    })
    .execute();
}

export async function updateSession(db: Db, session: Session): Promise<boolean> {
  const result = await db
    .updateTable('signon_sessions')
    .set({
      active_at: session.activeAt,
      last_sign_on_at: session.lastSignOnAt,
      expires_at: session.expiresAt,
      remote_ip: session.remoteIp ?? null,
      user_agent: session.userAgent ?? null,
    })
    .where('id', '=', session.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteSession(db: Db, environmentId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('signon_sessions')
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function deleteSessions(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('signon_sessions').where('id', 'in', ids).execute();
}

export async function deleteExpiredSessions(db: Db, now: number, scope?: EnvironmentScope): Promise<number> {
  const result = await db
    .deleteFrom('signon_sessions')
    .where('expires_at', '<=', now)
    .where(inEnvironmentScope(scope))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
