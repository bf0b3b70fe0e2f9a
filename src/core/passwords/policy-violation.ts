/** The sequence rules of a password policy, each limiting one kind of run of characters. */
export type SequenceRule =
  'alphabetSequenceRule' | 'numberSequenceRule' | 'qwertySequenceRule' | 'shiftedNumberRowSequenceRule';

/**
 * One failed password-policy rule with the limits it failed against, so each face words it
 * itself (PingOne: src/pingone-common/password-violations.ts, UiPath: src/uipath/identity-errors.ts).
 */
export type PolicyViolation =
  | {
      readonly rule: 'minCharacters';
      /** The policy's character set, as configured. */
      readonly characterSet: string;
      readonly minimum: number;
    }
  | { readonly rule: 'excludesCommonlyUsed' }
  | { readonly rule: 'length'; readonly bound: 'min' | 'max'; readonly limit: number }
  | { readonly rule: 'maxRepeatedCharacters'; readonly maximum: number }
  | { readonly rule: 'minUniqueCharacters'; readonly minimum: number }
  | { readonly rule: 'excludesProfileData' }
  | { readonly rule: 'notSimilarToCurrent' }
  | { readonly rule: 'minComplexity'; readonly days: number }
  | { readonly rule: SequenceRule; readonly maxLength: number }
  /** The password is in the user's history, or (`current`) is the current password. */
  | { readonly rule: 'history'; readonly found: 'history' | 'current' };

export type PolicyRule = PolicyViolation['rule'];
