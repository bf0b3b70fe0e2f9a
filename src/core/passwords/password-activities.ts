import type { Actor } from '../access/actor.js';
import { recordActivity } from '../activities/activities.repository.js';
import type { Db } from '../../db/schema.js';
import type { User } from '../users/user.js';
import { userResource } from '../users/user-writes.js';
import type { PasswordRecord } from './passwords.repository.js';

/** A password action type of the reference's list (more §3.5), or a user lock change. */
export type PasswordActivityType =
  | 'PASSWORD.SET'
  | 'PASSWORD.RESET'
  | 'PASSWORD.UNSET'
  | 'PASSWORD.FORCE_CHANGE'
  | 'PASSWORD.RECOVERY'
  | 'PASSWORD.UNLOCKED'
  | 'PASSWORD.CHECK_SUCCEEDED'
  | 'PASSWORD.CHECK_FAILED'
  | 'USER.LOCKED'
  | 'USER.UNLOCKED';

/**
 * What a password write records, inside its transaction: the operation's own types, then what the
 * record change shows (a counted failure is `PASSWORD.CHECK_FAILED`, a lockout starting is
 * `USER.LOCKED`, as in directory §4.3). Only the user's id, name and population: never a value.
 */
export async function recordPasswordActivities(
  trx: Db,
  now: number,
  change: {
    readonly user: User;
    readonly before: PasswordRecord;
    readonly after: PasswordRecord;
    readonly types: readonly PasswordActivityType[];
    /** Who asked; undefined for sign-on, imports and other callers without an actor. */
    readonly actor: Actor | undefined;
  },
): Promise<void> {
  const { user, before, after } = change;
  const types = [...change.types];
  if (
    after.failedAttempts > before.failedAttempts ||
    (after.lockedAt !== undefined && before.lockedAt === undefined)
  )
    types.push('PASSWORD.CHECK_FAILED');
  if (after.lockedAt !== undefined && before.lockedAt === undefined) types.push('USER.LOCKED');
  for (const type of types)
    await recordActivity(trx, now, {
      environmentId: user.environmentId,
      type,
      actor: change.actor,
      resources: [userResource(user)],
      status: type === 'PASSWORD.CHECK_FAILED' ? 'FAILED' : 'SUCCESS',
    });
}
