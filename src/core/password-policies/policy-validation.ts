import { invalidData, type ErrorDetail } from '../shared/errors.js';
import { CHARACTER_SETS, type PolicyRules } from './password-policy.js';

/** Loosely typed rules as they arrive (numbers may be floats; PingOne truncates them). */
export type RawRules = { readonly [K in keyof PolicyRules]?: unknown };

interface Range {
  readonly min: number;
  readonly max: number;
}

/**
 * Normalises and range-checks the rules of a policy: floats are truncated, every problem is
 * reported at once as INVALID_VALUE details with PingOne's range keys in innerError.
 */
export function normalizeRules(raw: RawRules): PolicyRules {
  const details: ErrorDetail[] = [];
  const num = (target: string, value: unknown, range: Range): number | undefined => {
    if (value === undefined || value === null) return undefined;
    const n = typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : NaN;
    if (Number.isNaN(n) || n < range.min || n > range.max) {
      details.push({
        code: 'invalid_value',
        target,
        message: `${target} must be between ${range.min} and ${range.max}`,
        innerError: { rangeMinimumValue: range.min, rangeMaximumValue: range.max },
      });
      return undefined;
    }
    return n;
  };
  const bool = (value: unknown) => (typeof value === 'boolean' ? value : undefined);
  const obj = (value: unknown): Record<string, unknown> | undefined =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  const BIG = 1_000_000;

  const rules: { -readonly [K in keyof PolicyRules]: PolicyRules[K] } = {};
  for (const name of ['excludesCommonlyUsed', 'excludesProfileData', 'notSimilarToCurrent'] as const) {
    const value = bool(raw[name]);
    if (value !== undefined) rules[name] = value;
  }
  const length = obj(raw.length);
  if (length) {
    const min = num('length.min', length.min ?? 8, { min: 8, max: 32 });
    const max = num('length.max', length.max ?? 255, { min: Math.max(min ?? 8, 8), max: 255 });
    rules.length = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  const history = obj(raw.history);
  if (history) {
    const count = num('history.count', history.count, { min: 1, max: 20 });
    const retentionDays = num('history.retentionDays', history.retentionDays, { min: 1, max: 3650 });
    rules.history = {
      ...(count !== undefined ? { count } : {}),
      ...(retentionDays !== undefined ? { retentionDays } : {}),
    };
  }
  const lockout = obj(raw.lockout);
  if (lockout) {
    const failureCount = num('lockout.failureCount', lockout.failureCount, { min: 1, max: 100 });
    const durationSeconds = num('lockout.durationSeconds', lockout.durationSeconds, {
      min: 1,
      max: BIG * 100,
    });
    rules.lockout = {
      ...(failureCount !== undefined ? { failureCount } : {}),
      ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    };
  }
  const minAgeDays = num('minAgeDays', raw.minAgeDays, { min: 1, max: 998 });
  if (minAgeDays !== undefined) rules.minAgeDays = minAgeDays;
  const maxAgeDays = num('maxAgeDays', raw.maxAgeDays, { min: 1, max: 1000 });
  if (maxAgeDays !== undefined) {
    // The expiry warning starts 21 days before expiry; it must not overlap the minimum age.
    if (minAgeDays !== undefined && maxAgeDays <= minAgeDays + 21) {
      details.push({
        code: 'invalid_value',
        target: 'maxAgeDays',
        message: `maxAgeDays must be greater than minAgeDays + 21 (${minAgeDays + 21})`,
        innerError: { rangeMinimumValue: minAgeDays + 22 },
      });
    } else rules.maxAgeDays = maxAgeDays;
  }
  for (const [name, range] of [
    ['maxRepeatedCharacters', { min: 1, max: 255 }],
    ['minUniqueCharacters', { min: 1, max: 255 }],
    ['minComplexity', { min: 1, max: BIG }],
  ] as const) {
    const value = num(name, raw[name], range);
    if (value !== undefined) rules[name] = value;
  }
  const minCharacters = obj(raw.minCharacters);
  if (minCharacters) {
    const sets: Record<string, number> = {};
    for (const [set, count] of Object.entries(minCharacters)) {
      if (!(CHARACTER_SETS as readonly string[]).includes(set)) {
        details.push({
          code: 'invalid_value',
          target: 'minCharacters',
          message: `The character set '${set}' is not supported`,
          innerError: { allowedValues: CHARACTER_SETS.filter((s) => s !== '1234567890') },
        });
        continue;
      }
      const value = num(`minCharacters.${set}`, count, { min: 0, max: 32 });
      if (value !== undefined) sets[set] = value;
    }
    rules.minCharacters = sets;
  }
  for (const [name, range] of [
    ['alphabetSequenceRule', { min: 2, max: 3 }],
    ['numberSequenceRule', { min: 2, max: 3 }],
    ['qwertySequenceRule', { min: 3, max: 3 }],
    ['shiftedNumberRowSequenceRule', { min: 3, max: 3 }],
  ] as const) {
    const rule = obj(raw[name]);
    if (!rule) continue;
    const maxLength = num(`${name}.maxLength`, rule.maxLength, range);
    if (maxLength !== undefined) rules[name] = { maxLength };
  }
  if (details.length > 0) throw invalidData(details);
  return rules;
}
