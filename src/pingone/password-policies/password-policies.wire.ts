import { Type, type Static } from '@sinclair/typebox';
import type { PolicyWithCount } from '../../core/password-policies/password-policies.service.js';
import type { PasswordPolicyInput } from '../../core/password-policies/password-policy.js';
import { normalizeRules } from '../../core/password-policies/policy-validation.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

// Numbers are Type.Number on input: PingOne truncates floats, and range errors come from the core.
const MaxLength = Type.Object({ maxLength: Type.Number() });

export const PolicyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    default: Type.Optional(Type.Boolean()),
    excludesCommonlyUsed: Type.Optional(Type.Boolean()),
    excludesProfileData: Type.Optional(Type.Boolean()),
    notSimilarToCurrent: Type.Optional(Type.Boolean()),
    history: Type.Optional(
      Type.Object({ count: Type.Optional(Type.Number()), retentionDays: Type.Optional(Type.Number()) }),
    ),
    length: Type.Optional(
      Type.Object({ min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()) }),
    ),
    lockout: Type.Optional(
      Type.Object({
        failureCount: Type.Optional(Type.Number()),
        durationSeconds: Type.Optional(Type.Number()),
      }),
    ),
    maxAgeDays: Type.Optional(Type.Number()),
    minAgeDays: Type.Optional(Type.Number()),
    maxRepeatedCharacters: Type.Optional(Type.Number()),
    minUniqueCharacters: Type.Optional(Type.Number()),
    minComplexity: Type.Optional(Type.Number()),
    minCharacters: Type.Optional(Type.Record(Type.String(), Type.Number())),
    alphabetSequenceRule: Type.Optional(MaxLength),
    numberSequenceRule: Type.Optional(MaxLength),
    qwertySequenceRule: Type.Optional(MaxLength),
    shiftedNumberRowSequenceRule: Type.Optional(MaxLength),
  },
  // Read-only fields (id, environment, populationCount...) sent back by clients are ignored.
  { additionalProperties: true },
);
export type PolicyBody = Static<typeof PolicyBody>;

const IntMaxLength = Type.Object({ maxLength: Type.Integer() });
export const PolicySchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  default: Type.Boolean(),
  // Always present (PingOne marks them required): false when the rule is off or was never set.
  excludesCommonlyUsed: Type.Boolean(),
  excludesProfileData: Type.Boolean(),
  notSimilarToCurrent: Type.Boolean(),
  history: Type.Optional(
    Type.Object({ count: Type.Optional(Type.Integer()), retentionDays: Type.Optional(Type.Integer()) }),
  ),
  length: Type.Optional(
    Type.Object({ min: Type.Optional(Type.Integer()), max: Type.Optional(Type.Integer()) }),
  ),
  lockout: Type.Optional(
    Type.Object({
      failureCount: Type.Optional(Type.Integer()),
      durationSeconds: Type.Optional(Type.Integer()),
    }),
  ),
  maxAgeDays: Type.Optional(Type.Integer()),
  minAgeDays: Type.Optional(Type.Integer()),
  maxRepeatedCharacters: Type.Optional(Type.Integer()),
  minUniqueCharacters: Type.Optional(Type.Integer()),
  minComplexity: Type.Optional(Type.Integer()),
  minCharacters: Type.Optional(Type.Record(Type.String(), Type.Integer())),
  alphabetSequenceRule: Type.Optional(IntMaxLength),
  numberSequenceRule: Type.Optional(IntMaxLength),
  qwertySequenceRule: Type.Optional(IntMaxLength),
  shiftedNumberRowSequenceRule: Type.Optional(IntMaxLength),
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
