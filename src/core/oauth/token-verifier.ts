import { checkJwtRules, JWT_VERIFY_RULES } from '../tokens/jwt-rules.js';
import { compactVerify, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Store } from '../../db/store.js';
import type { Clock } from '../shared/clock.js';
import { hashSecret } from '../shared/secrets.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import { OAuthError } from '../tokens/tokens.service.js';
import * as repo from './oauth.repository.js';

/** Introspection's answer (RFC 7662 §2.2): inactive, or active with the token's claims. */
export type Introspection =
  { readonly active: false } | ({ readonly active: true } & Record<string, unknown>);

/**
 * Reads back what the authorization server signed: access tokens (with the jti deny-list and the
 * grant's revocation), ID token hints (expired ones too, reference §7.2) and refresh tokens.
 */
export function createTokenVerifier(deps: {
  readonly store: Store;
  readonly clock: Clock;
  readonly keys: SigningKeys;
  readonly issuerOf: (environmentId: string) => string;
}) {
  const { store, clock, keys, issuerOf } = deps;

  /** The environment's key for a token, or undefined when it names another environment's key. */
  async function keyFor(environmentId: string, token: string) {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return undefined;
    }
    const key = kid ? await keys.byKid(kid) : undefined;
    return key && key.environmentId === environmentId ? key : undefined;
  }

  /** A signed, unexpired, unrevoked access token of the environment, or undefined. */
  async function verifyAccessToken(environmentId: string, token: string): Promise<JWTPayload | undefined> {
    const key = await keyFor(environmentId, token);
    if (!key) return undefined;
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, key.publicKey, {
        ...JWT_VERIFY_RULES,
        algorithms: ['RS256'],
        issuer: issuerOf(environmentId),
        currentDate: new Date(clock.now()),
        requiredClaims: ['jti', 'exp', 'client_id'],
      });
      checkJwtRules(verified.protectedHeader, verified.payload, clock.now());
      payload = verified.payload;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return undefined;
      throw error;
    }
    if (await repo.accessTokenRevoked(store.db, payload.jti!)) return undefined;
    return payload;
  }

  return {
    verifyAccessToken,

    /**
     * An ID token this environment signed, expired or not (sign-off accepts expired hints);
     * undefined when the signature or issuer is wrong.
     */
    async verifyIdTokenHint(environmentId: string, token: string): Promise<JWTPayload | undefined> {
      const key = await keyFor(environmentId, token);
      if (!key) return undefined;
      try {
        const { payload } = await compactVerify(token, key.publicKey, { algorithms: ['RS256'] });
        const claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
        return claims.iss === issuerOf(environmentId) && typeof claims.sub === 'string' ? claims : undefined;
      } catch (error) {
        if (error instanceof joseErrors.JOSEError || error instanceof SyntaxError) return undefined;
        throw error;
      }
    },

    /**
     * RFC 7662. Access tokens of the environment are described to any authenticated client of it
     * (resource servers introspect other clients' tokens); refresh tokens only to their client.
     */
    async introspect(
      client: { readonly id: string; readonly environmentId: string },
      token: string,
      hint: string | undefined,
    ): Promise<Introspection> {
      const asAccess = async (): Promise<Introspection | undefined> => {
        const claims = await verifyAccessToken(client.environmentId, token);
        return claims ? { active: true, token_type: 'Bearer', ...claims } : undefined;
      };
      const asRefresh = async (): Promise<Introspection | undefined> => {
        const record = await repo.findRefreshToken(store.db, hashSecret(token));
        if (!record || record.applicationId !== client.id || record.environmentId !== client.environmentId) {
          return undefined;
        }
        const grant = await repo.findGrant(store.db, record.grantId);
        const now = clock.now();
        if (
          !grant ||
          grant.revokedAt !== undefined ||
          record.expiresAt <= now ||
          record.usedAt !== undefined
        ) {
          return undefined;
        }
        return {
          active: true,
          token_type: 'refresh_token',
          client_id: record.applicationId,
          sub: grant.userId,
          scope: grant.scopes.join(' '),
          iat: Math.floor(record.createdAt / 1000),
          exp: Math.floor(record.expiresAt / 1000),
          iss: issuerOf(client.environmentId),
          ...(grant.sessionId !== undefined ? { sid: grant.sessionId } : {}),
        };
      };
      const order = hint === 'refresh_token' ? [asRefresh, asAccess] : [asAccess, asRefresh];
      for (const attempt of order) {
        const found = await attempt();
        if (found) return found;
      }
      return { active: false };
    },

    /**
     * RFC 7009 for an access token: its jti joins the deny-list until the token would expire.
     * False when the text is not an access token of the environment.
     */
    async revokeAccessToken(
      client: { readonly id: string; readonly environmentId: string },
      token: string,
    ): Promise<boolean> {
      const claims = await verifyAccessToken(client.environmentId, token);
      if (!claims) return false;
      if (claims.client_id !== client.id) {
        throw new OAuthError('unauthorized_client', 'The token was issued to another client');
      }
      const now = clock.now();
      await repo.recordAccessToken(
        store.db,
        {
          jti: claims.jti!,
          environmentId: client.environmentId,
          grantId: undefined,
          expiresAt: claims.exp! * 1000,
        },
        now,
      );
      return true;
    },
  };
}
