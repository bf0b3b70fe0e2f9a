/**
 * A PingOne password policy. Every rule is optional: a rule is enforced only when its property
 * is present (booleans only when true). The rules are kept as sent, so reads echo them back.
 */
export interface PolicyRules {
  readonly excludesCommonlyUsed?: boolean | undefined;
  readonly excludesProfileData?: boolean | undefined;
  readonly notSimilarToCurrent?: boolean | undefined;
  readonly history?: { readonly count?: number; readonly retentionDays?: number } | undefined;
  readonly length?: { readonly min?: number; readonly max?: number } | undefined;
  readonly lockout?: { readonly failureCount?: number; readonly durationSeconds?: number } | undefined;
  readonly maxAgeDays?: number | undefined;
  readonly minAgeDays?: number | undefined;
  readonly maxRepeatedCharacters?: number | undefined;
  readonly minUniqueCharacters?: number | undefined;
  readonly minComplexity?: number | undefined;
  /** Character set (as sent, e.g. "0123456789") → minimum count from that set. */
  readonly minCharacters?: Readonly<Record<string, number>> | undefined;
  readonly alphabetSequenceRule?: { readonly maxLength: number } | undefined;
  readonly numberSequenceRule?: { readonly maxLength: number } | undefined;
  readonly qwertySequenceRule?: { readonly maxLength: number } | undefined;
  readonly shiftedNumberRowSequenceRule?: { readonly maxLength: number } | undefined;
}

export const RULE_NAMES = [
  'excludesCommonlyUsed',
  'excludesProfileData',
  'notSimilarToCurrent',
  'history',
  'length',
  'lockout',
  'maxAgeDays',
  'minAgeDays',
  'maxRepeatedCharacters',
  'minUniqueCharacters',
  'minComplexity',
  'minCharacters',
  'alphabetSequenceRule',
  'numberSequenceRule',
  'qwertySequenceRule',
  'shiftedNumberRowSequenceRule',
] as const satisfies readonly (keyof PolicyRules)[];

export interface PasswordPolicy {
  readonly id: string;
  readonly environmentId: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly isDefault: boolean;
  readonly rules: PolicyRules;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PasswordPolicyInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly isDefault?: boolean | undefined;
  readonly rules: PolicyRules;
}

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
/** One Ping docs example spells the digit set this way; both are accepted and echoed as sent. */
export const DIGITS_ALT = '1234567890';
export const SPECIAL = '~!@#$%^&*()-_=+[]{}|;:,.<>/?';
export const CHARACTER_SETS = [SPECIAL, DIGITS, DIGITS_ALT, UPPER, LOWER] as const;

/** Standard, exactly as PingOne creates it (reference §5.4). */
export const STANDARD_POLICY: PasswordPolicyInput = {
  name: 'Standard',
  description: 'A standard policy that incorporates industry best practices',
  isDefault: true,
  rules: {
    excludesProfileData: true,
    notSimilarToCurrent: true,
    excludesCommonlyUsed: true,
    maxAgeDays: 182,
    minAgeDays: 1,
    maxRepeatedCharacters: 2,
    minUniqueCharacters: 5,
    history: { count: 6, retentionDays: 365 },
    lockout: { failureCount: 5, durationSeconds: 900 },
    length: { min: 8, max: 255 },
    minCharacters: { [SPECIAL]: 1, [DIGITS]: 1, [UPPER]: 1, [LOWER]: 1 },
  },
};

/**
 * Passphrase and Basic: the rules follow the admin guide's comparison table; their exact JSON
 * was never captured, so the details (lockout duration, history) are our choice (docs/passwords.md).
 */
export const PASSPHRASE_POLICY: PasswordPolicyInput = {
  name: 'Passphrase',
  description: 'A policy that encourages the use of passphrases',
  isDefault: false,
  rules: {
    excludesProfileData: true,
    notSimilarToCurrent: true,
    excludesCommonlyUsed: true,
    minComplexity: 7,
    maxAgeDays: 182,
    minAgeDays: 1,
    history: { count: 6, retentionDays: 365 },
    lockout: { failureCount: 5, durationSeconds: 900 },
  },
};

export const BASIC_POLICY: PasswordPolicyInput = {
  name: 'Basic',
  description: 'A basic policy that requires users to have a password that is at least eight characters long',
  isDefault: false,
  rules: {
    excludesProfileData: false,
    notSimilarToCurrent: false,
    excludesCommonlyUsed: true,
    lockout: { failureCount: 5, durationSeconds: 900 },
    length: { min: 8, max: 255 },
    minCharacters: { [SPECIAL]: 1, [DIGITS]: 1, [UPPER]: 1, [LOWER]: 1 },
  },
};

export const BUILT_IN_POLICIES = [STANDARD_POLICY, PASSPHRASE_POLICY, BASIC_POLICY] as const;
