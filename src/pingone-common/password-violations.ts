import type { PolicyViolation, SequenceRule } from '../core/passwords/policy-violation.js';
import type { PasswordTarget } from '../core/shared/errors.js';

const reverse = (text: string) => [...text].reverse().join('');

const SEQUENCE_WORDS: Record<SequenceRule, string> = {
  alphabetSequenceRule: 'sequential letters',
  numberSequenceRule: 'sequential digits',
  qwertySequenceRule: 'adjacent keyboard keys',
  shiftedNumberRowSequenceRule: 'adjacent shifted number-row keys',
};

/** PingOne's message for one failed password-policy rule. */
export function violationMessage(v: PolicyViolation): string {
  switch (v.rule) {
    case 'minCharacters':
      // PingOne names the set reversed (as its directory stores it).
      return `The provided password did not contain enough characters from the character set '${reverse(v.characterSet)}'.  The minimum number of characters from that set that must be present in user passwords is ${v.minimum}`;
    case 'excludesCommonlyUsed':
      return 'The provided password (or a variant of that password) was found in a list of prohibited passwords';
    case 'length':
      return v.bound === 'min'
        ? `The provided password is shorter than the minimum required length of ${v.limit} characters`
        : `The provided password is longer than the maximum allowed length of ${v.limit} characters`;
    case 'maxRepeatedCharacters':
      return `The provided password is not acceptable because it contains a character repeated more than ${v.maximum} times in a row`;
    case 'minUniqueCharacters':
      return `The provided password does not contain enough unique characters.  The minimum number of unique characters that may appear in a user password is ${v.minimum}`;
    case 'excludesProfileData':
      return 'The provided password matches the value of an attribute in the user entry';
    case 'notSimilarToCurrent':
      return 'The provided new password is too similar to the current password';
    case 'minComplexity':
      return `The provided password is not complex enough.  It must take at least ${v.days} days to guess by brute force`;
    case 'history':
      return v.found === 'current'
        ? 'The provided new password cannot be the same as the current password'
        : 'The provided new password was found in the password history for the user';
    default:
      return `The provided password contains more than ${v.maxLength} ${SEQUENCE_WORDS[v.rule]} in a row`;
  }
}

/**
 * PingOne's policy-violation detail: one detail whose innerError lists every failed rule (with
 * repeats) and one message per rule (the last one wins, as JSON keys are unique). In a sign-on
 * flow the code is PASSWORD_REQUIREMENTS_NOT_MET.
 */
export function policyViolationDetail(
  target: PasswordTarget,
  violations: readonly PolicyViolation[],
  inFlow: boolean,
) {
  const messages: Record<string, string> = {};
  for (const v of violations) messages[v.rule] = violationMessage(v);
  return {
    code: inFlow ? 'PASSWORD_REQUIREMENTS_NOT_MET' : 'INVALID_VALUE',
    target,
    message:
      target === 'password'
        ? 'User password did not satisfy password policy requirements'
        : 'New password did not satisfy password policy requirements',
    innerError: { unsatisfiedRequirements: violations.map((v) => v.rule), ...messages },
  };
}
