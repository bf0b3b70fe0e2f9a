import { SignJWT } from 'jose';
import type { Environment } from '../environments/environment.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import type { User } from '../users/user.js';
import { leftHalfHash, profileClaims } from './claims.js';
import type { OAuthGrant } from './grant.js';

/** ID tokens live an hour, as PingOne's do (reference §3.5, CAP). */
export const ID_TOKEN_TTL_SECONDS = 3600;

export interface MintedAccessToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresAt: number;
  readonly expiresIn: number;
}

/**
 * Signs the user tokens of a grant (reference §3.4–3.5) with the environment's RS256 key, the
 * same key (and `kid`) the JWKS publishes and worker tokens use.
 */
export function createTokenMinter(deps: {
  readonly clock: Clock;
  readonly keys: SigningKeys;
  /** The PingOne API audience: tokens for it carry `env` and `org` (reference §10 #15). */
  readonly platformAudience: string;
}) {
  const { clock, keys, platformAudience } = deps;
  const seconds = (ms: number) => Math.floor(ms / 1000);

  return {
    async accessToken(input: {
      readonly issuer: string;
      readonly environment: Environment;
      readonly grant: OAuthGrant;
      readonly ttlSeconds: number;
    }): Promise<MintedAccessToken> {
      const { grant, environment } = input;
      const key = await keys.forEnvironment(environment.id);
      const issuedAt = seconds(clock.now());
      const jti = newId();
      const token = await new SignJWT({
        client_id: grant.applicationId,
        scope: grant.scopes.join(' '),
        ...(grant.sessionId !== undefined ? { sid: grant.sessionId } : {}),
        auth_time: seconds(grant.authTime),
        ...(grant.acr !== undefined ? { acr: grant.acr } : {}),
        ...(grant.audience.includes(platformAudience)
          ? { env: environment.id, org: environment.organizationId }
          : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(input.issuer)
        .setSubject(grant.userId)
        .setAudience([...grant.audience])
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + input.ttlSeconds)
        .setJti(jti)
        .sign(key.privateKey);
      return {
        token,
        jti,
        expiresAt: (issuedAt + input.ttlSeconds) * 1000,
        expiresIn: input.ttlSeconds,
      };
    },

    /**
     * The ID token: `at_hash` when an access token goes with it, `c_hash` when a code does (OIDC
     * Core §3.3.2.11), `nonce` when the authorization request had one.
     */
    async idToken(input: {
      readonly issuer: string;
      readonly environment: Environment;
      readonly grant: OAuthGrant;
      readonly user: User;
      readonly nonce?: string | undefined;
      readonly accessToken?: string | undefined;
      readonly code?: string | undefined;
    }): Promise<string> {
      const { grant, environment } = input;
      const key = await keys.forEnvironment(environment.id);
      const issuedAt = seconds(clock.now());
      return new SignJWT({
        ...profileClaims(input.user, grant.scopes),
        ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
        auth_time: seconds(grant.authTime),
        ...(grant.acr !== undefined ? { acr: grant.acr } : {}),
        amr: [...grant.amr],
        ...(grant.sessionId !== undefined ? { sid: grant.sessionId } : {}),
        ...(input.accessToken !== undefined ? { at_hash: leftHalfHash(input.accessToken) } : {}),
        ...(input.code !== undefined ? { c_hash: leftHalfHash(input.code) } : {}),
        env: environment.id,
        org: environment.organizationId,
      })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(input.issuer)
        .setSubject(grant.userId)
        .setAudience(grant.applicationId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ID_TOKEN_TTL_SECONDS)
        .setJti(newId())
        .sign(key.privateKey);
    },
  };
}

export type TokenMinter = ReturnType<typeof createTokenMinter>;
