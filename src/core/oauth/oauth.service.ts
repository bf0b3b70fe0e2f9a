import { randomBytes } from 'node:crypto';
import type { Store } from '../../db/store.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { hashSecret } from '../shared/secrets.js';
import type { Application } from '../applications/application.js';
import { isUuid } from '../shared/ids.js';
import type { AuthorizationRequest, Flow } from '../signon/flow.js';
import { AuthorizeError, validateAuthorizeRequest } from './authorize-request.js';
import { createSignOff } from './signoff.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import { OAuthError } from '../tokens/tokens.service.js';
import { findUser } from '../users/users.repository.js';
import { OFFLINE_ACCESS, pkceMatches, profileClaims, VERIFIER_SYNTAX } from './claims.js';
import { CODE_TTL_MS, type IssuedTokens, type OAuthGrant } from './grant.js';
import * as repo from './oauth.repository.js';
import { createTokenMinter } from './token-minter.js';
import { createTokenVerifier } from './token-verifier.js';

/** What the authorization server needs of an application (the OIDC application satisfies it). */
export interface OAuthClient {
  readonly id: string;
  readonly environmentId: string;
  readonly grantTypes: readonly string[];
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenDuration: number;
  readonly refreshTokenRollingDuration: number;
  readonly refreshTokenRollingGracePeriodDuration: number;
  readonly additionalRefreshTokenReplayProtectionEnabled: boolean;
}

/** The sign-on engine's sessions as the authorization server sees them. */
export interface SessionCheck {
  /** Whether the session still exists (not ended, not expired). */
  isLive(environmentId: string, sessionId: string): Promise<boolean>;
  /** A refresh bumps the session's `activeAt` (reference §3.3). */
  touch(environmentId: string, sessionId: string): Promise<void>;
}

export interface OAuthServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly keys: SigningKeys;
  readonly environments: EnvironmentsService;
  readonly sessions: SessionCheck;
  /** The PingOne API audience (the management API's): OIDC scopes are granted for it. */
  readonly platformAudience: string;
  /** `{publicUrl}`: each environment's issuer is `{publicUrl}/{envID}/as`. */
  readonly publicUrl: string;
  readonly applications: {
    findWithCredentials(environmentId: string, id: string): Promise<{ application: Application } | undefined>;
  };
  /** The OIDC scopes an application's grants allow (reference §10 #7). */
  readonly grantedScopes: (environmentId: string, applicationId: string) => Promise<readonly string[]>;
}

export interface AuthorizeResponse {
  readonly code?: string | undefined;
  readonly accessToken?: string | undefined;
  readonly expiresIn?: number | undefined;
  readonly idToken?: string | undefined;
  readonly scopes: readonly string[];
}

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
const opaque = () => randomBytes(32).toString('base64url');

export type OAuthService = ReturnType<typeof createOAuthService>;

/**
 * The authorization server's core (reference §3): grants from completed flows, single-use codes,
 * rotating refresh tokens with replay detection, and the tokens they yield.
 */
export function createOAuthService(deps: OAuthServiceDeps) {
  const { store, clock, environments, sessions, platformAudience } = deps;
  const minter = createTokenMinter({ clock, keys: deps.keys, platformAudience });
  const issuerOf = (environmentId: string) => `${deps.publicUrl}/${environmentId}/as`;
  const verifier = createTokenVerifier({ store, clock, keys: deps.keys, issuerOf });

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

  /** An enabled application that signs users on (not a worker), or undefined. */
  async function signOnClient(
    environmentId: string,
    id: string | undefined,
  ): Promise<Application | undefined> {
    if (id === undefined || id === '' || !isUuid(id) || !isUuid(environmentId)) return undefined;
    const found = await deps.applications.findWithCredentials(environmentId, id);
    const app = found?.application;
    if (!app || !app.enabled || app.type === 'WORKER') return undefined;
    return app.grantTypes.includes('AUTHORIZATION_CODE') || app.grantTypes.includes('IMPLICIT')
      ? app
      : undefined;
  }

  return {
    issuerOf,
    signOnClient,
    checkSignOff: createSignOff({ store, verifier }),
    ...verifier,

    /**
     * Validates an authorize request (GET query or POST form) for the environment. Throws
     * AuthorizeError: without a target when the client or redirect_uri cannot be trusted.
     */
    async prepareAuthorization(
      environmentId: string,
      params: Readonly<Record<string, string | undefined>>,
    ): Promise<{ application: Application; request: AuthorizationRequest }> {
      if (params.client_id === undefined)
        throw new AuthorizeError('invalid_request', 'client_id is required');
      const application = await signOnClient(environmentId, params.client_id);
      if (!application)
        throw new AuthorizeError(
          'invalid_request',
          'client_id is not a sign-on application of this environment',
        );
      const granted = await deps.grantedScopes(environmentId, application.id);
      return { application, request: validateAuthorizeRequest(params, application, granted) };
    },

    /**
     * Answers a COMPLETED flow for `/as/resume` (reference §3.2, §3.9): records the grant, and
     * returns a code and/or tokens per the request's response_type.
     */
    async completeAuthorization(flow: Flow, client: OAuthClient): Promise<AuthorizeResponse> {
      if (flow.status !== 'COMPLETED' || flow.userId === undefined) {
        throw new Error('completeAuthorization needs a COMPLETED flow with a user');
      }
      const environment = await environments.require(flow.environmentId);
      const user = await findUser(store.db, flow.environmentId, flow.userId);
      if (!user || !user.enabled) throw new OAuthError('invalid_request', 'The user can no longer sign on');
      const now = clock.now();
      const request = flow.request;
      const grant: OAuthGrant = {
        id: newId(),
        environmentId: flow.environmentId,
        applicationId: client.id,
        userId: flow.userId,
        sessionId: flow.sessionId,
        scopes: request.scopes,
        audience: [platformAudience],
        amr: flow.amr,
        acr: flow.policy.name,
        authTime: flow.authTime ?? now,
        createdAt: now,
        expiresAt: now + Math.max(CODE_TTL_MS, client.accessTokenTtlSeconds * 1000),
        revokedAt: undefined,
      };
      const issuer = issuerOf(flow.environmentId);
      const code = request.responseType.includes('code') ? opaque() : undefined;
      const access = request.responseType.includes('token')
        ? await minter.accessToken({ issuer, environment, grant, ttlSeconds: client.accessTokenTtlSeconds })
        : undefined;
      const idToken = request.responseType.includes('id_token')
        ? await minter.idToken({
            issuer,
            environment,
            grant,
            user,
            nonce: request.nonce,
            accessToken: access?.token,
            code,
          })
        : undefined;
      await store.transaction(async (trx) => {
        await repo.insertGrant(trx, grant);
        if (code !== undefined) {
          await repo.insertCode(trx, hashSecret(code), {
            grantId: grant.id,
            environmentId: grant.environmentId,
            applicationId: client.id,
            redirectUri: request.redirectUri,
            codeChallenge: request.codeChallenge,
            codeChallengeMethod:
              request.codeChallenge !== undefined ? (request.codeChallengeMethod ?? 'plain') : undefined,
            nonce: request.nonce,
            createdAt: now,
            expiresAt: now + CODE_TTL_MS,
            usedAt: undefined,
          });
        }
        if (access) {
          await repo.recordAccessToken(trx, {
            jti: access.jti,
            environmentId: grant.environmentId,
            grantId: grant.id,
            expiresAt: access.expiresAt,
          });
        }
      });
      return {
        code,
        accessToken: access?.token,
        expiresIn: access?.expiresIn,
        idToken,
        scopes: grant.scopes,
      };
    },

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

    /**
     * UserInfo (reference §3.7): the claims the access token's scopes release, or undefined when
     * the token is not an active user token of the environment (the face answers 401).
     */
    async userinfo(environmentId: string, accessToken: string): Promise<Record<string, unknown> | undefined> {
      const claims = await verifier.verifyAccessToken(environmentId, accessToken);
      if (!claims || typeof claims.sub !== 'string') return undefined;
      const user = await findUser(store.db, environmentId, claims.sub);
      if (!user || !user.enabled) return undefined;
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
      if (!scopes.includes('openid')) return undefined;
      return { sub: user.id, ...profileClaims(user, scopes) };
    },

    /** Drops expired codes, tokens and grants (a scheduler job). */
    deleteExpired: () => repo.deleteExpired(store.db, clock.now()),
  };
}
