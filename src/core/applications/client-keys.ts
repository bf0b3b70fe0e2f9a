import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Application, ApplicationCredentials } from './application.js';

/** Algorithms a client signs with its secret (client assertions, request objects). */
export const CLIENT_HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
/** Algorithms a client signs with a key from its `jwks` or `jwksUrl`. */
export const CLIENT_KEY_ALGORITHMS = [
  ...['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
] as const;

/** The application's public keys: its inline `jwks`, else its `jwksUrl`, else none. */
export function clientKeySet(
  application: Pick<Application, 'jwks' | 'jwksUrl'>,
  remoteKeySet: (url: string) => JWTVerifyGetKey,
): JWTVerifyGetKey | undefined {
  if (application.jwks) return createLocalJWKSet(JSON.parse(application.jwks) as JSONWebKeySet);
  return application.jwksUrl ? remoteKeySet(application.jwksUrl) : undefined;
}

/** Whether the secret replaced by the last rotation is still accepted at `now`. */
export const previousSecretValid = (credentials: ApplicationCredentials, now: number): boolean =>
  credentials.previous !== undefined && credentials.previous.expiresAt > now;
