import { Type, type Static } from '@sinclair/typebox';
import type { PolicyWithCount } from '../../core/password-policies/password-policies.service.js';
import type { PasswordPolicyInput } from '../../core/password-policies/password-policy.js';
import { normalizeRules } from '../../core/password-policies/policy-validation.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { passwordRuleFields } from '../../pingone-common/password-policy.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

export const PolicyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    default: Type.Optional(Type.Boolean()),
    ...passwordRuleFields(() => Type.Number()),
  },
  // Read-only fields (id, environment, populationCount...) sent back by clients are ignored.
  { additionalProperties: true },
);
export type PolicyBody = Static<typeof PolicyBody>;

export const PolicySchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  default: Type.Boolean(),
  ...passwordRuleFields(() => Type.Integer()),
  // Always present (PingOne marks them required): false when the rule is off or was never set.
  excludesCommonlyUsed: Type.Boolean(),
  excludesProfileData: Type.Boolean(),
  notSimilarToCurrent: Type.Boolean(),
  populationCount: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type PolicyWire = Static<typeof PolicySchema>;

export function toPolicyInput(body: PolicyBody): PasswordPolicyInput {
  const { name, description, default: isDefault, ...rules } = body;
  return { name, description, isDefault, rules: normalizeRules(rules) };
}

export function policyWire(hal: Hal, p: PolicyWithCount): PolicyWire {
  return {
    _links: {
      self: hal.link(hal.env(p.environmentId, `/passwordPolicies/${p.id}`)),
      environment: hal.link(hal.env(p.environmentId)),
    },
    id: p.id,
    environment: { id: p.environmentId },
    name: p.name,
    ...(p.description !== undefined ? { description: p.description } : {}),
    default: p.isDefault,
    ...p.rules,
    excludesCommonlyUsed: p.rules.excludesCommonlyUsed ?? false,
    excludesProfileData: p.rules.excludesProfileData ?? false,
    notSimilarToCurrent: p.rules.notSimilarToCurrent ?? false,
    populationCount: p.populationCount,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}
