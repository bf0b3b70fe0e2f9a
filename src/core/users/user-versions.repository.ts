import { rowVersion } from '../../db/dialect.js';
import { prepareQuery } from '../../db/prepared.js';
import type { Db } from '../../db/schema.js';
import { passwordLockedOutColumn } from '../passwords/passwords.repository.js';
import type { User } from './user.js';
import { toUser, userWithLockout } from './users.repository.js';

/*
 * The reads of warm users on PostgreSQL (warm-users.ts): a kept answer is checked against the
 * row's version (`rowVersion`, any write changes it) and the password lockout at `now`, by a
 * statement that answers only those two, instead of the row itself.
 */

/** What the answer of `GET /users/{id}` depends on in the database, besides the row's contents. */
export interface UserVersion {
  readonly version: string;
  readonly passwordLockedOut: boolean;
}

/** GET's one statement, with the row's version: `findUserWithLockout` plus `version`. */
const selectUserVersioned = prepareQuery(3, (db: Db, environmentId: string, id: string, now: number) =>
  userWithLockout(db, environmentId, id, now).select(rowVersion(db, 'users').as('version')),
);

export async function findUserVersioned(
  db: Db,
  environmentId: string,
  id: string,
  now: number,
): Promise<(UserVersion & { user: User }) | undefined> {
  const row = (await selectUserVersioned(db, environmentId, id, now))[0];
  return row
    ? { user: toUser(row), passwordLockedOut: Boolean(row.password_locked_out), version: row.version }
    : undefined;
}

/** The version and lockout alone: two small columns instead of the row (about 20). */
const selectUserVersion = prepareQuery(3, (db: Db, environmentId: string, id: string, now: number) =>
  db
    .selectFrom('users')
    .select((eb) => [
      rowVersion(db, 'users').as('version'),
      passwordLockedOutColumn(eb, now).as('password_locked_out'),
    ])
    .where('environment_id', '=', environmentId)
    .where('id', '=', id),
);

export async function findUserVersion(
  db: Db,
  environmentId: string,
  id: string,
  now: number,
): Promise<UserVersion | undefined> {
  const row = (await selectUserVersion(db, environmentId, id, now))[0];
  return row ? { version: row.version, passwordLockedOut: Boolean(row.password_locked_out) } : undefined;
}
