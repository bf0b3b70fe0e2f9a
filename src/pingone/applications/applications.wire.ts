import { Type, type Static } from '@sinclair/typebox';
import type { Application } from '../../core/applications/application.js';
import { TOKEN_AUTH_METHODS } from '../../core/applications/application.js';
import type { RoleAssignment } from '../../core/access/role-assignments.repository.js';
import type { Role } from '../../core/access/roles.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

export const ApplicationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    type: Type.Literal('WORKER'),
    protocol: Type.Optional(Type.Literal('OPENID_CONNECT')),
    enabled: Type.Optional(Type.Boolean()),
    tokenEndpointAuthMethod: Type.Optional(Type.Union(TOKEN_AUTH_METHODS.map((m) => Type.Literal(m)))),
    grantTypes: Type.Optional(Type.Array(Type.Literal('CLIENT_CREDENTIALS'))),
    accessTokenValiditySeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86400 })),
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
  tokenEndpointAuthMethod: Type.String(),
  accessTokenValiditySeconds: Type.Integer(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const SecretSchema = Type.Object({ _links: LinksSchema, secret: Type.String() });

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
  readOnly: Type.Boolean(),
  createdAt: Type.String(),
});

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

export const toApplicationInput = (body: ApplicationBody) => ({
  name: body.name,
  description: body.description,
  enabled: body.enabled,
  tokenEndpointAuthMethod: body.tokenEndpointAuthMethod,
  scopes: body.scopes,
  accessTokenTtlSeconds: body.accessTokenValiditySeconds,
});

export function applicationWire(hal: Hal, app: Application): Static<typeof ApplicationSchema> {
  const base = hal.env(app.environmentId, `/applications/${app.id}`);
  return {
    _links: {
      self: hal.link(base),
      environment: hal.link(hal.env(app.environmentId)),
      secret: hal.link(`${base}/secret`),
      roleAssignments: hal.link(`${base}/roleAssignments`),
    },
    id: app.id,
    environment: { id: app.environmentId },
    name: app.name,
    ...(app.description !== undefined ? { description: app.description } : {}),
    type: app.type,
    protocol: app.protocol,
    enabled: app.enabled,
    grantTypes: [...app.grantTypes],
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
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
      self: hal.link(hal.env(environmentId, `/applications/${a.actorId}/roleAssignments/${a.id}`)),
      role: hal.link(`/roles/${a.roleId}`),
      environment: hal.link(hal.env(a.environmentId)),
    },
    id: a.id,
    role: { id: a.roleId },
    scope: { id: a.scopeId, type: a.scopeType },
    environment: { id: a.environmentId },
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
