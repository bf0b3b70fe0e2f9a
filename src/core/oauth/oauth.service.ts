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
import { applyRequestObject, type RequestObjectVerifier } from './request-object.js';
import { createSignOff } from './signoff.js';
import { createTokenGrants } from './token-grants.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import { OAuthError } from '../tokens/tokens.service.js';
import { findUser } from '../users/users.repository.js';
import { profileClaims } from './claims.js';
import { CODE_TTL_MS, type OAuthGrant } from './grant.js';
import * as repo from './oauth.repository.js';
import { createTokenMinter } from './token-minter.js';
import { createTokenVerifier } from './token-verifier.js';
import type { EnvironmentScope } from '../shared/environment-scope.js';

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
    verifyRequestObject: RequestObjectVerifier;
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

  const grants = createTokenGrants({ store, clock, environments, sessions, minter, issuerOf });

  return {
    issuerOf,
    signOnClient,
    ...grants,
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
      const merged = await applyRequestObject(
        params,
        application,
        issuerOf(environmentId),
        deps.applications.verifyRequestObject,
      );
      const granted = await deps.grantedScopes(environmentId, application.id);
      return { application, request: validateAuthorizeRequest(merged, application, granted) };
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
    deleteExpired: (scope?: EnvironmentScope) => repo.deleteExpired(store.db, clock.now(), scope),
  };
}
