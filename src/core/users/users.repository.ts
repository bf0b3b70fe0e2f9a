// Over 300 lines: every statement on the users table lives here (reads, lists and filters, writes,
// the bulk import), so that the queries and their indexes (migration 0012) are read together.
import { sql, type Selectable, type SqlBool, type Updateable } from 'kysely';
import { lockingRows, type StoreDialect } from '../../db/dialect.js';
import { prepareBulkInsert } from '../../db/bulk-insert.js';
import { mapStep, prepareQuery, prepareWrite, type Prepared, type Step } from '../../db/prepared.js';
import { matchText } from '../../db/text-match.js';
import type { Db, UsersTable } from '../../db/schema.js';
import { passwordLockedOutColumn } from '../passwords/passwords.repository.js';
import { parseJsonObject } from '../shared/json.js';
import type { User } from './user.js';

export const toUser = (row: Selectable<UsersTable>): User => ({
  id: row.id,
  environmentId: row.environment_id,
  populationId: row.population_id,
  username: row.username,
  email: row.email ?? undefined,
  enabled: Boolean(row.enabled),
  mfaEnabled: Boolean(row.mfa_enabled),
  emailVerified: Boolean(row.email_verified),
  lifecycleStatus: row.lifecycle_status as User['lifecycleStatus'],
  verifyStatus: row.verify_status as User['verifyStatus'],
  account: {
    locked: Boolean(row.account_locked),
    lockedAt: row.account_locked_at ?? undefined,
    unlockAt: row.account_unlock_at ?? undefined,
  },
  identityProvider: JSON.parse(row.identity_provider) as User['identityProvider'],
  profile: parseJsonObject(row.profile),
  lastSignOnAt: row.last_sign_on_at ?? undefined,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  revision: row.revision,
});

/**
 * The JSON columns of a row as stored, for a row read to be written (`updateUser` compares the
 * new texts with them instead of serializing the old values again).
 */
interface StoredTexts {
  readonly profile: string;
  readonly identityProvider: string;
}

/** The stored texts of users read with `forUpdate`, keyed by the object handed out. */
const storedTexts = new WeakMap<User, StoredTexts>();

/** `toUser`, remembering the row's JSON texts for the write that follows (a locked read). */
const toUserForUpdate = (row: Selectable<UsersTable>): User => {
  const user = toUser(row);
  storedTexts.set(user, { profile: row.profile, identityProvider: row.identity_provider });
  return user;
};

const toRow = (user: User, stored?: StoredTexts) => ({
  population_id: user.populationId,
  username: user.username,
  email: user.email ?? null,
  enabled: user.enabled,
  mfa_enabled: user.mfaEnabled,
  email_verified: user.emailVerified,
  lifecycle_status: user.lifecycleStatus,
  verify_status: user.verifyStatus,
  account_locked: user.account.locked,
  account_locked_at: user.account.lockedAt ?? null,
  account_unlock_at: user.account.unlockAt ?? null,
  identity_provider: stored?.identityProvider ?? JSON.stringify(user.identityProvider),
  profile: stored?.profile ?? JSON.stringify(user.profile),
  last_sign_on_at: user.lastSignOnAt ?? null,
  updated_at: user.updatedAt,
});

/** Reads a user; `forUpdate` locks the row for the rest of the transaction on PostgreSQL. */
export async function findUser(
  db: Db,
  environmentId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<User | undefined> {
  if (options.forUpdate) {
    const row = (await selectUserLocked(db, environmentId, id))[0];
    return row && toUserForUpdate(row);
  }
  const row = (await selectUserPrepared(db, environmentId, id))[0];
  return row && toUser(row);
}

const selectUser = (db: Db, environmentId: string, id: string) =>
  db.selectFrom('users').selectAll().where('environment_id', '=', environmentId).where('id', '=', id);

/** Every API call on a user starts here. */
const selectUserPrepared = prepareQuery(2, selectUser);

/**
 * The same row locked for the transaction (every user write starts here). SQLite has no row
 * locks; its single writer connection serialises transactions instead.
 */
const selectUserLocked = prepareQuery(2, (db: Db, environmentId: string, id: string) =>
  lockingRows(db, selectUser(db, environmentId, id)),
);

export const userWithLockout = (db: Db, environmentId: string, id: string, now: number) =>
  selectUser(db, environmentId, id).select((eb) =>
    passwordLockedOutColumn(eb, now).as('password_locked_out'),
  );

/** The user and whether its password is locked out at `now`, in one statement (GET user). */
const selectUserWithLockout = prepareQuery(3, userWithLockout);

/** The same, the user's row locked for the transaction (PUT and PATCH: one round trip fewer). */
const selectUserWithLockoutLocked = prepareQuery(
  3,
  (db: Db, environmentId: string, id: string, now: number) =>
    lockingRows(db, userWithLockout(db, environmentId, id, now)),
);

export async function findUserWithLockout(
  db: Db,
  environmentId: string,
  id: string,
  now: number,
  options: { forUpdate?: boolean } = {},
): Promise<{ user: User; passwordLockedOut: boolean } | undefined> {
  if (options.forUpdate) return lockedUserWithLockoutStep(db, environmentId, id, now).run();
  const row = (await selectUserWithLockout(db, environmentId, id, now))[0];
  return row && { user: toUser(row), passwordLockedOut: Boolean(row.password_locked_out) };
}

/** `findUserWithLockout` with `forUpdate`, as a step (run with others in one round trip: inOneTrip). */
export const lockedUserWithLockoutStep = (
  db: Db,
  environmentId: string,
  id: string,
  now: number,
): Step<{ user: User; passwordLockedOut: boolean } | undefined> =>
  mapStep(selectUserWithLockoutLocked.step(db, environmentId, id, now), ([row]) =>
    row ? { user: toUserForUpdate(row), passwordLockedOut: Boolean(row.password_locked_out) } : undefined,
  );

const insertRow = (user: User) => ({
  id: user.id,
  environment_id: user.environmentId,
  created_at: user.createdAt,
  revision: user.revision,
  ...toRow(user),
});

export async function insertUser(db: Db, user: User): Promise<void> {
  await db.insertInto('users').values(insertRow(user)).execute();
}

/** Inserts new users with multi-row statements (bulk import); a taken unique value fails them all. */
export async function insertUsers(db: Db, users: readonly User[]): Promise<void> {
  await bulkInsertUsers(db, users.map(insertRow));
}

/**
 * Writes `user` if nobody changed it since it was read (revision check); returns false when a
 * concurrent writer got there first, so the caller can retry on fresh data. Given the row as it
 * was read (`previous`), only the columns whose stored value changes are SET: SQLite rewrites
 * every index over a SET column (and checks its foreign key) even when the value is the same,
 * so a profile change would otherwise also rewrite the username, email and population indexes.
 */
export async function updateUser(
  db: Db,
  user: User,
  readRevision: number,
  previous?: User,
): Promise<boolean> {
  return updateUserStep(db, user, readRevision, previous).run();
}

/** `updateUser` as a step (run with others in one round trip: inOneTrip); true when it wrote. */
export function updateUserStep(db: Db, user: User, readRevision: number, previous?: User): Step<boolean> {
  const row = toRow(user);
  // The old JSON texts as stored when `previous` was read for update (not serialized again): a
  // column is skipped only when its new text is the stored one.
  const before = previous && toRow(previous, storedTexts.get(previous));
  let mask = 0;
  const values: unknown[] = [];
  USER_ROW_COLUMNS.forEach((column, index) => {
    if (before && column !== 'updated_at' && row[column] === before[column]) return;
    mask |= 1 << index;
    values.push(row[column]);
  });
  const step = updateUserRow(mask).step(db, user.id, readRevision, readRevision + 1, ...values);
  return mapStep(step, (changed) => changed === 1);
}

const USER_ROW_COLUMNS = [
  'population_id',
  'username',
  'email',
  'enabled',
  'mfa_enabled',
  'email_verified',
  'lifecycle_status',
  'verify_status',
  'account_locked',
  'account_locked_at',
  'account_unlock_at',
  'identity_provider',
  'profile',
  'last_sign_on_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof ReturnType<typeof toRow>>;

const bulkInsertUsers = prepareBulkInsert('users', [
  'id',
  'environment_id',
  'created_at',
  'revision',
  ...USER_ROW_COLUMNS,
]);

type UpdateUserRow = Prepared<
  [id: unknown, readRevision: unknown, nextRevision: unknown, ...values: unknown[]],
  number
>;

/**
 * Every user change ends here; optimistic on `revision` (see users.service modify). One prepared
 * UPDATE per set of changed columns (`mask`, bit i = USER_ROW_COLUMNS[i]), compiled on first use:
 * like every prepared statement, its SQL text is a pure function of the code.
 */
const updateUserRows = new Map<number, UpdateUserRow>();
function updateUserRow(mask: number): UpdateUserRow {
  let prepared = updateUserRows.get(mask);
  if (!prepared) {
    const columns = USER_ROW_COLUMNS.filter((_, index) => mask & (1 << index));
    prepared = prepareWrite(
      3 + columns.length,
      (db: Db, id: unknown, readRevision: unknown, nextRevision: unknown, ...values: unknown[]) =>
        db
          .updateTable('users')
          .set({
            ...Object.fromEntries(columns.map((column, index) => [column, values[index]])),
            revision: nextRevision,
          } as Updateable<UsersTable>)
          .where('id', '=', id as string)
          .where('revision', '=', readRevision as number),
    );
    updateUserRows.set(mask, prepared);
  }
  return prepared;
}

/** Deletes the user and its role assignments (they name their actor without a foreign key). */
export async function deleteUser(db: Db, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('actor_id', '=', id).execute();
  await db.deleteFrom('users').where('id', '=', id).execute();
}

/** Another user of the environment whose profile attribute equals `value` (case-insensitively). */
export async function findUserWithProfileValue(
  db: Db,
  dialect: StoreDialect,
  environmentId: string,
  attribute: string,
  value: string,
  exceptId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where('id', '!=', exceptId)
    .where(sql<SqlBool>`lower(${dialect.jsonText('profile', [attribute])}) = ${value.toLowerCase()}`)
    .executeTakeFirst();
  return row?.id;
}

/** Removes a (deleted custom) attribute from every profile of the environment that holds it. */
export async function removeProfileAttribute(
  db: Db,
  dialect: StoreDialect,
  environmentId: string,
  attribute: string,
  now: number,
): Promise<void> {
  let q = db
    .selectFrom('users')
    .select(['id', 'profile', 'revision'])
    .where('environment_id', '=', environmentId)
    .where(sql<SqlBool>`${dialect.jsonText('profile', [attribute])} is not null`);
  // Locked like `findUser(..., {forUpdate})`, so a concurrent PATCH is never overwritten.
  q = lockingRows(db, q);
  const rows = await q.execute();
  for (const row of rows) {
    const profile = parseJsonObject(row.profile);
    delete profile[attribute];
    await db
      .updateTable('users')
      .set({ profile: JSON.stringify(profile), updated_at: now, revision: row.revision + 1 })
      .where('id', '=', row.id)
      .execute();
  }
}

export async function deleteMembershipsOfUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('group_memberships').where('user_id', '=', userId).execute();
}

/** True when another user of the environment has this email (case-insensitive). */
export async function emailTaken(
  db: Db,
  environmentId: string,
  email: string,
  exceptId?: string,
): Promise<boolean> {
  let q = db
    .selectFrom('users')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where(matchText(sql.ref('email'), 'eq', email));
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}

/** The id of the environment's user with this username (case-insensitive), if any. */
export async function findUserIdByUsername(
  db: Db,
  environmentId: string,
  username: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where(matchText(sql.ref('username'), 'eq', username))
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** True when a user of the environment has this username (case-insensitive). */
export async function usernameTaken(db: Db, environmentId: string, username: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where(matchText(sql.ref('username'), 'eq', username))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
