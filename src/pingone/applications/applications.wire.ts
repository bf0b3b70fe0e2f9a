import { Type, type Static } from '@sinclair/typebox';
import {
  APPLICATION_TYPES,
  CORS_BEHAVIORS,
  GRANT_TYPES,
  PKCE_ENFORCEMENTS,
  RESPONSE_TYPES,
  TOKEN_AUTH_METHODS,
  type Application,
  type ApplicationInput,
  type ApplicationSecret,
} from '../../core/applications/application.js';
import type { RoleAssignment } from '../../core/access/role-assignments.repository.js';
import type { Role } from '../../core/access/roles.js';
import { iso, isoOrUndefined } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Seconds = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });

export const CorsSettingsSchema = Type.Object({
  behavior: literals(CORS_BEHAVIORS),
  origins: Type.Optional(Type.Array(Type.String(), { maxItems: 20 })),
});

/** PingOne's ApplicationOIDC as a client sends it (POST and PUT); combinations are checked in the core. */
export const ApplicationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    type: literals(APPLICATION_TYPES),
    protocol: Type.Optional(Type.Literal('OPENID_CONNECT')),
    enabled: Type.Optional(Type.Boolean()),
    tokenEndpointAuthMethod: Type.Optional(literals(TOKEN_AUTH_METHODS)),
    grantTypes: Type.Optional(Type.Array(literals(GRANT_TYPES))),
    responseTypes: Type.Optional(Type.Array(literals(RESPONSE_TYPES))),
    pkceEnforcement: Type.Optional(literals(PKCE_ENFORCEMENTS)),
    redirectUris: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { maxItems: 100 }),
    ),
    allowWildcardInRedirectUris: Type.Optional(Type.Boolean()),
    postLogoutRedirectUris: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { maxItems: 100 }),
    ),
    loginPageUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    homePageUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    refreshTokenDuration: Type.Optional(Seconds(60, 2147483647)),
    refreshTokenRollingDuration: Type.Optional(Seconds(60, 2147483647)),
    refreshTokenRollingGracePeriodDuration: Type.Optional(Seconds(0, 86400)),
    additionalRefreshTokenReplayProtectionEnabled: Type.Optional(Type.Boolean()),
    corsSettings: Type.Optional(CorsSettingsSchema),
    idpSignoff: Type.Optional(Type.Boolean()),
    jwks: Type.Optional(Type.String({ minLength: 1, maxLength: 65536 })),
    jwksUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    accessTokenValiditySeconds: Type.Optional(Seconds(60, 86400)),
    /** Tessera extension: OAuth scopes the application may request (e.g. UiPath's PM.User). */
    scopes: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: true },
);
export type ApplicationBody = Static<typeof ApplicationBody>;

export const ApplicationSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  type: Type.String(),
  protocol: Type.String(),
  enabled: Type.Boolean(),
  grantTypes: Type.Array(Type.String()),
  responseTypes: Type.Array(Type.String()),
  tokenEndpointAuthMethod: Type.String(),
  pkceEnforcement: Type.String(),
  redirectUris: Type.Array(Type.String()),
  allowWildcardInRedirectUris: Type.Boolean(),
  postLogoutRedirectUris: Type.Array(Type.String()),
  loginPageUrl: Type.Optional(Type.String()),
  homePageUrl: Type.Optional(Type.String()),
  refreshTokenDuration: Type.Integer(),
  refreshTokenRollingDuration: Type.Integer(),
  refreshTokenRollingGracePeriodDuration: Type.Integer(),
  additionalRefreshTokenReplayProtectionEnabled: Type.Boolean(),
  corsSettings: Type.Optional(Type.Object({ behavior: Type.String(), origins: Type.Array(Type.String()) })),
  idpSignoff: Type.Boolean(),
  jwks: Type.Optional(Type.String()),
  jwksUrl: Type.Optional(Type.String()),
  accessTokenValiditySeconds: Type.Integer(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

/** POST …/secret: optionally keep the current secret as `previous` until `expiresAt`. */
export const SecretRotationBody = Type.Union([
  Type.Null(),
  Type.Object(
    { previous: Type.Optional(Type.Object({ expiresAt: Type.String({ format: 'date-time' }) })) },
    { additionalProperties: true },
  ),
]);

export const SecretSchema = Type.Object({
  _links: LinksSchema,
  environment: IdRef,
  secret: Type.String(),
  previous: Type.Optional(
    Type.Object({ secret: Type.String(), expiresAt: Type.String(), lastUsed: Type.Optional(Type.String()) }),
  ),
});

export const RoleAssignmentBody = Type.Object({
  role: Type.Object({ id: Type.String() }),
  scope: Type.Object({
    id: Type.String(),
    type: Type.Union(['ORGANIZATION', 'ENVIRONMENT', 'POPULATION'].map((t) => Type.Literal(t))),
  }),
});

export const RoleAssignmentSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  role: IdRef,
  scope: Type.Object({ id: Type.String(), type: Type.String() }),
  environment: IdRef,
  /** On a group's assignments (reference more §2.1). */
  group: Type.Optional(IdRef),
  readOnly: Type.Boolean(),
  createdAt: Type.String(),
});

const ASSIGNEE_PATHS = { application: 'applications', user: 'users', group: 'groups' } as const;

export const RoleSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  applicableTo: Type.Array(Type.String()),
  permissions: Type.Array(
    Type.Object({ id: Type.String(), classifier: Type.String(), description: Type.String() }),
  ),
});

export const toApplicationInput = (body: ApplicationBody): ApplicationInput => ({
  name: body.name,
  type: body.type,
  description: body.description,
  enabled: body.enabled,
  tokenEndpointAuthMethod: body.tokenEndpointAuthMethod,
  grantTypes: body.grantTypes,
  responseTypes: body.responseTypes,
  pkceEnforcement: body.pkceEnforcement,
  redirectUris: body.redirectUris,
  allowWildcardInRedirectUris: body.allowWildcardInRedirectUris,
  postLogoutRedirectUris: body.postLogoutRedirectUris,
  loginPageUrl: body.loginPageUrl,
  homePageUrl: body.homePageUrl,
  refreshTokenDuration: body.refreshTokenDuration,
  refreshTokenRollingDuration: body.refreshTokenRollingDuration,
  refreshTokenRollingGracePeriodDuration: body.refreshTokenRollingGracePeriodDuration,
  additionalRefreshTokenReplayProtectionEnabled: body.additionalRefreshTokenReplayProtectionEnabled,
  corsSettings: body.corsSettings,
  idpSignoff: body.idpSignoff,
  jwks: body.jwks,
  jwksUrl: body.jwksUrl,
  scopes: body.scopes,
  accessTokenTtlSeconds: body.accessTokenValiditySeconds,
});

export function secretWire(
  hal: Hal,
  environmentId: string,
  applicationId: string,
  secret: ApplicationSecret,
) {
  const app = hal.env(environmentId, `/applications/${applicationId}`);
  return {
    _links: { self: hal.link(`${app}/secret`), application: hal.link(app) },
    environment: { id: environmentId },
    secret: secret.secret,
    ...(secret.previous
      ? {
          previous: {
            secret: secret.previous.secret,
            expiresAt: iso(secret.previous.expiresAt),
            ...(secret.previous.lastUsedAt !== undefined
              ? { lastUsed: isoOrUndefined(secret.previous.lastUsedAt) }
              : {}),
          },
        }
      : {}),
  };
}

export function applicationWire(hal: Hal, app: Application): Static<typeof ApplicationSchema> {
  const base = hal.env(app.environmentId, `/applications/${app.id}`);
  return {
    _links: {
      self: hal.link(base),
      environment: hal.link(hal.env(app.environmentId)),
      ...(app.tokenEndpointAuthMethod !== 'NONE' ? { secret: hal.link(`${base}/secret`) } : {}),
      roleAssignments: hal.link(`${base}/roleAssignments`),
      grants: hal.link(`${base}/grants`),
    },
    id: app.id,
    environment: { id: app.environmentId },
    name: app.name,
    ...(app.description !== undefined ? { description: app.description } : {}),
    type: app.type,
    protocol: app.protocol,
    enabled: app.enabled,
    grantTypes: [...app.grantTypes],
    responseTypes: [...app.responseTypes],
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
    pkceEnforcement: app.pkceEnforcement,
    redirectUris: [...app.redirectUris],
    allowWildcardInRedirectUris: app.allowWildcardInRedirectUris,
    postLogoutRedirectUris: [...app.postLogoutRedirectUris],
    ...(app.loginPageUrl !== undefined ? { loginPageUrl: app.loginPageUrl } : {}),
    ...(app.homePageUrl !== undefined ? { homePageUrl: app.homePageUrl } : {}),
    refreshTokenDuration: app.refreshTokenDuration,
    refreshTokenRollingDuration: app.refreshTokenRollingDuration,
    refreshTokenRollingGracePeriodDuration: app.refreshTokenRollingGracePeriodDuration,
    additionalRefreshTokenReplayProtectionEnabled: app.additionalRefreshTokenReplayProtectionEnabled,
    ...(app.corsSettings
      ? { corsSettings: { behavior: app.corsSettings.behavior, origins: [...app.corsSettings.origins] } }
      : {}),
    idpSignoff: app.idpSignoff,
    ...(app.jwks !== undefined ? { jwks: app.jwks } : {}),
    ...(app.jwksUrl !== undefined ? { jwksUrl: app.jwksUrl } : {}),
    accessTokenValiditySeconds: app.accessTokenTtlSeconds,
    scopes: [...app.scopes],
    createdAt: iso(app.createdAt),
    updatedAt: iso(app.updatedAt),
  };
}

export function roleAssignmentWire(
  hal: Hal,
  environmentId: string,
  a: RoleAssignment,
): Static<typeof RoleAssignmentSchema> {
  return {
    _links: {
      self: hal.link(
        hal.env(environmentId, `/${ASSIGNEE_PATHS[a.actorType]}/${a.actorId}/roleAssignments/${a.id}`),
      ),
      role: hal.link(`/roles/${a.roleId}`),
      environment: hal.link(hal.env(a.environmentId)),
    },
    id: a.id,
    role: { id: a.roleId },
    scope: { id: a.scopeId, type: a.scopeType },
    environment: { id: a.environmentId },
    ...(a.actorType === 'group' ? { group: { id: a.actorId } } : {}),
    readOnly: a.readOnly,
    createdAt: iso(a.createdAt),
  };
}

export function roleWire(hal: Hal, role: Role): Static<typeof RoleSchema> {
  return {
    _links: { self: hal.link(`/roles/${role.id}`) },
    id: role.id,
    name: role.name,
    description: role.description,
    applicableTo: [...role.applicableTo],
    permissions: role.permissions.map((id) => ({
      id,
      classifier: id.split(':').slice(0, 2).join(':'),
      description: `Permission ${id}`,
    })),
  };
}
