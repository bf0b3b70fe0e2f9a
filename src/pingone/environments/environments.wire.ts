import { Type, type Static } from '@sinclair/typebox';
import type { Environment } from '../../core/environments/environment.js';
import { ENVIRONMENT_TYPES, REGIONS } from '../../core/environments/environment.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

/** Environments created without a license get this one (Tessera has no licensing). */
export const TESSERA_LICENSE_ID = '7e550000-0000-4000-8000-000000000001';

export const EnvironmentBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    type: Type.Union(ENVIRONMENT_TYPES.map((t) => Type.Literal(t))),
    region: Type.Union(REGIONS.map((r) => Type.Literal(r))),
    license: Type.Optional(IdRef),
    icon: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type EnvironmentBody = Static<typeof EnvironmentBody>;

export const EnvironmentSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  organization: IdRef,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  type: Type.String(),
  region: Type.String(),
  license: IdRef,
  status: Type.String(),
  icon: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const toEnvironmentInput = (body: EnvironmentBody) => ({
  name: body.name,
  description: body.description,
  type: body.type,
  region: body.region,
  licenseId: body.license?.id ?? TESSERA_LICENSE_ID,
  icon: body.icon,
});

export function environmentWire(hal: Hal, env: Environment): Static<typeof EnvironmentSchema> {
  const base = hal.env(env.id);
  return {
    _links: {
      self: hal.link(base),
      organization: hal.link(`/organizations/${env.organizationId}`),
      license: hal.link(`/organizations/${env.organizationId}/licenses/${env.licenseId}`),
      populations: hal.link(`${base}/populations`),
      users: hal.link(`${base}/users`),
      passwordPolicies: hal.link(`${base}/passwordPolicies`),
      applications: hal.link(`${base}/applications`),
    },
    id: env.id,
    organization: { id: env.organizationId },
    name: env.name,
    ...(env.description !== undefined ? { description: env.description } : {}),
    type: env.type,
    region: env.region,
    license: { id: env.licenseId },
    status: env.status,
    ...(env.icon !== undefined ? { icon: env.icon } : {}),
    createdAt: iso(env.createdAt),
    updatedAt: iso(env.updatedAt),
  };
}
