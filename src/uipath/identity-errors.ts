import type { PolicyViolation } from '../core/passwords/policy-violation.js';
import { DomainError } from '../core/shared/errors.js';

// The character sets of PingOne's minCharacters rule (as in core/password-policies).
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const DIGITS_ALT = '1234567890';
const SPECIAL = '~!@#$%^&*()-_=+[]{}|;:,.<>/?';

export interface IdentityError {
  readonly code: string;
  readonly description: string;
}

/**
 * ASP.NET Core Identity's `IdentityErrorDescriber` defaults (codes and English texts), plus
 * Tessera's own codes for rules ASP.NET has no code for (documented in docs/uipath.md).
 */
export const describe = {
  defaultError: (): IdentityError => ({
    code: 'DefaultError',
    description: 'An unknown failure has occurred.',
  }),
  passwordMismatch: (): IdentityError => ({ code: 'PasswordMismatch', description: 'Incorrect password.' }),
  invalidUserName: (name: string): IdentityError => ({
    code: 'InvalidUserName',
    description: `Username '${name}' is invalid, can only contain letters or digits.`,
  }),
  invalidEmail: (email: string): IdentityError => ({
    code: 'InvalidEmail',
    description: `Email '${email}' is invalid.`,
  }),
  duplicateUserName: (name: string): IdentityError => ({
    code: 'DuplicateUserName',
    description: `Username '${name}' is already taken.`,
  }),
  duplicateEmail: (email: string): IdentityError => ({
    code: 'DuplicateEmail',
    description: `Email '${email}' is already taken.`,
  }),
  passwordTooShort: (length: number): IdentityError => ({
    code: 'PasswordTooShort',
    description: `Passwords must be at least ${length} characters.`,
  }),
  passwordRequiresUniqueChars: (count: number): IdentityError => ({
    code: 'PasswordRequiresUniqueChars',
    description: `Passwords must use at least ${count} different characters.`,
  }),
  passwordRequiresNonAlphanumeric: (): IdentityError => ({
    code: 'PasswordRequiresNonAlphanumeric',
    description: 'Passwords must have at least one non alphanumeric character.',
  }),
  passwordRequiresDigit: (): IdentityError => ({
    code: 'PasswordRequiresDigit',
    description: "Passwords must have at least one digit ('0'-'9').",
  }),
  passwordRequiresLower: (): IdentityError => ({
    code: 'PasswordRequiresLower',
    description: "Passwords must have at least one lowercase ('a'-'z').",
  }),
  passwordRequiresUpper: (): IdentityError => ({
    code: 'PasswordRequiresUpper',
    description: "Passwords must have at least one uppercase ('A'-'Z').",
  }),
} as const;

/** ASP.NET's default `AllowedUserNameCharacters`. */
const USERNAME_CHARACTERS = /^[A-Za-z0-9\-._@+]+$/;
export const isValidUserName = (name: string): boolean => USERNAME_CHARACTERS.test(name);
/** Roughly ASP.NET's `EmailAddressAttribute`: one @, something on both sides. */
export const isValidEmail = (email: string): boolean => /^[^@\s]+@[^@\s]+$/.test(email);

/** Tessera's codes (and wording) for password rules ASP.NET Identity has no code for. */
const SEQUENCE = (limit: number, what: string): IdentityError => ({
  code: 'PasswordContainsSequence',
  description: `The provided password contains more than ${limit} ${what} in a row`,
});

/** One failed password policy rule → the ASP.NET Identity error (or Tessera's own). */
export function passwordRuleError(v: PolicyViolation): IdentityError {
  switch (v.rule) {
    case 'length':
      return v.bound === 'max'
        ? { code: 'PasswordTooLong', description: `Passwords must be at most ${v.limit} characters.` }
        : describe.passwordTooShort(v.limit);
    case 'minUniqueCharacters':
      return describe.passwordRequiresUniqueChars(v.minimum);
    case 'minCharacters': {
      const set = v.characterSet;
      if (set === UPPER) return describe.passwordRequiresUpper();
      if (set === LOWER) return describe.passwordRequiresLower();
      if (set === DIGITS || set === DIGITS_ALT) return describe.passwordRequiresDigit();
      if (set === SPECIAL) return describe.passwordRequiresNonAlphanumeric();
      return {
        code: 'PasswordRequiresCharacters',
        description: `The provided password did not contain enough characters from the character set '${[...set].reverse().join('')}'.  The minimum number of characters from that set that must be present in user passwords is ${v.minimum}`,
      };
    }
    case 'history':
      return {
        code: 'PasswordRecentlyUsed',
        description:
          v.found === 'current'
            ? 'The provided new password cannot be the same as the current password'
            : 'The provided new password was found in the password history for the user',
      };
    case 'excludesCommonlyUsed':
      return {
        code: 'PasswordTooCommon',
        description:
          'The provided password (or a variant of that password) was found in a list of prohibited passwords',
      };
    case 'excludesProfileData':
      return {
        code: 'PasswordContainsUserData',
        description: 'The provided password matches the value of an attribute in the user entry',
      };
    case 'notSimilarToCurrent':
      return {
        code: 'PasswordTooSimilar',
        description: 'The provided new password is too similar to the current password',
      };
    case 'maxRepeatedCharacters':
      return {
        code: 'PasswordRepeatedChars',
        description: `The provided password is not acceptable because it contains a character repeated more than ${v.maximum} times in a row`,
      };
    case 'minComplexity':
      return {
        code: 'PasswordTooSimple',
        description: `The provided password is not complex enough.  It must take at least ${v.days} days to guess by brute force`,
      };
    case 'alphabetSequenceRule':
      return SEQUENCE(v.maxLength, 'sequential letters');
    case 'numberSequenceRule':
      return SEQUENCE(v.maxLength, 'sequential digits');
    case 'qwertySequenceRule':
      return SEQUENCE(v.maxLength, 'adjacent keyboard keys');
    case 'shiftedNumberRowSequenceRule':
      return SEQUENCE(v.maxLength, 'adjacent shifted number-row keys');
  }
}

/**
 * The IdentityResult errors a domain error stands for, or undefined when it is not an identity
 * failure (then it is answered as ProblemDetails).
 */
export function identityErrorsOf(error: DomainError): IdentityError[] | undefined {
  const { facts } = error;
  switch (facts.reason) {
    // A user without a password cannot prove the old one either (ASP.NET answers the same).
    case 'wrong_password':
      return facts.target === 'currentPassword' ? [describe.passwordMismatch()] : undefined;
    case 'no_password':
      return [describe.passwordMismatch()];
    case 'password_locked_out':
      return [{ code: 'UserLockedOut', description: 'User account locked out.' }];
    case 'password_too_young':
      return [
        {
          code: 'PasswordChangedTooRecently',
          description: 'The password cannot be changed yet because it was changed too recently.',
        },
      ];
    case 'password_policy': {
      const out: IdentityError[] = [];
      for (const v of facts.violations) {
        const mapped = passwordRuleError(v);
        // One entry per failed rule; two violations of one rule (e.g. history) give one error.
        if (!out.some((e) => e.code === mapped.code && e.description === mapped.description))
          out.push(mapped);
      }
      return out;
    }
    case 'uniqueness':
      if (facts.target === 'username') return [describe.duplicateUserName('')];
      if (facts.target === 'email') return [describe.duplicateEmail('')];
      return undefined;
    default:
      break;
  }
  const out: IdentityError[] = [];
  for (const detail of error.details) {
    const value = typeof detail.innerError?.value === 'string' ? detail.innerError.value : '';
    if (detail.code === 'not_unique' && detail.target === 'username')
      out.push(describe.duplicateUserName(value));
    else if (detail.code === 'not_unique' && detail.target === 'email')
      out.push(describe.duplicateEmail(value));
  }
  return out.length > 0 ? out : undefined;
}

/** identityErrorsOf for anything thrown. */
export function identityErrorsFromUnknown(error: unknown): IdentityError[] | undefined {
  return error instanceof DomainError ? identityErrorsOf(error) : undefined;
}
