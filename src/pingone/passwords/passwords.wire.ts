import { Type, type Static } from '@sinclair/typebox';
import type { PasswordState } from '../../core/passwords/password.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { policyWire, PolicySchema } from '../password-policies/password-policies.wire.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const open = { additionalProperties: true };
export const SetBody = Type.Object(
  {
    value: Type.String(),
    forceChange: Type.Optional(Type.Boolean()),
    bypassPolicy: Type.Optional(Type.Boolean()),
  },
  open,
);
export const SetValueBody = Type.Object(
  {
    value: Type.Optional(Type.String()),
    forceChange: Type.Optional(Type.Boolean()),
    bypassPolicy: Type.Optional(Type.Boolean()),
  },
  open,
);
export const ResetBody = Type.Object(
  { currentPassword: Type.Optional(Type.String()), newPassword: Type.String() },
  open,
);
export const CheckBody = Type.Object({ password: Type.String() }, open);
export const RecoverBody = Type.Object({ recoveryCode: Type.String(), newPassword: Type.String() }, open);

/** The password state, fields in PingOne's order (seed 000/001: _links, environment, user, passwordPolicy, status, lastChangedAt). */
export const PasswordStateSchema = Type.Object({
  _links: LinksSchema,
  environment: IdRef,
  user: IdRef,
  passwordPolicy: Type.Optional(IdRef),
  // Always present; Optional only because the serializer writes required properties first and the
  // seed's order is passwordPolicy, status, lastChangedAt.
  status: Type.Optional(Type.String()),
  lastChangedAt: Type.Optional(Type.String()),
  secondsUntilUnlock: Type.Optional(Type.Integer()),
  // Warnings: names not confirmed by PingOne (docs/passwords.md).
  failuresRemaining: Type.Optional(Type.Integer()),
  expiresAt: Type.Optional(Type.String()),
  _embedded: Type.Optional(Type.Object({ passwordPolicy: PolicySchema })),
});
export type PasswordStateWire = Static<typeof PasswordStateSchema>;

export function passwordStateWire(
  hal: Hal,
  state: PasswordState,
  options: { expandPolicy?: boolean; populationCount?: number } = {},
): PasswordStateWire {
  const user = hal.env(state.environmentId, `/users/${state.userId}`);
  const self = hal.link(`${user}/password`);
  const policy = state.policy;
  return {
    _links: {
      self,
      environment: hal.link(hal.env(state.environmentId)),
      user: hal.link(user),
      ...(policy
        ? { passwordPolicy: hal.link(hal.env(state.environmentId, `/passwordPolicies/${policy.id}`)) }
        : {}),
      'password.check': self,
      'password.reset': self,
      'password.set': self,
      'password.recover': self,
    },
    environment: { id: state.environmentId },
    user: { id: state.userId },
    ...(policy ? { passwordPolicy: { id: policy.id } } : {}),
    status: state.status,
    ...(state.lastChangedAt !== undefined ? { lastChangedAt: iso(state.lastChangedAt) } : {}),
    ...(state.secondsUntilUnlock !== undefined ? { secondsUntilUnlock: state.secondsUntilUnlock } : {}),
    ...(state.failuresRemaining !== undefined ? { failuresRemaining: state.failuresRemaining } : {}),
    ...(state.expiresAt !== undefined ? { expiresAt: iso(state.expiresAt) } : {}),
    ...(options.expandPolicy && policy
      ? {
          _embedded: {
            passwordPolicy: policyWire(hal, { ...policy, populationCount: options.populationCount ?? 0 }),
          },
        }
      : {}),
  };
}
