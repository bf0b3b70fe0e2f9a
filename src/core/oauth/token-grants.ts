import { randomBytes } from 'node:crypto';
import type { Store } from '../../db/store.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { hashSecret } from '../shared/secrets.js';
import { OAuthError } from '../tokens/tokens.service.js';
import { findUser } from '../users/users.repository.js';
import { OFFLINE_ACCESS, pkceMatches, VERIFIER_SYNTAX } from './claims.js';
import type { IssuedTokens, OAuthGrant } from './grant.js';
import * as repo from './oauth.repository.js';
import type { OAuthClient, SessionCheck } from './oauth.service.js';
import type { TokenMinter } from './token-minter.js';

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
const opaque = () => randomBytes(32).toString('base64url');

/**
 * The token endpoint's user grants (reference §3.3): single-use codes with PKCE, and rotating
 * refresh tokens with a grace period and replay detection. Every token issued from a grant checks
 * the grant, so revoking it ends them all.
 */
export function createTokenGrants(deps: {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly sessions: SessionCheck;
  readonly minter: TokenMinter;
  readonly issuerOf: (environmentId: string) => string;
}) {
  const { store, clock, environments, sessions, minter, issuerOf } = deps;

  async function activeUser(environmentId: string, userId: string) {
    const user = await findUser(store.db, environmentId, userId);
    if (!user || !user.enabled) throw invalidGrant('The user of this grant can no longer sign on');
    return user;
  }

  function wantsRefreshToken(client: OAuthClient, grant: OAuthGrant): boolean {
    return client.grantTypes.includes('REFRESH_TOKEN') || grant.scopes.includes(OFFLINE_ACCESS);
  }

  /** The refresh token's end: its own duration, within the rolling window since sign-on. */
  function refreshExpiry(client: OAuthClient, grant: OAuthGrant, now: number): number {
    return Math.min(
      now + client.refreshTokenDuration * 1000,
      grant.authTime + client.refreshTokenRollingDuration * 1000,
    );
  }

  /** Mints the token endpoint's answer for a grant; the caller stores it in its transaction. */
  async function mintTokens(
    client: OAuthClient,
    grant: OAuthGrant,
    options: { nonce?: string; refresh: boolean },
  ) {
    const environment = await environments.require(grant.environmentId);
    const user = await activeUser(grant.environmentId, grant.userId);
    const issuer = issuerOf(grant.environmentId);
    const access = await minter.accessToken({
      issuer,
      environment,
      grant,
      ttlSeconds: client.accessTokenTtlSeconds,
    });
    const idToken = grant.scopes.includes('openid')
      ? await minter.idToken({
          issuer,
          environment,
          grant,
          user,
          nonce: options.nonce,
          accessToken: access.token,
        })
      : undefined;
    const now = clock.now();
    const refreshExpiresAt = refreshExpiry(client, grant, now);
    const refreshToken = options.refresh && refreshExpiresAt > now ? opaque() : undefined;
    const tokens: IssuedTokens = {
      accessToken: access.token,
      expiresIn: access.expiresIn,
      scopes: grant.scopes,
      idToken,
      refreshToken,
    };
    return {
      tokens,
      store: async (trx: typeof store.db) => {
        await repo.recordAccessToken(trx, {
          jti: access.jti,
          environmentId: grant.environmentId,
          grantId: grant.id,
          expiresAt: access.expiresAt,
        });
        if (refreshToken !== undefined) {
          await repo.insertRefreshToken(trx, hashSecret(refreshToken), {
            grantId: grant.id,
            environmentId: grant.environmentId,
            applicationId: client.id,
            createdAt: now,
            expiresAt: refreshExpiresAt,
            usedAt: undefined,
          });
        }
        await repo.extendGrant(
          trx,
          grant.id,
          Math.max(access.expiresAt, refreshToken ? refreshExpiresAt : 0),
        );
      },
    };
  }

  return {
    /** `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6). */
    async exchangeCode(input: {
      readonly client: OAuthClient;
      readonly code: string;
      readonly redirectUri: string | undefined;
      readonly codeVerifier: string | undefined;
    }): Promise<IssuedTokens> {
      const { client } = input;
      const codeHash = hashSecret(input.code);
      const code = await repo.findCode(store.db, codeHash);
      if (!code || code.environmentId !== client.environmentId || code.applicationId !== client.id) {
        throw invalidGrant('The authorization code is invalid or was issued to another client');
      }
      const now = clock.now();
      if (code.usedAt !== undefined) {
        await repo.revokeGrant(store.db, code.grantId, now);
        throw invalidGrant('The authorization code was already used');
      }
      if (code.expiresAt <= now) throw invalidGrant('The authorization code has expired');
      if (input.redirectUri !== code.redirectUri) {
        throw invalidGrant('redirect_uri does not match the one of the authorization request');
      }
      if (code.codeChallenge !== undefined) {
        if (input.codeVerifier === undefined) throw invalidGrant('code_verifier is required');
        if (
          !VERIFIER_SYNTAX.test(input.codeVerifier) ||
          !pkceMatches(input.codeVerifier, code.codeChallenge, code.codeChallengeMethod ?? 'plain')
        ) {
          throw invalidGrant('code_verifier does not match the code_challenge');
        }
      } else if (input.codeVerifier !== undefined) {
        throw invalidGrant('code_verifier was sent but the authorization request had no code_challenge');
      }
      const grant = await repo.findGrant(store.db, code.grantId);
      if (!grant || grant.revokedAt !== undefined) throw invalidGrant('The authorization code was revoked');
      const minted = await mintTokens(client, grant, {
        ...(code.nonce !== undefined ? { nonce: code.nonce } : {}),
        refresh: client.grantTypes.includes('AUTHORIZATION_CODE') && wantsRefreshToken(client, grant),
      });
      const claimed = await store.transaction(async (trx) => {
        if (!(await repo.claimCode(trx, codeHash, now))) return false;
        await minted.store(trx);
        return true;
      });
      if (!claimed) {
        // Redeemed concurrently: RFC 6749 §4.1.2 — revoke what the first redemption got.
        await repo.revokeGrant(store.db, code.grantId, now);
        throw invalidGrant('The authorization code was already used');
      }
      return minted.tokens;
    },

    /** `grant_type=refresh_token` (RFC 6749 §6): rotation, grace period and replay detection. */
    async refresh(input: {
      readonly client: OAuthClient;
      readonly refreshToken: string;
      readonly scopes: readonly string[] | undefined;
    }): Promise<IssuedTokens> {
      const { client } = input;
      const tokenHash = hashSecret(input.refreshToken);
      const token = await repo.findRefreshToken(store.db, tokenHash);
      if (!token || token.environmentId !== client.environmentId || token.applicationId !== client.id) {
        throw invalidGrant('The refresh token is invalid or was issued to another client');
      }
      const grant = await repo.findGrant(store.db, token.grantId);
      const now = clock.now();
      if (!grant || grant.revokedAt !== undefined) throw invalidGrant('The refresh token was revoked');
      if (token.expiresAt <= now) throw invalidGrant('The refresh token has expired');
      const inGrace =
        token.usedAt !== undefined &&
        now - token.usedAt < client.refreshTokenRollingGracePeriodDuration * 1000;
      if (token.usedAt !== undefined && !inGrace) {
        if (client.additionalRefreshTokenReplayProtectionEnabled)
          await repo.revokeGrant(store.db, grant.id, now);
        throw invalidGrant('The refresh token was already used');
      }
      if (grant.sessionId !== undefined && !(await sessions.isLive(grant.environmentId, grant.sessionId))) {
        throw invalidGrant('The session of this refresh token has ended');
      }
      const requested = input.scopes ?? grant.scopes;
      const extra = requested.filter((s) => !grant.scopes.includes(s));
      if (extra.length > 0) throw new OAuthError('invalid_scope', `Scope(s) not granted: ${extra.join(' ')}`);
      const minted = await mintTokens(client, { ...grant, scopes: requested }, { refresh: true });
      const outcome = await store.transaction(async (trx) => {
        if (!inGrace && !(await repo.claimRefreshToken(trx, tokenHash, now))) return 'replayed' as const;
        await minted.store(trx);
        return 'rotated' as const;
      });
      if (outcome === 'replayed') {
        if (client.additionalRefreshTokenReplayProtectionEnabled)
          await repo.revokeGrant(store.db, grant.id, now);
        throw invalidGrant('The refresh token was already used');
      }
      if (grant.sessionId !== undefined) await sessions.touch(grant.environmentId, grant.sessionId);
      return minted.tokens;
    },

    /** RFC 7009 for refresh tokens: the token and its whole family (the grant). */
    async revokeRefreshToken(client: OAuthClient, refreshToken: string): Promise<boolean> {
      const token = await repo.findRefreshToken(store.db, hashSecret(refreshToken));
      if (!token || token.environmentId !== client.environmentId) return false;
      if (token.applicationId !== client.id) {
        throw new OAuthError('unauthorized_client', 'The token was issued to another client');
      }
      await repo.revokeGrant(store.db, token.grantId, clock.now());
      return true;
    },
  };
}

export type TokenGrants = ReturnType<typeof createTokenGrants>;
