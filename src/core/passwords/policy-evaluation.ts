import { distance } from 'fastest-levenshtein';
import type { PolicyRules } from '../password-policies/password-policy.js';
import { DomainError, type PasswordTarget } from '../shared/errors.js';
import type { PolicyViolation, SequenceRule } from './policy-violation.js';

export type { PolicyViolation } from './policy-violation.js';

export interface EvaluationContext {
  /** Lower-cased common passwords (loaded once per service). */
  readonly commonPasswords: ReadonlySet<string>;
  /** Every string value of the user's profile (username, email, name parts...). */
  readonly profileValues: readonly string[];
  /** The current cleartext, known only on a self change (for notSimilarToCurrent). */
  readonly currentPassword?: string | undefined;
}

/** Guesses per second of Gibson's "offline fast attack" scenario, the basis of minComplexity. */
const GUESSES_PER_SECOND = 1e11;
/** The rows each sequence rule walks; `fold`: letters count whatever their case. */
const SEQUENCES: Record<SequenceRule, { readonly rows: readonly string[]; readonly fold: boolean }> = {
  alphabetSequenceRule: { rows: ['abcdefghijklmnopqrstuvwxyz'], fold: true },
  numberSequenceRule: { rows: ['0123456789'], fold: false },
  qwertySequenceRule: { rows: ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'], fold: true },
  shiftedNumberRowSequenceRule: { rows: ['!@#$%^&*()'], fold: false },
};

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
): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const chars = [...password];
  if (rules.minCharacters) {
    for (const [set, minimum] of Object.entries(rules.minCharacters)) {
      if (chars.filter((c) => set.includes(c)).length < minimum) {
        out.push({ rule: 'minCharacters', characterSet: set, minimum });
      }
    }
  }
  if (rules.excludesCommonlyUsed && isCommon(password, context.commonPasswords)) {
    out.push({ rule: 'excludesCommonlyUsed' });
  }
  if (rules.length) {
    const { min, max } = rules.length;
    if (min !== undefined && chars.length < min) {
      out.push({ rule: 'length', bound: 'min', limit: min });
    } else if (max !== undefined && chars.length > max) {
      out.push({ rule: 'length', bound: 'max', limit: max });
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
      out.push({ rule: 'maxRepeatedCharacters', maximum: rules.maxRepeatedCharacters });
    }
  }
  if (rules.minUniqueCharacters !== undefined && new Set(chars).size < rules.minUniqueCharacters) {
    out.push({ rule: 'minUniqueCharacters', minimum: rules.minUniqueCharacters });
  }
  if (rules.excludesProfileData) {
    const lower = password.toLowerCase();
    if (context.profileValues.some((v) => v.length > 0 && v.toLowerCase() === lower)) {
      out.push({ rule: 'excludesProfileData' });
    }
  }
  if (
    rules.notSimilarToCurrent &&
    context.currentPassword !== undefined &&
    context.currentPassword !== password
  ) {
    if (distance(context.currentPassword, password) < 3) {
      out.push({ rule: 'notSimilarToCurrent' });
    }
  }
  if (rules.minComplexity !== undefined && haystackDays(password) < rules.minComplexity) {
    out.push({ rule: 'minComplexity', days: rules.minComplexity });
  }
  for (const [rule, sequence] of Object.entries(SEQUENCES) as [
    SequenceRule,
    (typeof SEQUENCES)[SequenceRule],
  ][]) {
    const limit = rules[rule]?.maxLength;
    if (limit === undefined) continue;
    const folded = sequence.fold ? chars.map((c) => c.toLowerCase()) : chars;
    if (longestSequence(folded, sequence.rows) > limit) {
      out.push({ rule, maxLength: limit });
    }
  }
  return out;
}

export const HISTORY_VIOLATION: PolicyViolation = { rule: 'history', found: 'history' };
export const CURRENT_VIOLATION: PolicyViolation = { rule: 'history', found: 'current' };

/** A new password refused by its policy; `facts.violations` lists every failed rule. */
export function policyViolation(
  target: PasswordTarget,
  violations: readonly PolicyViolation[],
  inFlow = false,
): DomainError {
  return new DomainError('invalid_data', [], { reason: 'password_policy', target, violations, inFlow });
}
