import { createHash } from 'node:crypto';
import { constantTimeEquals } from '../shared/secrets.js';
import type { JsonObject, JsonValue } from '../shared/json.js';
import type { User } from '../users/user.js';

/** The OpenID Connect scopes (reference §3.6); `openid` itself releases only `sub`. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'address', 'phone'] as const;
export const OFFLINE_ACCESS = 'offline_access';

const text = (value: JsonValue | undefined): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const objectOf = (value: JsonValue | undefined): JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};

/**
 * The user's standard claims released by `scopes`, per the default attribute mapping of
 * reference §3.6 (`phone_number` is `primaryPhone`, falling back to `mobilePhone`). Empty
 * attributes are omitted, as PingOne omits non-required empty mappings.
 */
export function profileClaims(user: User, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const put = (name: string, value: unknown) => {
    if (value !== undefined) claims[name] = value;
  };
  const profile = user.profile;
  if (scopes.includes('profile')) {
    const name = objectOf(profile.name);
    put('name', text(name.formatted));
    put('given_name', text(name.given));
    put('family_name', text(name.family));
    put('middle_name', text(name.middle));
    put('preferred_username', user.username);
    put('nickname', text(profile.nickname));
    put('picture', text(objectOf(profile.photo).href));
    put('zoneinfo', text(profile.timezone));
    put('locale', text(profile.locale));
    put('updated_at', Math.floor(user.updatedAt / 1000));
  }
  if (scopes.includes('email') && user.email !== undefined) {
    put('email', user.email);
    put('email_verified', user.emailVerified);
  }
  if (scopes.includes('address')) {
    const address = objectOf(profile.address);
    const parts = {
      street_address: text(address.streetAddress),
      locality: text(address.locality),
      region: text(address.region),
      postal_code: text(address.postalCode),
      country: text(address.countryCode),
    };
    const present = Object.entries(parts).filter(([, v]) => v !== undefined);
    if (present.length > 0) {
      const formatted = [parts.street_address, parts.locality, parts.region, parts.postal_code, parts.country]
        .filter((v) => v !== undefined)
        .join(', ');
      put('address', { ...Object.fromEntries(present), formatted });
    }
  }
  if (scopes.includes('phone')) {
    const phone = text(profile.primaryPhone) ?? text(profile.mobilePhone);
    if (phone !== undefined) {
      put('phone_number', phone);
      put('phone_number_verified', false);
    }
  }
  return claims;
}

/**
 * OIDC Core §3.1.3.6 / §3.3.2.11: the base64url of the left half of the SHA-256 of the ASCII
 * value (RS256 tokens), used for `at_hash` and `c_hash`.
 */
export function leftHalfHash(value: string): string {
  const digest = createHash('sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** RFC 7636 §4.6: whether a code_verifier matches the challenge made at authorize. */
export function pkceMatches(verifier: string, challenge: string, method: 'S256' | 'plain'): boolean {
  const derived =
    method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  return constantTimeEquals(derived, challenge);
}

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
export const VERIFIER_SYNTAX = /^[A-Za-z0-9\-._~]{43,128}$/;
