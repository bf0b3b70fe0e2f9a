import { Type, type Static } from '@sinclair/typebox';
import type { PopulationWithCount } from '../../core/populations/populations.service.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

export const PopulationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    default: Type.Optional(Type.Boolean()),
    passwordPolicy: Type.Optional(Type.Object({ id: Type.String() })),
    theme: Type.Optional(Type.Object({ id: Type.String() })),
    alternativeIdentifiers: Type.Optional(Type.Array(Type.String())),
    preferredLanguage: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type PopulationBody = Static<typeof PopulationBody>;

export const PopulationSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  default: Type.Boolean(),
  passwordPolicy: Type.Optional(IdRef),
  theme: Type.Optional(IdRef),
  alternativeIdentifiers: Type.Optional(Type.Array(Type.String())),
  preferredLanguage: Type.Optional(Type.String()),
  userCount: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const toPopulationInput = (body: PopulationBody) => ({
  name: body.name,
  description: body.description,
  isDefault: body.default,
  passwordPolicyId: body.passwordPolicy?.id,
  themeId: body.theme?.id,
  alternativeIdentifiers: body.alternativeIdentifiers,
  preferredLanguage: body.preferredLanguage,
});

export function populationWire(hal: Hal, p: PopulationWithCount): Static<typeof PopulationSchema> {
  return {
    _links: {
      self: hal.link(hal.env(p.environmentId, `/populations/${p.id}`)),
      environment: hal.link(hal.env(p.environmentId)),
      ...(p.passwordPolicyId
        ? { passwordPolicy: hal.link(hal.env(p.environmentId, `/passwordPolicies/${p.passwordPolicyId}`)) }
        : {}),
    },
    id: p.id,
    environment: { id: p.environmentId },
    name: p.name,
    ...(p.description !== undefined ? { description: p.description } : {}),
    default: p.isDefault,
    ...(p.passwordPolicyId ? { passwordPolicy: { id: p.passwordPolicyId } } : {}),
    ...(p.themeId ? { theme: { id: p.themeId } } : {}),
    ...(p.alternativeIdentifiers ? { alternativeIdentifiers: [...p.alternativeIdentifiers] } : {}),
    ...(p.preferredLanguage ? { preferredLanguage: p.preferredLanguage } : {}),
    userCount: p.userCount,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}
