import type { ExpressionBuilder, Selectable } from 'kysely';
import { prepareBulkInsert } from '../../db/bulk-insert.js';
import { prepareQuery, prepareWrite } from '../../db/prepared.js';
import type { Database, Db, DbBool } from '../../db/schema.js';
import { newId } from '../shared/ids.js';

export interface UserPasswordsTable {
  user_id: string;
  environment_id: string;
  hash: string | null;
  must_change: DbBool;
  last_changed_at: number | null;
  failed_attempts: number;
  locked_at: number | null;
  unlock_at: number | null;
  recovery_code_hash: string | null;
  recovery_expires_at: number | null;
  updated_at: number;
}

export interface UserPasswordHistoryTable {
  id: string;
  user_id: string;
  hash: string;
  retired_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    user_passwords: UserPasswordsTable;
    user_password_history: UserPasswordHistoryTable;
  }
}

/** The stored password state of one user (a user without a row has no password). */
export interface PasswordRecord {
  readonly userId: string;
  readonly environmentId: string;
  readonly hash: string | undefined;
  readonly mustChange: boolean;
  readonly lastChangedAt: number | undefined;
  readonly failedAttempts: number;
  readonly lockedAt: number | undefined;
  /** Undefined while locked: only an administrator can unlock. */
  readonly unlockAt: number | undefined;
  readonly recoveryCodeHash: string | undefined;
  readonly recoveryExpiresAt: number | undefined;
}

export const emptyRecord = (userId: string, environmentId: string): PasswordRecord => ({
  userId,
  environmentId,
  hash: undefined,
  mustChange: false,
  lastChangedAt: undefined,
  failedAttempts: 0,
  lockedAt: undefined,
  unlockAt: undefined,
  recoveryCodeHash: undefined,
  recoveryExpiresAt: undefined,
});

const toRecord = (row: Selectable<UserPasswordsTable>): PasswordRecord => ({
  userId: row.user_id,
  environmentId: row.environment_id,
  hash: row.hash ?? undefined,
  mustChange: Boolean(row.must_change),
  lastChangedAt: row.last_changed_at ?? undefined,
  failedAttempts: row.failed_attempts,
  lockedAt: row.locked_at ?? undefined,
  unlockAt: row.unlock_at ?? undefined,
  recoveryCodeHash: row.recovery_code_hash ?? undefined,
  recoveryExpiresAt: row.recovery_expires_at ?? undefined,
});

/** Every password operation reads the record, most of them twice (before hashing and in the write). */
const selectRecord = prepareQuery(1, (db: Db, userId: string) =>
  db.selectFrom('user_passwords').selectAll().where('user_id', '=', userId),
);

export async function findRecord(db: Db, userId: string): Promise<PasswordRecord | undefined> {
  const row = (await selectRecord(db, userId))[0];
  return row ? toRecord(row) : undefined;
}

/** Which of `userIds` have a password lockout in force at `now` (one query for a whole page). */
export async function findLockedOutUsers(
  db: Db,
  userIds: readonly string[],
  now: number,
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows =
    userIds.length === 1
      ? await selectOneLockedOut(db, userIds[0]!, now)
      : await selectLockedOut(db, userIds, now).execute();
  return new Set(rows.map((row) => row.user_id));
}

const selectLockedOut = (db: Db, userIds: string | readonly string[], now: number) =>
  db
    .selectFrom('user_passwords')
    .select('user_id')
    .where('user_id', typeof userIds === 'string' ? '=' : 'in', userIds)
    .where('locked_at', 'is not', null)
    .where((eb) => eb.or([eb('unlock_at', 'is', null), eb('unlock_at', '>', now)]));

/**
 * "This user's password is locked out at `now`", as a column of a query over `users`: a user read
 * reports its lockout in the same statement (one statement per authenticated GET).
 */
export const passwordLockedOutColumn = (eb: ExpressionBuilder<Database, 'users'>, now: number) =>
  eb.exists(
    eb
      .selectFrom('user_passwords')
      .select('user_passwords.user_id')
      .whereRef('user_passwords.user_id', '=', 'users.id')
      .where('user_passwords.locked_at', 'is not', null)
      .where((inner) =>
        inner.or([
          inner('user_passwords.unlock_at', 'is', null),
          inner('user_passwords.unlock_at', '>', now),
        ]),
      ),
  );

/** Every read of one user reports its lockout. */
const selectOneLockedOut = prepareQuery(2, (db: Db, userId: string, now: number) =>
  selectLockedOut(db, userId, now),
);

const recordValues = (record: PasswordRecord, now: number) => ({
  hash: record.hash ?? null,
  must_change: record.mustChange,
  last_changed_at: record.lastChangedAt ?? null,
  failed_attempts: record.failedAttempts,
  locked_at: record.lockedAt ?? null,
  unlock_at: record.unlockAt ?? null,
  recovery_code_hash: record.recoveryCodeHash ?? null,
  recovery_expires_at: record.recoveryExpiresAt ?? null,
  updated_at: now,
});

const RECORD_COLUMNS = [
  'hash',
  'must_change',
  'last_changed_at',
  'failed_attempts',
  'locked_at',
  'unlock_at',
  'recovery_code_hash',
  'recovery_expires_at',
  'updated_at',
] as const;

const bulkInsertRecords = prepareBulkInsert('user_passwords', [
  'user_id',
  'environment_id',
  ...RECORD_COLUMNS,
]);

/** Inserts the records of users that have none yet (bulk import), with multi-row statements. */
export async function insertRecords(db: Db, records: readonly PasswordRecord[], now: number): Promise<void> {
  await bulkInsertRecords(
    db,
    records.map((r) => ({ user_id: r.userId, environment_id: r.environmentId, ...recordValues(r, now) })),
  );
}

/** One statement whether or not the user has a record yet (a first set inserts it). */
const upsertRecord = prepareWrite(
  11,
  (db: Db, ...v: [string, string, string, boolean, number, number, number, number, string, number, number]) =>
    db
      .insertInto('user_passwords')
      .values({
        user_id: v[0],
        environment_id: v[1],
        hash: v[2],
        must_change: v[3],
        last_changed_at: v[4],
        failed_attempts: v[5],
        locked_at: v[6],
        unlock_at: v[7],
        recovery_code_hash: v[8],
        recovery_expires_at: v[9],
        updated_at: v[10],
      })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet((eb) => Object.fromEntries(RECORD_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)]))),
      ),
);

/** Inserts or replaces the state of a user (callers hold the user's row lock). */
export async function saveRecord(db: Db, record: PasswordRecord, now: number): Promise<void> {
  const v = recordValues(record, now);
  await upsertRecord(
    db,
    record.userId,
    record.environmentId,
    ...([
      v.hash,
      v.must_change,
      v.last_changed_at,
      v.failed_attempts,
      v.locked_at,
      v.unlock_at,
      v.recovery_code_hash,
      v.recovery_expires_at,
      v.updated_at,
    ] as [string, boolean, number, number, number, number, string, number, number]),
  );
}

/** Retired hashes, newest first. */
export async function listHistory(
  db: Db,
  userId: string,
  limit: number,
): Promise<{ hash: string; retiredAt: number }[]> {
  const rows = await db
    .selectFrom('user_password_history')
    .select(['hash', 'retired_at'])
    .where('user_id', '=', userId)
    .orderBy('retired_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ hash: r.hash, retiredAt: r.retired_at }));
}

/** Keeps at most this many retired hashes per user (the largest history.count allowed). */
export const HISTORY_KEPT = 20;

export async function addHistory(db: Db, userId: string, hash: string, retiredAt: number): Promise<void> {
  await db
    .insertInto('user_password_history')
    .values({ id: newId(), user_id: userId, hash, retired_at: retiredAt })
    .execute();
  const keep = await db
    .selectFrom('user_password_history')
    .select('id')
    .where('user_id', '=', userId)
    .orderBy('retired_at', 'desc')
    .orderBy('id', 'desc')
    .limit(HISTORY_KEPT)
    .execute();
  await db
    .deleteFrom('user_password_history')
    .where('user_id', '=', userId)
    .where(
      'id',
      'not in',
      keep.map((k) => k.id),
    )
    .execute();
}
