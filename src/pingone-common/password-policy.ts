import { Type, type Static, type TInteger, type TNumber } from '@sinclair/typebox';
import type { PasswordPolicy } from '../core/password-policies/password-policy.js';

/** `Type.Integer` or `Type.Number`, as a factory (a TypeBox builder method used unbound). */
type NumberKind = () => TInteger | TNumber;

/**
 * The rule fields of PingOne's password-policy shape, shared by the management face (input with
 * `Type.Number`, since PingOne truncates floats and range errors come from the core; output with
 * `Type.Integer`) and the Flows API's `_embedded.passwordPolicy`.
 */
export function passwordRuleFields(number: NumberKind) {
  const maxLength = Type.Object({ maxLength: number() });
  return {
    excludesCommonlyUsed: Type.Optional(Type.Boolean()),
    excludesProfileData: Type.Optional(Type.Boolean()),
    notSimilarToCurrent: Type.Optional(Type.Boolean()),
    history: Type.Optional(
      Type.Object({ count: Type.Optional(number()), retentionDays: Type.Optional(number()) }),
    ),
    length: Type.Optional(Type.Object({ min: Type.Optional(number()), max: Type.Optional(number()) })),
    lockout: Type.Optional(
      Type.Object({ failureCount: Type.Optional(number()), durationSeconds: Type.Optional(number()) }),
    ),
    maxAgeDays: Type.Optional(number()),
    minAgeDays: Type.Optional(number()),
    maxRepeatedCharacters: Type.Optional(number()),
    minUniqueCharacters: Type.Optional(number()),
    minComplexity: Type.Optional(number()),
    minCharacters: Type.Optional(Type.Record(Type.String(), number())),
    alphabetSequenceRule: Type.Optional(maxLength),
    numberSequenceRule: Type.Optional(maxLength),
    qwertySequenceRule: Type.Optional(maxLength),
    shiftedNumberRowSequenceRule: Type.Optional(maxLength),
  };
}

/**
 * A password policy's rules in PingOne's password-policy shape, as the Flows API embeds it
 * (`_embedded.passwordPolicy`): the sign-on UI builds its hints from these fields.
 */
export const PasswordPolicyRulesSchema = Type.Object(
  {
    id: Type.String(),
    environment: Type.Object({ id: Type.String() }),
    name: Type.String(),
    default: Type.Boolean(),
    ...passwordRuleFields(() => Type.Integer()),
  },
  { title: 'PasswordPolicyRules' },
);
export type PasswordPolicyRulesWire = Static<typeof PasswordPolicyRulesSchema>;

export function passwordPolicyRulesWire(policy: PasswordPolicy): PasswordPolicyRulesWire {
  return {
    id: policy.id,
    environment: { id: policy.environmentId },
    name: policy.name,
    default: policy.isDefault,
    ...policy.rules,
  };
}
