import { checkCustomValue } from '../schemas/attribute-values.js';
import type { SchemaAttribute } from '../schemas/schema.js';
import type { ErrorDetail } from '../shared/errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../shared/json.js';

/**
 * The standard profile attributes of a PingOne user (reference §3.1) and their constraints.
 * They are stored, in wire shape, in the user's `profile` document with the custom attributes.
 */
type Rule = (value: JsonValue) => string | undefined;

/**
 * The length in code points (what the limits count), like `[...value].length` without building
 * an array of one string per character on every checked value: UTF-16 units less surrogate pairs.
 */
function codePoints(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length - 1; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = value.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) {
      count -= 1;
      i += 1;
    }
  }
  return count;
}

const text =
  (
    min: number,
    max: number,
    pattern?: RegExp,
    patternMessage = 'contains characters that are not allowed',
  ): Rule =>
  (value) => {
    if (typeof value !== 'string') return 'must be a string';
    const length = codePoints(value);
    if (length < min || length > max) return `must be between ${min} and ${max} characters long`;
    if (pattern && !pattern.test(value)) return patternMessage;
    return undefined;
  };

const NAME_CHARS = /^[\p{L}\p{M}\p{N}'. -]+$/u;
const URL_PATTERN = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
// IANA names such as "America/Los_Angeles", "America/Argentina/Buenos_Aires", "UTC".
const TIMEZONE = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/;

const SCALARS: Readonly<Record<string, Rule>> = {
  nickname: text(1, 256),
  title: text(1, 256),
  type: text(1, 256),
  locale: text(1, 256),
  preferredLanguage: text(1, 256),
  timezone: text(1, 256, TIMEZONE, 'must be a time zone name such as America/Los_Angeles'),
  primaryPhone: text(1, 32),
  mobilePhone: text(0, 32),
  externalId: text(1, 1024),
  accountId: text(1, 1024),
};

/** Objects whose members PATCH merges one by one (`{"name":{"given":"x"}}` keeps `family`). */
const OBJECTS: Readonly<Record<string, Readonly<Record<string, Rule>>>> = {
  name: {
    formatted: text(1, 256, NAME_CHARS),
    given: text(1, 256),
    middle: text(1, 256),
    family: text(1, 256, NAME_CHARS),
    honorificPrefix: text(1, 256),
    honorificSuffix: text(1, 256),
  },
  address: {
    streetAddress: text(1, 256),
    locality: text(1, 256),
    region: text(1, 256),
    postalCode: text(1, 40),
    countryCode: text(2, 2, /^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code'),
  },
  photo: { href: text(1, 2048, URL_PATTERN, 'must be an http or https URL') },
};

/** Attribute names no custom attribute may take (built-in, server-managed or reserved). */
export const RESERVED_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set(
  [
    ...Object.keys(SCALARS),
    ...Object.keys(OBJECTS),
    'id',
    'environment',
    'population',
    'username',
    'email',
    'emailVerified',
    'enabled',
    'mfaEnabled',
    'account',
    'lifecycle',
    'identityProvider',
    'verifyStatus',
    'lastSignOn',
    'memberOfGroupIDs',
    'memberOfGroupNames',
    'password',
    'createdAt',
    'updatedAt',
    'externalId',
    '_links',
    '_embedded',
  ].map((n) => n.toLowerCase()),
);

export const requiredValue = (target: string): ErrorDetail => ({
  code: 'required_value',
  target,
  message: `${target} is required`,
});

/** Filterable paths of the standard profile (for `GET /users?filter=`). */
export const PROFILE_FILTER_PATHS: readonly string[] = [
  ...Object.keys(SCALARS),
  ...Object.entries(OBJECTS).flatMap(([name, members]) => Object.keys(members).map((m) => `${name}.${m}`)),
];

const invalid = (target: string, message: string): ErrorDetail => ({
  code: 'invalid_value',
  target,
  message,
});

/**
 * Checks the profile attributes a request gives (null = clear). Unknown attributes, wrong types
 * and constraint violations are all reported together.
 */
export function checkProfileChanges(given: JsonObject, custom: readonly SchemaAttribute[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const customByName = new Map(custom.map((a) => [a.name, a]));
  for (const [key, value] of Object.entries(given)) {
    if (value === null) continue;
    const scalar = SCALARS[key];
    const members = OBJECTS[key];
    const attribute = customByName.get(key);
    if (scalar) {
      const problem = scalar(value);
      if (problem) details.push(invalid(key, problem));
    } else if (members) {
      if (!isJsonObject(value)) {
        details.push(invalid(key, 'must be an object'));
        continue;
      }
      for (const [member, memberValue] of Object.entries(value)) {
        const rule = members[member];
        if (!rule) details.push(invalid(`${key}.${member}`, `${member} is not a supported attribute`));
        else if (memberValue !== null) {
          const problem = rule(memberValue);
          if (problem) details.push(invalid(`${key}.${member}`, problem));
        }
      }
    } else if (attribute) {
      const problem = checkCustomValue(attribute, value);
      if (problem) details.push(problem);
    } else {
      details.push(invalid(key, `${key} is not a supported attribute`));
    }
  }
  return details;
}

const withoutNulls = (object: JsonObject): JsonObject =>
  Object.fromEntries(Object.entries(object).filter(([, v]) => v !== null));

/**
 * The profile after a change. `replace` (PUT) keeps only what was given; `merge` (PATCH) changes
 * only what was given and merges the standard objects member by member. Null clears in both;
 * an object left empty disappears (PingOne leaves unset values out).
 */
export function applyProfileChanges(
  current: JsonObject,
  given: JsonObject,
  mode: 'replace' | 'merge',
): JsonObject {
  const next: JsonObject = mode === 'replace' ? {} : { ...current };
  for (const [key, value] of Object.entries(given)) {
    if (value === null) {
      delete next[key];
      continue;
    }
    const existing = next[key];
    const merged =
      key in OBJECTS && isJsonObject(value)
        ? withoutNulls(mode === 'merge' && isJsonObject(existing) ? { ...existing, ...value } : value)
        : value;
    if (isJsonObject(merged) && key in OBJECTS && Object.keys(merged).length === 0) delete next[key];
    else next[key] = merged;
  }
  return next;
}

/** `photo` needs its `href`: a photo object without one is refused. */
export function checkProfileShape(profile: JsonObject): ErrorDetail[] {
  const photo = profile.photo;
  if (isJsonObject(photo) && typeof photo.href !== 'string') {
    return [{ code: 'required_value', target: 'photo.href', message: 'photo.href is required' }];
  }
  return [];
}

const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\.]+$/u;

export function checkEmail(email: unknown): ErrorDetail | undefined {
  if (typeof email !== 'string' || !EMAIL.test(email) || email.length > 320) {
    return invalid('email', 'must be a well-formed email address');
  }
  return undefined;
}

// Letters, marks, spaces, symbols, numbers and punctuation: everything but control characters.
const USERNAME_CHARS = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]+$/u;

export function checkUsername(username: unknown): ErrorDetail | undefined {
  if (typeof username !== 'string') return invalid('username', 'must be a string');
  const length = codePoints(username);
  if (length < 1 || length > 128) return invalid('username', 'must be between 1 and 128 characters long');
  if (!USERNAME_CHARS.test(username)) return invalid('username', 'contains characters that are not allowed');
  return undefined;
}
