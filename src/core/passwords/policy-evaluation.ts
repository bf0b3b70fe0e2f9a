import { distance } from 'fastest-levenshtein';
import type { PolicyRules } from '../password-policies/password-policy.js';
import { DomainError, MESSAGES } from '../shared/errors.js';

/** One failed rule: the policy property name and PingOne's message for it. */
export interface Violation {
  readonly rule: string;
  readonly message: string;
}

export interface EvaluationContext {
  /** Lower-cased common passwords (loaded once per service). */
  readonly commonPasswords: ReadonlySet<string>;
  /** Every string value of the user's profile (username, email, name parts...). */
  readonly profileValues: readonly string[];
  /** The current cleartext, known only on a self change (for notSimilarToCurrent). */
  readonly currentPassword?: string | undefined;
}

const reverse = (text: string) => [...text].reverse().join('');

/** Guesses per second of Gibson's "offline fast attack" scenario, the basis of minComplexity. */
const GUESSES_PER_SECOND = 1e11;
const SEQUENCES = {
  alphabetSequenceRule: { rows: ['abcdefghijklmnopqrstuvwxyz'], what: 'sequential letters', fold: true },
  numberSequenceRule: { rows: ['0123456789'], what: 'sequential digits', fold: false },
  qwertySequenceRule: {
    rows: ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'],
    what: 'adjacent keyboard keys',
    fold: true,
  },
  shiftedNumberRowSequenceRule: {
    rows: ['!@#$%^&*()'],
    what: 'adjacent shifted number-row keys',
    fold: false,
  },
} as const;

/** Longest run of characters that follow each other (either direction) in one of `rows`. */
export function longestSequence(chars: readonly string[], rows: readonly string[]): number {
  let best = chars.length > 0 ? 1 : 0;
  for (const row of rows) {
    for (const step of [1, -1]) {
      let run = 1;
      for (let i = 1; i < chars.length; i += 1) {
        const a = row.indexOf(chars[i - 1]!);
        const b = row.indexOf(chars[i]!);
        run = a >= 0 && b >= 0 && b - a === step ? run + 1 : 1;
        best = Math.max(best, run);
      }
    }
  }
  return best;
}

/** Days an offline attack needs to search the password's "haystack" (Gibson's measure). */
export function haystackDays(password: string): number {
  const chars = [...password];
  let alphabet = 0;
  if (chars.some((c) => /[a-z]/.test(c))) alphabet += 26;
  if (chars.some((c) => /[A-Z]/.test(c))) alphabet += 26;
  if (chars.some((c) => /[0-9]/.test(c))) alphabet += 10;
  if (chars.some((c) => /[^a-zA-Z0-9]/.test(c))) alphabet += 33;
  let space = 0;
  for (let i = 1; i <= chars.length; i += 1) space += alphabet ** i;
  return space / GUESSES_PER_SECOND / 86_400;
}

/** True when the password (or a simple variant of it) is in the common-password list. */
export function isCommon(password: string, common: ReadonlySet<string>): boolean {
  const lower = password.toLowerCase();
  if (common.has(lower)) return true;
  // "Password1!" is a variant of "password": strip trailing digits and symbols.
  const stem = lower.replace(/[^a-z]+$/, '');
  return stem.length >= 5 && stem !== lower && common.has(stem);
}

/**
 * Evaluates every rule present in the policy, in the order PingOne reports them. `history` and
 * "equal to current" need stored hashes and are checked by the service.
 */
export function evaluatePolicy(
  rules: PolicyRules,
  password: string,
  context: EvaluationContext,
): Violation[] {
  const out: Violation[] = [];
  const chars = [...password];
  if (rules.minCharacters) {
    for (const [set, minimum] of Object.entries(rules.minCharacters)) {
      if (chars.filter((c) => set.includes(c)).length < minimum) {
        out.push({
          rule: 'minCharacters',
          message: `The provided password did not contain enough characters from the character set '${reverse(set)}'.  The minimum number of characters from that set that must be present in user passwords is ${minimum}`,
        });
      }
    }
  }
  if (rules.excludesCommonlyUsed && isCommon(password, context.commonPasswords)) {
    out.push({
      rule: 'excludesCommonlyUsed',
      message:
        'The provided password (or a variant of that password) was found in a list of prohibited passwords',
    });
  }
  if (rules.length) {
    const { min, max } = rules.length;
    if (min !== undefined && chars.length < min) {
      out.push({
        rule: 'length',
        message: `The provided password is shorter than the minimum required length of ${min} characters`,
      });
    } else if (max !== undefined && chars.length > max) {
      out.push({
        rule: 'length',
        message: `The provided password is longer than the maximum allowed length of ${max} characters`,
      });
    }
  }
  if (rules.maxRepeatedCharacters !== undefined) {
    let run = 0;
    let worst = 0;
    chars.forEach((c, i) => {
      run = i > 0 && chars[i - 1] === c ? run + 1 : 1;
      worst = Math.max(worst, run);
    });
    if (worst > rules.maxRepeatedCharacters) {
      out.push({
        rule: 'maxRepeatedCharacters',
        message: `The provided password is not acceptable because it contains a character repeated more than ${rules.maxRepeatedCharacters} times in a row`,
      });
    }
  }
  if (rules.minUniqueCharacters !== undefined && new Set(chars).size < rules.minUniqueCharacters) {
    out.push({
      rule: 'minUniqueCharacters',
      message: `The provided password does not contain enough unique characters.  The minimum number of unique characters that may appear in a user password is ${rules.minUniqueCharacters}`,
    });
  }
  if (rules.excludesProfileData) {
    const lower = password.toLowerCase();
    if (context.profileValues.some((v) => v.length > 0 && v.toLowerCase() === lower)) {
      out.push({
        rule: 'excludesProfileData',
        message: 'The provided password matches the value of an attribute in the user entry',
      });
    }
  }
  if (
    rules.notSimilarToCurrent &&
    context.currentPassword !== undefined &&
    context.currentPassword !== password
  ) {
    if (distance(context.currentPassword, password) < 3) {
      out.push({
        rule: 'notSimilarToCurrent',
        message: 'The provided new password is too similar to the current password',
      });
    }
  }
  if (rules.minComplexity !== undefined && haystackDays(password) < rules.minComplexity) {
    out.push({
      rule: 'minComplexity',
      message: `The provided password is not complex enough.  It must take at least ${rules.minComplexity} days to guess by brute force`,
    });
  }
  for (const [rule, sequence] of Object.entries(SEQUENCES) as [
    keyof typeof SEQUENCES,
    (typeof SEQUENCES)[keyof typeof SEQUENCES],
  ][]) {
    const limit = rules[rule]?.maxLength;
    if (limit === undefined) continue;
    const folded = sequence.fold ? chars.map((c) => c.toLowerCase()) : chars;
    if (longestSequence(folded, sequence.rows) > limit) {
      out.push({
        rule,
        message: `The provided password contains more than ${limit} ${sequence.what} in a row`,
      });
    }
  }
  return out;
}

export const HISTORY_VIOLATION: Violation = {
  rule: 'history',
  message: 'The provided new password was found in the password history for the user',
};
export const CURRENT_VIOLATION: Violation = {
  rule: 'history',
  message: 'The provided new password cannot be the same as the current password',
};

/**
 * PingOne's policy-violation body: one INVALID_VALUE detail whose innerError lists every failed
 * rule (with repeats) and one message per rule (the last one wins, as JSON keys are unique).
 * `facts.violations` keeps them all for faces that render differently.
 */
export function policyViolation(
  target: 'password' | 'newPassword',
  violations: readonly Violation[],
): DomainError {
  const messages: Record<string, string> = {};
  for (const v of violations) messages[v.rule] = v.message;
  return new DomainError(
    'invalid_data',
    MESSAGES.invalidData,
    [
      {
        code: 'INVALID_VALUE',
        target,
        message:
          target === 'password'
            ? 'User password did not satisfy password policy requirements'
            : 'New password did not satisfy password policy requirements',
        innerError: { unsatisfiedRequirements: violations.map((v) => v.rule), ...messages },
      },
    ],
    { reason: 'PASSWORD_POLICY', violations: violations.map((v) => ({ rule: v.rule, message: v.message })) },
  );
}
