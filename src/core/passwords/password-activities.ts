import type { Actor } from '../access/actor.js';
import { recordActivity } from '../activities/activities.repository.js';
import type { ActivityInput } from '../activities/activity.js';
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

/** A password change that records activities: the operation's types and the record before and after. */
export interface PasswordChange {
  readonly user: User;
  readonly before: PasswordRecord;
  readonly after: PasswordRecord;
  readonly types: readonly PasswordActivityType[];
  /** Who asked; undefined for sign-on, imports and other callers without an actor. */
  readonly actor: Actor | undefined;
}

/**
 * What a password write records: the operation's own types, then what the record change shows (a
 * counted failure is `PASSWORD.CHECK_FAILED`, a lockout starting is `USER.LOCKED`, as in directory
 * §4.3). Only the user's id, name and population: never a value.
 */
export function passwordActivityInputs(change: PasswordChange): ActivityInput[] {
  const { user, before, after } = change;
  const types = [...change.types];
  if (
    after.failedAttempts > before.failedAttempts ||
    (after.lockedAt !== undefined && before.lockedAt === undefined)
  )
    types.push('PASSWORD.CHECK_FAILED');
  if (after.lockedAt !== undefined && before.lockedAt === undefined) types.push('USER.LOCKED');
  return types.map((type) => ({
    environmentId: user.environmentId,
    type,
    actor: change.actor,
    resources: [userResource(user)],
    status: type === 'PASSWORD.CHECK_FAILED' ? 'FAILED' : 'SUCCESS',
  }));
}

/** Records a password write's activities inside its transaction. */
export async function recordPasswordActivities(trx: Db, now: number, change: PasswordChange): Promise<void> {
  for (const input of passwordActivityInputs(change)) await recordActivity(trx, now, input);
}
