import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Actor } from '../access/actor.js';
import type { UserAuthority } from '../access/subject-roles.service.js';
import type { ClientAuthentication } from '../applications/application.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import { nowIn, type Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkJwtRules, JWT_VERIFY_RULES } from './jwt-rules.js';
import type { SigningKeys } from './signing-keys.js';
import { ReadCache } from '../shared/read-cache.js';
import type { WriteWatcher } from '../../db/write-watcher.js';

/** Tables whose rows decide who a caller is and what it may do. */
const ACCESS_TABLES = ['applications', 'role_assignments', 'populations', 'environments'];
/** A user's rights also depend on the user, its groups and its application's resource grants. */
const USER_ACCESS_TABLES = [
  ...ACCESS_TABLES,
  'application_grants',
  'users',
  'group_memberships',
  'group_nestings',
  'groups',
];

/** RFC 6749 §5.2 error, rendered by each face's token endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'invalid_scope',
    readonly description: string,
    readonly status: 400 | 401 = error === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
  }
}

export interface TokenRequest {
  readonly environmentId: string;
  /** How the client authenticated, checked against the application's configured method. */
  readonly client: ClientAuthentication;
  /** Requested scopes; each must be granted to the application. */
  readonly scopes?: readonly string[] | undefined;
  /** The `iss` claim; each face has its own issuer URL. */
  readonly issuer: string;
  /** What a client assertion's `aud` may be: the face's token endpoint URL and its issuer. */
  readonly assertionAudience: readonly string[];
  /** When true the application needs role assignments (PingOne refuses workers without roles). */
  readonly requireRoles: boolean;
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly scopes: readonly string[];
}

interface VerifiedClaims {
  readonly clientId: string;
  /** The signed-on user of a user's token; absent on a worker's. */
  readonly userId: string | undefined;
  readonly environmentId: string;
  readonly organizationId: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

export interface TokensServiceDeps {
  readonly clock: Clock;
  readonly keys: SigningKeys;
  readonly applications: ApplicationsService;
  readonly environments: EnvironmentsService;
  readonly audience: string;
  readonly writes: WriteWatcher;
  /** See Config.accessCacheMs. */
  readonly accessCacheMs: number;
  /** A user's grants (own and through its groups); undefined when the user may not act. */
  readonly userAuthority: (environmentId: string, userId: string) => Promise<UserAuthority | undefined>;
}

export type TokensService = ReturnType<typeof createTokensService>;

const invalidToken = () => new DomainError('unauthorized', [], { reason: 'invalid_token' });

export function createTokensService({
  clock,
  keys,
  applications,
  environments,
  audience,
  writes,
  accessCacheMs,
  userAuthority,
}: TokensServiceDeps) {
  /** The actor behind each token: its application and grants, re-read after a relevant write. */
  const actors = new ReadCache<Actor | undefined>({
    ttlMs: accessCacheMs,
    tables: ACCESS_TABLES,
    writes,
  });
  /** The same for users' tokens, kept apart so directory writes do not drop workers' entries. */
  const userActors = new ReadCache<Actor | undefined>({
    ttlMs: accessCacheMs,
    tables: USER_ACCESS_TABLES,
    writes,
  });

  /** Verified tokens by their text, so repeated calls skip the RSA check until the token expires. */
  const verified = new Map<string, VerifiedClaims>();
  const VERIFIED_CACHE_LIMIT = 10_000;

  async function verifyJwt(token: string): Promise<VerifiedClaims> {
    const cached = verified.get(token);
    if (cached) {
      if (cached.expiresAt > nowIn(clock, cached.environmentId)) return cached;
      verified.delete(token);
    }
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalidToken();
    }
    const key = kid ? await keys.byKid(kid) : undefined;
    if (!key) throw invalidToken();
    try {
      const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, {
        ...JWT_VERIFY_RULES,
        algorithms: ['RS256'],
        audience,
        // A token is judged by the clock of the environment that issued it (test mode may move
        // one environment's clock apart), wherever it is presented.
        currentDate: new Date(nowIn(clock, key.environmentId)),
        requiredClaims: ['exp', 'iat'],
      });
      checkJwtRules(protectedHeader, payload, nowIn(clock, key.environmentId));
      // A user's token (it has a subject) acts as the user, never as its application; it must be
      // for the PingOne API audience (then it carries env/org, checked here like a worker's).
      if (
        (payload.sub !== undefined && typeof payload.sub !== 'string') ||
        typeof payload.client_id !== 'string' ||
        payload.env !== key.environmentId ||
        typeof payload.org !== 'string'
      ) {
        throw invalidToken();
      }
      const claims: VerifiedClaims = {
        clientId: payload.client_id,
        userId: payload.sub,
        environmentId: key.environmentId,
        organizationId: payload.org,
        scopes: typeof payload.scope === 'string' && payload.scope !== '' ? payload.scope.split(' ') : [],
        expiresAt: (payload.exp ?? 0) * 1000,
      };
      if (verified.size >= VERIFIED_CACHE_LIMIT) verified.clear();
      verified.set(token, claims);
      return claims;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof joseErrors.JOSEError) throw invalidToken();
      throw error;
    }
  }

  /**
   * The actor of a user's token: accepted only while the token's application holds a grant of
   * the PingOne API resource (the admin app of reference more §2.3), and authorized by the user's
   * role assignments, never by the application's.
   */
  async function userActor(claims: VerifiedClaims, userId: string): Promise<Actor | undefined> {
    const granted = await applications.grantedScopes(claims.environmentId, claims.clientId);
    if (!granted.some((grant) => grant.resource.type === 'PINGONE_API')) return undefined;
    const authority = await userAuthority(claims.environmentId, userId);
    if (!authority) return undefined;
    return {
      kind: 'user',
      id: userId,
      name: authority.username,
      populationId: authority.populationId,
      applicationId: claims.clientId,
      environmentId: claims.environmentId,
      organizationId: claims.organizationId,
      grants: authority.grants,
      scopes: claims.scopes,
    };
  }

  return {
    async issue(request: TokenRequest): Promise<IssuedToken> {
      const env = await environments.require(request.environmentId).catch(() => undefined);
      // One answer for an unknown environment, an unknown client and wrong credentials.
      if (!env) {
        throw new OAuthError(
          'invalid_client',
          'Request denied: Unsupported authentication method or invalid client credentials',
        );
      }
      const application = await applications.authenticateClient(env.id, request.client, {
        audience: request.assertionAudience,
      });
      if (!application.grantTypes.includes('CLIENT_CREDENTIALS')) {
        throw new OAuthError(
          'unauthorized_client',
          'The application may not use the client_credentials grant',
        );
      }
      const requested = request.scopes ?? [];
      const unknown = requested.filter((s) => !application.scopes.includes(s));
      if (unknown.length > 0)
        throw new OAuthError('invalid_scope', `Unsupported scope(s): ${unknown.join(' ')}`);
      if (request.requireRoles && (await applications.grantsOf(application.id)).length === 0) {
        throw new OAuthError(
          'unauthorized_client',
          'Request denied: the application has no role assignments',
        );
      }
      const key = await keys.forEnvironment(env.id);
      const issuedAt = Math.floor(nowIn(clock, env.id) / 1000);
      const expiresIn = application.accessTokenTtlSeconds;
      const accessToken = await new SignJWT({
        client_id: application.id,
        env: env.id,
        org: env.organizationId,
        ...(requested.length > 0 ? { scope: requested.join(' ') } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(request.issuer)
        .setAudience([audience])
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + expiresIn)
        .setJti(newId())
        .sign(key.privateKey);
      return { accessToken, expiresIn, scopes: requested };
    },

    /**
     * The actor of a token already verified and whose actor is cached, without a promise (the
     * hot path of every API call); undefined otherwise, and the caller awaits `authenticate`.
     */
    cachedActor(token: string | undefined): Actor | undefined {
      if (token === undefined) return undefined;
      const claims = verified.get(token);
      if (!claims || claims.expiresAt <= nowIn(clock, claims.environmentId)) return undefined;
      return (claims.userId === undefined ? actors : userActors).peek(token);
    },

    /** Turns a bearer token into the calling actor, or throws 401 INVALID_TOKEN. */
    async authenticate(token: string | undefined): Promise<Actor> {
      if (token === undefined || token === '') throw invalidToken();
      const claims = await verifyJwt(token);
      const userId = claims.userId;
      const cache = userId === undefined ? actors : userActors;
      const actor = await cache.get(token, async () => {
        const found = await applications.findWithCredentials(claims.environmentId, claims.clientId);
        if (!found || !found.application.enabled) return undefined;
        if (userId !== undefined) return userActor(claims, userId);
        return {
          kind: 'application',
          id: claims.clientId,
          name: found.application.name,
          environmentId: claims.environmentId,
          organizationId: claims.organizationId,
          applicationId: claims.clientId,
          grants: await applications.grantsOf(claims.clientId),
          scopes: claims.scopes,
        };
      });
      if (!actor) throw invalidToken();
      return actor;
    },

    jwks: (environmentId: string) => keys.publicJwks(environmentId),
  };
}
