import { Type, type Static } from '@sinclair/typebox';
import type { PasswordPolicy } from '../core/password-policies/password-policy.js';

const MaxLength = Type.Object({ maxLength: Type.Integer() });

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
    excludesCommonlyUsed: Type.Optional(Type.Boolean()),
    excludesProfileData: Type.Optional(Type.Boolean()),
    notSimilarToCurrent: Type.Optional(Type.Boolean()),
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
    alphabetSequenceRule: Type.Optional(MaxLength),
    numberSequenceRule: Type.Optional(MaxLength),
    qwertySequenceRule: Type.Optional(MaxLength),
    shiftedNumberRowSequenceRule: Type.Optional(MaxLength),
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
