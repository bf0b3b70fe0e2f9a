import { errors as joseErrors, type JWTHeaderParameters, type JWTPayload } from 'jose';

/**
 * What every JWT Tessera accepts must satisfy beyond its signature (RFC 8725 §3.11, RFC 7519):
 * an expiry, `iat`/`nbf` not in the future beyond a small leeway, a known `typ`. Unknown `crit`
 * extensions are refused by jose itself (RFC 7515 §4.1.11).
 */
export const CLOCK_LEEWAY_SECONDS = 30;

/** `typ` values Tessera issues or accepts (compared case-insensitively, `application/` optional). */
const KNOWN_TYPES = new Set(['jwt', 'at+jwt', 'oauth-authz-req+jwt', 'client-authentication+jwt']);

/** jwtVerify options shared by every verification: leeway on nbf (exp is re-checked exactly). */
export const JWT_VERIFY_RULES = { clockTolerance: CLOCK_LEEWAY_SECONDS } as const;

/**
 * Checks a verified token's header and claims; throws jose's claim error (so callers keep one
 * catch) when `exp` is missing, `iat` is in the future, or `typ` is unknown.
 */
export function checkJwtRules(header: JWTHeaderParameters, payload: JWTPayload, nowMs: number): void {
  const typ = header.typ?.toLowerCase().replace(/^application\//, '');
  if (typ !== undefined && !KNOWN_TYPES.has(typ)) {
    throw new joseErrors.JWTClaimValidationFailed('unexpected "typ" header', payload, 'typ', 'check_failed');
  }
  if (typeof payload.exp !== 'number') {
    throw new joseErrors.JWTClaimValidationFailed('missing required "exp" claim', payload, 'exp', 'missing');
  }
  // The leeway is for clocks a little ahead (iat, nbf); expiry itself stays exact.
  if (payload.exp * 1000 <= nowMs) {
    throw new joseErrors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
  }
  const now = Math.floor(nowMs / 1000);
  if (payload.iat !== undefined && payload.iat > now + CLOCK_LEEWAY_SECONDS) {
    throw new joseErrors.JWTClaimValidationFailed('"iat" is in the future', payload, 'iat', 'check_failed');
  }
}
