import { Type, type Static } from '@sinclair/typebox';
import { iso } from '../../core/shared/clock.js';
import type { ApplicationGrant, Resource, ResourceScope } from '../../core/resources/resource.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

export const ResourceSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  type: Type.String(),
  description: Type.Optional(Type.String()),
  audience: Type.Optional(Type.String()),
  accessTokenValiditySeconds: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ResourceScopeSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  resource: IdRef,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const GrantBody = Type.Object(
  {
    resource: Type.Object({ id: Type.String({ minLength: 1 }) }, { additionalProperties: true }),
    scopes: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }) }, { additionalProperties: true }), {
      maxItems: 1000,
    }),
  },
  { additionalProperties: true },
);
export type GrantBody = Static<typeof GrantBody>;

export const GrantSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  application: IdRef,
  resource: IdRef,
  scopes: Type.Array(IdRef),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const toGrantInput = (body: GrantBody) => ({
  resourceId: body.resource.id,
  scopeIds: body.scopes.map((scope) => scope.id),
});

export function resourceWire(hal: Hal, resource: Resource): Static<typeof ResourceSchema> {
  const self = hal.env(resource.environmentId, `/resources/${resource.id}`);
  return {
    _links: {
      self: hal.link(self),
      environment: hal.link(hal.env(resource.environmentId)),
      scopes: hal.link(`${self}/scopes`),
    },
    id: resource.id,
    environment: { id: resource.environmentId },
    name: resource.name,
    type: resource.type,
    ...(resource.description !== undefined ? { description: resource.description } : {}),
    ...(resource.audience !== undefined ? { audience: resource.audience } : {}),
    accessTokenValiditySeconds: resource.accessTokenValiditySeconds,
    createdAt: iso(resource.createdAt),
    updatedAt: iso(resource.updatedAt),
  };
}

export function scopeWire(hal: Hal, scope: ResourceScope): Static<typeof ResourceScopeSchema> {
  const resource = hal.env(scope.environmentId, `/resources/${scope.resourceId}`);
  return {
    _links: { self: hal.link(`${resource}/scopes/${scope.id}`), resource: hal.link(resource) },
    id: scope.id,
    environment: { id: scope.environmentId },
    resource: { id: scope.resourceId },
    name: scope.name,
    ...(scope.description !== undefined ? { description: scope.description } : {}),
    createdAt: iso(scope.createdAt),
    updatedAt: iso(scope.updatedAt),
  };
}

export function grantWire(hal: Hal, grant: ApplicationGrant): Static<typeof GrantSchema> {
  const app = hal.env(grant.environmentId, `/applications/${grant.applicationId}`);
  return {
    _links: {
      self: hal.link(`${app}/grants/${grant.id}`),
      application: hal.link(app),
      resource: hal.link(hal.env(grant.environmentId, `/resources/${grant.resourceId}`)),
    },
    id: grant.id,
    environment: { id: grant.environmentId },
    application: { id: grant.applicationId },
    resource: { id: grant.resourceId },
    scopes: grant.scopeIds.map((id) => ({ id })),
    createdAt: iso(grant.createdAt),
    updatedAt: iso(grant.updatedAt),
  };
}
