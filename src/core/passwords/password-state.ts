import type { PasswordPolicy } from '../password-policies/password-policy.js';
import type { JsonValue } from '../shared/json.js';
import type { User } from '../users/user.js';
import type { PasswordState, PasswordStatus } from './password.js';
import type { PasswordRecord } from './passwords.repository.js';

/**
 * The password state machine: pure functions from a stored record, the effective policy and
 * the current instant to the next record or the state to report. No store, no hashing.
 */

export const DAY_MS = 86_400_000;
/** The expiry warning appears this long before a password expires. */
export const EXPIRY_WARNING_MS = 21 * DAY_MS;

export const isLocked = (r: PasswordRecord, now: number): boolean =>
  r.lockedAt !== undefined && (r.unlockAt === undefined || r.unlockAt > now);

/** A lockout whose duration has passed is over: the record reads as unlocked with no failures. */
export function normalize(r: PasswordRecord, now: number): PasswordRecord {
  if (r.lockedAt !== undefined && r.unlockAt !== undefined && r.unlockAt <= now) {
    return { ...r, lockedAt: undefined, unlockAt: undefined, failedAttempts: 0 };
  }
  return r;
}

export function statusOf(r: PasswordRecord, policy: PasswordPolicy | undefined, now: number): PasswordStatus {
  if (r.hash === undefined) return 'NO_PASSWORD';
  if (isLocked(r, now)) return 'PASSWORD_LOCKED_OUT';
  if (r.mustChange) return 'MUST_CHANGE_PASSWORD';
  const maxAge = policy?.rules.maxAgeDays;
  if (maxAge !== undefined && r.lastChangedAt !== undefined && now >= r.lastChangedAt + maxAge * DAY_MS) {
    return 'PASSWORD_EXPIRED';
  }
  return 'OK';
}

/** Whole seconds until an automatic unlock, or undefined when the lock has no end. */
export const secondsUntilUnlock = (r: PasswordRecord, now: number): number | undefined =>
  r.unlockAt === undefined ? undefined : Math.max(0, Math.ceil((r.unlockAt - now) / 1000));

export function stateOf(
  user: User,
  r: PasswordRecord,
  policy: PasswordPolicy | undefined,
  now: number,
): PasswordState {
  const status = statusOf(r, policy, now);
  const failureCount = policy?.rules.lockout?.failureCount;
  const maxAge = policy?.rules.maxAgeDays;
  const expiresAt =
    maxAge !== undefined && r.lastChangedAt !== undefined ? r.lastChangedAt + maxAge * DAY_MS : undefined;
  return {
    environmentId: user.environmentId,
    userId: user.id,
    policy,
    status,
    lastChangedAt: r.hash !== undefined ? r.lastChangedAt : undefined,
    secondsUntilUnlock: status === 'PASSWORD_LOCKED_OUT' ? secondsUntilUnlock(r, now) : undefined,
    failuresRemaining:
      failureCount !== undefined && r.failedAttempts > 0 && status !== 'PASSWORD_LOCKED_OUT'
        ? Math.max(0, failureCount - r.failedAttempts)
        : undefined,
    expiresAt:
      expiresAt !== undefined &&
      status !== 'NO_PASSWORD' &&
      expiresAt > now &&
      expiresAt - now < EXPIRY_WARNING_MS
        ? expiresAt
        : undefined,
  };
}

/** A record after a new password (or none) replaced the current one; the old hash joins the history. */
export function withNewHash(
  r: PasswordRecord,
  hash: string | undefined,
  mustChange: boolean,
  now: number,
): PasswordRecord {
  return {
    ...r,
    hash,
    mustChange: hash !== undefined && mustChange,
    lastChangedAt: hash !== undefined ? now : undefined,
    failedAttempts: 0,
    lockedAt: undefined,
    unlockAt: undefined,
    recoveryCodeHash: undefined,
    recoveryExpiresAt: undefined,
  };
}

/** Counts a failed attempt; the attempt reaching `lockout.failureCount` locks the password. */
export function withFailure(
  r: PasswordRecord,
  policy: PasswordPolicy | undefined,
  now: number,
): { record: PasswordRecord; remaining: number | undefined } {
  const failureCount = policy?.rules.lockout?.failureCount;
  const failures = r.failedAttempts + 1;
  if (failureCount === undefined) return { record: { ...r, failedAttempts: failures }, remaining: undefined };
  if (failures >= failureCount) {
    const duration = policy?.rules.lockout?.durationSeconds;
    return {
      record: {
        ...r,
        failedAttempts: failures,
        lockedAt: now,
        unlockAt: duration !== undefined ? now + duration * 1000 : undefined,
      },
      remaining: 0,
    };
  }
  return { record: { ...r, failedAttempts: failures }, remaining: failureCount - failures };
}

/** Ends a password lockout and forgets counted failures (an account lock is separate). */
export const withoutLockout = (r: PasswordRecord): PasswordRecord => ({
  ...r,
  failedAttempts: 0,
  lockedAt: undefined,
  unlockAt: undefined,
});

/** True while `minAgeDays` forbids a self change (not when a change is required or overdue). */
export function isTooYoung(r: PasswordRecord, policy: PasswordPolicy | undefined, now: number): boolean {
  const minAge = policy?.rules.minAgeDays;
  return (
    minAge !== undefined &&
    statusOf(r, policy, now) === 'OK' &&
    r.lastChangedAt !== undefined &&
    now < r.lastChangedAt + minAge * DAY_MS
  );
}

/** Every string in the user's entry, for excludesProfileData. */
export function profileValues(user: User): string[] {
  const out: string[] = [user.username];
  if (user.email) out.push(user.email);
  const walk = (value: JsonValue | undefined): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(user.profile);
  return out;
}
