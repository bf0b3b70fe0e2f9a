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

/** Tessera's codes for password rules and states ASP.NET Identity has no code for. */
const OWN: Record<string, (message: string) => IdentityError> = {
  history: (m) => ({ code: 'PasswordRecentlyUsed', description: m }),
  excludesCommonlyUsed: (m) => ({ code: 'PasswordTooCommon', description: m }),
  excludesProfileData: (m) => ({ code: 'PasswordContainsUserData', description: m }),
  notSimilarToCurrent: (m) => ({ code: 'PasswordTooSimilar', description: m }),
  maxRepeatedCharacters: (m) => ({ code: 'PasswordRepeatedChars', description: m }),
  minComplexity: (m) => ({ code: 'PasswordTooSimple', description: m }),
  alphabetSequenceRule: (m) => ({ code: 'PasswordContainsSequence', description: m }),
  numberSequenceRule: (m) => ({ code: 'PasswordContainsSequence', description: m }),
  qwertySequenceRule: (m) => ({ code: 'PasswordContainsSequence', description: m }),
  shiftedNumberRowSequenceRule: (m) => ({ code: 'PasswordContainsSequence', description: m }),
  minAgeDays: (m) => ({ code: 'PasswordChangedTooRecently', description: m }),
  lockout: (m) => ({ code: 'UserLockedOut', description: m }),
};

interface Violation {
  readonly rule: string;
  readonly message: string;
  readonly set?: string;
  readonly min?: number;
  readonly max?: number;
  readonly minimum?: number;
}

const number = (text: string): number | undefined => {
  const match = /(\d+)(?!.*\d)/.exec(text);
  return match ? Number(match[1]) : undefined;
};

/** The character set a minCharacters violation names (given, or read back from PingOne's message). */
function characterSet(v: Violation): string | undefined {
  if (v.set) return v.set;
  const quoted = /character set '([^']*)'/.exec(v.message)?.[1];
  return quoted === undefined ? undefined : [...quoted].reverse().join('');
}

/** One failed password policy rule → the ASP.NET Identity error (or Tessera's own). */
export function passwordRuleError(v: Violation): IdentityError {
  switch (v.rule) {
    case 'length': {
      const longer = /longer|maximum/.test(v.message);
      const limit = (longer ? v.max : v.min) ?? number(v.message) ?? 0;
      return longer
        ? { code: 'PasswordTooLong', description: `Passwords must be at most ${limit} characters.` }
        : describe.passwordTooShort(limit);
    }
    case 'minUniqueCharacters':
      return describe.passwordRequiresUniqueChars(v.minimum ?? number(v.message) ?? 0);
    case 'minCharacters': {
      const set = characterSet(v);
      if (set === UPPER) return describe.passwordRequiresUpper();
      if (set === LOWER) return describe.passwordRequiresLower();
      if (set === DIGITS || set === DIGITS_ALT) return describe.passwordRequiresDigit();
      if (set === SPECIAL) return describe.passwordRequiresNonAlphanumeric();
      return { code: 'PasswordRequiresCharacters', description: v.message };
    }
    default:
      return (OWN[v.rule] ?? ((m: string) => ({ code: 'PasswordPolicyViolation', description: m })))(
        v.message,
      );
  }
}

function isViolation(value: unknown): value is Violation {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Violation).rule === 'string' &&
    typeof (value as Violation).message === 'string'
  );
}

/**
 * The IdentityResult errors a domain error stands for, or undefined when it is not an identity
 * failure (then it is answered as ProblemDetails).
 */
export function identityErrorsOf(error: DomainError): IdentityError[] | undefined {
  switch (error.facts.reason) {
    // A user without a password cannot prove the old one either (ASP.NET answers the same).
    case 'WRONG_CURRENT_PASSWORD':
    case 'NO_PASSWORD':
      return [describe.passwordMismatch()];
    case 'PASSWORD_LOCKED_OUT':
      return [{ code: 'UserLockedOut', description: 'User account locked out.' }];
    case 'PASSWORD_TOO_YOUNG':
      return [
        {
          code: 'PasswordChangedTooRecently',
          description: 'The password cannot be changed yet because it was changed too recently.',
        },
      ];
    default:
      break;
  }
  const out: IdentityError[] = [];
  const violations = error.facts.violations;
  if (Array.isArray(violations)) {
    for (const v of violations.filter(isViolation)) {
      const mapped = passwordRuleError(v);
      // One entry per failed rule; two violations of one rule (e.g. history) give one error.
      if (!out.some((e) => e.code === mapped.code && e.description === mapped.description)) out.push(mapped);
    }
  }
  for (const detail of error.details) {
    const value = typeof detail.innerError?.value === 'string' ? detail.innerError.value : '';
    if (detail.code === 'UNIQUENESS_VIOLATION' && detail.target === 'username')
      out.push(describe.duplicateUserName(value));
    else if (detail.code === 'UNIQUENESS_VIOLATION' && detail.target === 'email')
      out.push(describe.duplicateEmail(value));
  }
  return out.length > 0 ? out : undefined;
}

/** identityErrorsOf for anything thrown. */
export function identityErrorsFromUnknown(error: unknown): IdentityError[] | undefined {
  return error instanceof DomainError ? identityErrorsOf(error) : undefined;
}
