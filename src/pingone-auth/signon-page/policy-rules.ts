import type { FlowPasswordPolicy, PingOneErrorEnvelope } from './flow-json.js';

/** A password-policy rule as a person reads it: one line per rule. */
export interface RuleText {
  readonly rule: string;
  readonly text: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const only = (set: string, test: RegExp) => [...set].every((c) => test.test(c));

/** Names a character set by what it holds; an unusual set is shown as its characters. */
function characterSetText(set: string, n: number): string {
  if (only(set, /[A-Z]/)) return plural(n, 'uppercase letter (A–Z)', 'uppercase letters (A–Z)');
  if (only(set, /[a-z]/)) return plural(n, 'lowercase letter (a–z)', 'lowercase letters (a–z)');
  if (only(set, /[0-9]/)) return plural(n, 'digit (0–9)', 'digits (0–9)');
  if (only(set, /[^A-Za-z0-9]/)) return `${plural(n, 'special character', 'special characters')} (${set})`;
  return `${plural(n, 'character', 'characters')} from “${set}”`;
}

/** Every rule of the policy that limits what a new password may be, in the order PingOne checks them. */
export function describePolicy(policy: FlowPasswordPolicy | undefined): RuleText[] {
  if (!policy) return [];
  const out: RuleText[] = [];
  const { min, max } = policy.length ?? {};
  if (min !== undefined && max !== undefined) {
    out.push({ rule: 'length', text: `Between ${min} and ${max} characters long` });
  } else if (min !== undefined) {
    out.push({ rule: 'length', text: `At least ${plural(min, 'character', 'characters')} long` });
  } else if (max !== undefined) {
    out.push({ rule: 'length', text: `At most ${plural(max, 'character', 'characters')} long` });
  }
  const sets = Object.entries(policy.minCharacters ?? {}).filter(([, n]) => n > 0);
  if (sets.length > 0) {
    const parts = sets.map(([set, n]) => characterSetText(set, n));
    out.push({ rule: 'minCharacters', text: `At least ${parts.join(', ')}` });
  }
  if (policy.maxRepeatedCharacters !== undefined) {
    const n = policy.maxRepeatedCharacters;
    out.push({
      rule: 'maxRepeatedCharacters',
      text: `No character repeated more than ${plural(n, 'time', 'times')} in a row`,
    });
  }
  if (policy.minUniqueCharacters !== undefined) {
    const n = policy.minUniqueCharacters;
    out.push({
      rule: 'minUniqueCharacters',
      text: `At least ${plural(n, 'different character', 'different characters')}`,
    });
  }
  if (policy.minComplexity !== undefined) {
    out.push({ rule: 'minComplexity', text: 'Hard to guess: a long passphrase works well' });
  }
  if (policy.excludesCommonlyUsed) {
    out.push({ rule: 'excludesCommonlyUsed', text: 'Not a commonly used password' });
  }
  if (policy.excludesProfileData) {
    out.push({ rule: 'excludesProfileData', text: 'Not the same as your username, email or name' });
  }
  if (policy.notSimilarToCurrent) {
    out.push({ rule: 'notSimilarToCurrent', text: 'Not too similar to your current password' });
  }
  if (policy.history?.count !== undefined) {
    const n = policy.history.count;
    out.push({ rule: 'history', text: `Not one of your last ${plural(n, 'password', 'passwords')}` });
  }
  const rules = [
    ['alphabetSequenceRule', 'sequential letter', 'abcd'],
    ['numberSequenceRule', 'sequential digit', '1234'],
    ['qwertySequenceRule', 'neighbouring keyboard key', 'qwer'],
    ['shiftedNumberRowSequenceRule', 'neighbouring shifted number key', '!@#$'],
  ] as const;
  for (const [rule, what, example] of rules) {
    const limit = policy[rule]?.maxLength;
    if (limit !== undefined) {
      out.push({ rule, text: `No more than ${plural(limit, what, `${what}s`)} in a row (like ${example})` });
    }
  }
  return out;
}

/** Generic wording for a rule the error names when the flow carries no policy to quote. */
const RULE_FALLBACK: Record<string, string> = {
  length: 'The password is too short or too long',
  minCharacters: 'The password needs more kinds of characters (uppercase, lowercase, digits, symbols)',
  maxRepeatedCharacters: 'The password repeats a character too many times in a row',
  minUniqueCharacters: 'The password needs more different characters',
  minComplexity: 'The password is too easy to guess',
  excludesCommonlyUsed: 'The password is too common',
  excludesProfileData: 'The password matches your username, email or name',
  notSimilarToCurrent: 'The password is too similar to your current password',
  history: 'The password was used recently',
  alphabetSequenceRule: 'The password has too many sequential letters',
  numberSequenceRule: 'The password has too many sequential digits',
  qwertySequenceRule: 'The password has too many neighbouring keyboard keys',
  shiftedNumberRowSequenceRule: 'The password has too many neighbouring shifted number keys',
};

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/**
 * The unmet rules of a "password requirements not met" error, in plain words. PingOne's detail
 * lists the failed rule names in `innerError.unsatisfiedRequirements` (with a message per rule);
 * a rule the policy describes is quoted from the policy, the others keep the server's words.
 * Returns undefined when the error is not a password-policy error.
 */
export function unmetRules(
  error: PingOneErrorEnvelope,
  policy: FlowPasswordPolicy | undefined,
): string[] | undefined {
  const details = error.details ?? [];
  const relevant = details.filter(
    (d) =>
      d.code === 'PASSWORD_REQUIREMENTS_NOT_MET' || strings(d.innerError?.unsatisfiedRequirements).length > 0,
  );
  if (relevant.length === 0) return undefined;
  const described = new Map(describePolicy(policy).map((r) => [r.rule, r.text]));
  const out: string[] = [];
  for (const detail of relevant) {
    const rules = [...new Set(strings(detail.innerError?.unsatisfiedRequirements))];
    if (rules.length === 0) {
      out.push(detail.message);
      continue;
    }
    for (const rule of rules) {
      const own = detail.innerError?.[rule];
      out.push(described.get(rule) ?? (typeof own === 'string' ? own : (RULE_FALLBACK[rule] ?? rule)));
    }
  }
  return [...new Set(out)];
}
