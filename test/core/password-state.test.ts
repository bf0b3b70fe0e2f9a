import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PasswordPolicy, PolicyRules } from '../../src/core/password-policies/password-policy.js';
import {
  DAY_MS,
  isTooYoung,
  normalize,
  profileValues,
  stateOf,
  statusOf,
  withFailure,
  withNewHash,
  withoutLockout,
} from '../../src/core/passwords/password-state.js';
import { emptyRecord, type PasswordRecord } from '../../src/core/passwords/passwords.repository.js';
import {
  canonicalRecoveryCode,
  newRecoveryCode,
  usableRecoveryCodeHash,
} from '../../src/core/passwords/recovery-codes.js';
import type { User } from '../../src/core/users/user.js';

// The password state machine, without a store: records in, records and states out.
const NOW = 1_700_000_000_000;
const policy = (rules: PolicyRules): PasswordPolicy => ({
  id: 'p',
  environmentId: 'e',
  name: 'p',
  description: undefined,
  isDefault: true,
  rules,
  createdAt: 0,
  updatedAt: 0,
});
const user: User = {
  id: 'u',
  environmentId: 'e',
  populationId: 'pop',
  username: 'ada',
  email: 'ada@example.com',
  enabled: true,
  mfaEnabled: false,
  emailVerified: false,
  lifecycleStatus: 'ACCOUNT_OK',
  verifyStatus: 'NOT_INITIATED',
  account: { locked: false },
  identityProvider: { type: 'PING_ONE' },
  profile: { name: { given: 'Ada', family: 'Lovelace' }, nicknames: ['Countess'] },
  lastSignOnAt: undefined,
  createdAt: 0,
  updatedAt: 0,
  revision: 1,
};
const withPassword: PasswordRecord = withNewHash(emptyRecord('u', 'e'), '$argon2id$x', false, NOW);
const lockout = policy({ lockout: { failureCount: 3, durationSeconds: 60 } });

describe('password state machine (pure)', () => {
  it('reads NO_PASSWORD, OK, MUST_CHANGE_PASSWORD and PASSWORD_EXPIRED from the record and policy', () => {
    assert.equal(statusOf(emptyRecord('u', 'e'), undefined, NOW), 'NO_PASSWORD');
    assert.equal(statusOf(withPassword, undefined, NOW), 'OK');
    assert.equal(statusOf({ ...withPassword, mustChange: true }, undefined, NOW), 'MUST_CHANGE_PASSWORD');
    const maxAge = policy({ maxAgeDays: 30 });
    assert.equal(statusOf(withPassword, maxAge, NOW + 30 * DAY_MS - 1), 'OK');
    assert.equal(statusOf(withPassword, maxAge, NOW + 30 * DAY_MS), 'PASSWORD_EXPIRED');
  });

  it('counts failures and locks on the attempt reaching failureCount, for durationSeconds', () => {
    const first = withFailure(withPassword, lockout, NOW);
    assert.equal(first.remaining, 2);
    assert.equal(first.record.failedAttempts, 1);
    const third = withFailure(withFailure(first.record, lockout, NOW).record, lockout, NOW);
    assert.equal(third.remaining, 0);
    assert.equal(third.record.lockedAt, NOW);
    assert.equal(third.record.unlockAt, NOW + 60_000);
    assert.equal(statusOf(third.record, lockout, NOW), 'PASSWORD_LOCKED_OUT');
    const state = stateOf(user, third.record, lockout, NOW + 1_500);
    assert.equal(state.secondsUntilUnlock, 59);
    assert.equal(state.failuresRemaining, undefined);
  });

  it('ends an expired lockout on read and forgets the failures', () => {
    const locked = withFailure({ ...withPassword, failedAttempts: 2 }, lockout, NOW).record;
    assert.deepEqual(normalize(locked, NOW + 59_999), locked);
    const later = normalize(locked, NOW + 60_000);
    assert.equal(later.lockedAt, undefined);
    assert.equal(later.failedAttempts, 0);
    assert.equal(statusOf(later, lockout, NOW + 60_000), 'OK');
  });

  it('never counts toward a lockout without a lockout rule, and an admin unlock clears failures', () => {
    const failed = withFailure(withPassword, undefined, NOW);
    assert.equal(failed.remaining, undefined);
    assert.equal(failed.record.lockedAt, undefined);
    assert.deepEqual(withoutLockout(failed.record), { ...failed.record, failedAttempts: 0 });
  });

  it('warns of expiry within 21 days and reports remaining failures only after one', () => {
    const maxAge = policy({ maxAgeDays: 30, lockout: { failureCount: 5 } });
    assert.equal(stateOf(user, withPassword, maxAge, NOW).expiresAt, undefined);
    assert.equal(stateOf(user, withPassword, maxAge, NOW + 10 * DAY_MS).expiresAt, NOW + 30 * DAY_MS);
    assert.equal(stateOf(user, withPassword, maxAge, NOW).failuresRemaining, undefined);
    const once = withFailure(withPassword, maxAge, NOW).record;
    assert.equal(stateOf(user, once, maxAge, NOW).failuresRemaining, 4);
  });

  it('applies minAgeDays to a password in use only', () => {
    const young = policy({ minAgeDays: 1 });
    assert.equal(isTooYoung(withPassword, young, NOW + DAY_MS - 1), true);
    assert.equal(isTooYoung(withPassword, young, NOW + DAY_MS), false);
    assert.equal(isTooYoung({ ...withPassword, mustChange: true }, young, NOW), false);
    assert.equal(isTooYoung(withPassword, undefined, NOW), false);
  });

  it('a new hash clears failures, the lockout and a pending recovery code', () => {
    const busy: PasswordRecord = {
      ...withPassword,
      failedAttempts: 2,
      lockedAt: NOW,
      unlockAt: undefined,
      recoveryCodeHash: 'h',
      recoveryExpiresAt: NOW + 1,
    };
    const next = withNewHash(busy, 'new', true, NOW + 5);
    assert.equal(next.hash, 'new');
    assert.equal(next.mustChange, true);
    assert.equal(next.lastChangedAt, NOW + 5);
    assert.equal(next.failedAttempts, 0);
    assert.equal(next.lockedAt, undefined);
    assert.equal(next.recoveryCodeHash, undefined);
    const removed = withNewHash(busy, undefined, true, NOW);
    assert.equal(removed.mustChange, false);
    assert.equal(removed.lastChangedAt, undefined);
  });

  it('collects every string of the profile for excludesProfileData', () => {
    assert.deepEqual(profileValues(user), ['ada', 'ada@example.com', 'Ada', 'Lovelace', 'Countess']);
  });

  it('makes 8-character alphanumeric recovery codes, usable until they expire', () => {
    const code = newRecoveryCode();
    assert.match(code, /^[A-Z0-9]{8}$/);
    assert.equal(canonicalRecoveryCode(' ab12cd34 '), 'AB12CD34');
    const pending = { ...withPassword, recoveryCodeHash: 'h', recoveryExpiresAt: NOW + 1 };
    assert.equal(usableRecoveryCodeHash(pending, NOW), 'h');
    assert.equal(usableRecoveryCodeHash(pending, NOW + 1), undefined);
    assert.equal(usableRecoveryCodeHash(withPassword, NOW), undefined);
  });
});
