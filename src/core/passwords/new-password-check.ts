import type { Db } from '../../db/schema.js';
import type { PasswordPolicy } from '../password-policies/password-policy.js';
import type { Clock } from '../shared/clock.js';
import type { User } from '../users/user.js';
import { parseEncoded } from './encodings.js';
import type { Hasher } from './hashing.js';
import { DAY_MS, profileValues } from './password-state.js';
import { HISTORY_KEPT, listHistory, type PasswordRecord } from './passwords.repository.js';
import {
  CURRENT_VIOLATION,
  evaluatePolicy,
  HISTORY_VIOLATION,
  policyViolation,
  type PolicyViolation,
} from './policy-evaluation.js';

/** What a new password is checked against. */
export interface CheckTarget {
  readonly user: User;
  readonly policy: PasswordPolicy | undefined;
  readonly record: PasswordRecord;
}

/**
 * Checks of a new password: the policy (pure, in policy-evaluation.ts) and the rules that need
 * the stored hashes (not the current password, `history`). Made per operation (its hasher is
 * the caller's); the common-passwords set, built once (tens of milliseconds), is the service's.
 */
export function createNewPasswordCheck(deps: {
  db: () => Db;
  clock: Clock;
  hasher: Hasher;
  /** The service's loader (commonPasswordsLoader): one set for every operation. */
  commonPasswords: () => ReadonlySet<string>;
}) {
  const { clock, hasher, commonPasswords } = deps;

  /** Policy violations of a cleartext that need no stored hash. */
  const policyViolations = (
    policy: PasswordPolicy | undefined,
    user: User,
    plain: string,
    current?: string,
  ) =>
    policy
      ? evaluatePolicy(policy.rules, plain, {
          commonPasswords: commonPasswords(),
          profileValues: profileValues(user),
          currentPassword: current,
        })
      : [];

  /**
   * Throws the policy violation of `plain`: the policy (when `policy`), then the always-on "not
   * the current password" and `history` (verified against stored hashes).
   */
  async function check(
    target: CheckTarget,
    plain: string,
    options: { target: 'password' | 'newPassword'; policy: boolean; currentPassword?: string },
  ): Promise<void> {
    const { policy, record, user } = target;
    const violations: PolicyViolation[] = options.policy
      ? policyViolations(policy, user, plain, options.currentPassword)
      : [];
    // Always on, whatever the policy (PingOne: "cannot be disabled").
    const sameAsCurrent =
      options.currentPassword !== undefined
        ? options.currentPassword === plain
        : record.hash !== undefined && (await hasher.verify(record.hash, plain)).match;
    if (sameAsCurrent) violations.push(CURRENT_VIOLATION);
    else if (options.policy && policy?.rules.history?.count !== undefined) {
      const { count, retentionDays } = policy.rules.history;
      const since = retentionDays !== undefined ? clock.now() - retentionDays * DAY_MS : -Infinity;
      const entries = (await listHistory(deps.db(), user.id, Math.min(count, HISTORY_KEPT))).filter(
        (h) => h.retiredAt >= since,
      );
      for (const entry of entries) {
        if ((await hasher.verify(entry.hash, plain)).match) {
          violations.push(HISTORY_VIOLATION);
          break;
        }
      }
    }
    if (violations.length > 0) throw policyViolation(options.target, violations);
  }

  return {
    check,

    /** Encodes a value for storage: a pre-encoded value as is (no policy), cleartext checked then hashed. */
    async encodeForSet(target: CheckTarget, value: string, checkPolicy: boolean): Promise<string> {
      const encoded = parseEncoded(value, 'password');
      if (encoded) return encoded.value;
      if (checkPolicy) await check(target, value, { target: 'password', policy: true });
      return hasher.hash(value);
    },

    /** Encodes an imported value: pre-encoded as is, cleartext checked against the policy (no history yet). */
    async encodeForImport(
      policy: PasswordPolicy | undefined,
      user: User,
      value: string,
      bypassPolicy: boolean,
    ): Promise<string> {
      const encoded = parseEncoded(value, 'password');
      if (encoded) return encoded.value;
      if (!bypassPolicy) {
        const violations = policyViolations(policy, user, value);
        if (violations.length > 0) throw policyViolation('password', violations);
      }
      return hasher.hash(value);
    },
  };
}
