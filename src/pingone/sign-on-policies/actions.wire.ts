import { Type, type Static } from '@sinclair/typebox';
import type {
  SignOnPolicyAction,
  SignOnPolicyActionInput,
} from '../../core/sign-on-policies/sign-on-policy.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const Open = { additionalProperties: true } as const;

/**
 * One body for every action type: `type` is free text so the core can answer "not supported
 * yet" for PingOne's other types instead of a schema error about their fields. The LOGIN fields
 * are typed; unknown properties are ignored, as for other PingOne resources.
 */
export const ActionBody = Type.Object(
  {
    type: Type.String(),
    priority: Type.Integer({ minimum: 1 }),
    condition: Type.Optional(Type.Object({}, Open)),
    recovery: Type.Optional(Type.Object({ enabled: Type.Boolean() }, Open)),
    registration: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean(),
          population: Type.Optional(IdRef),
          external: Type.Optional(Type.Object({ href: Type.String() }, Open)),
          confirmIdentityProviderAttributes: Type.Optional(Type.Boolean()),
        },
        Open,
      ),
    ),
    enforceLockoutForIdentityProviders: Type.Optional(Type.Boolean()),
    socialProviders: Type.Optional(Type.Array(Type.Object({ id: Type.String() }, Open))),
    newUserProvisioning: Type.Optional(Type.Object({}, Open)),
  },
  Open,
);
export type ActionBody = Static<typeof ActionBody>;

export const ActionSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  signOnPolicy: IdRef,
  type: Type.String(),
  priority: Type.Integer(),
  condition: Type.Optional(Type.Object({}, Open)),
  recovery: Type.Object({ enabled: Type.Boolean() }),
  registration: Type.Object({
    enabled: Type.Boolean(),
    population: Type.Optional(IdRef),
    confirmIdentityProviderAttributes: Type.Optional(Type.Boolean()),
  }),
  enforceLockoutForIdentityProviders: Type.Boolean(),
});
export type ActionWire = Static<typeof ActionSchema>;

export function toActionInput(body: ActionBody): SignOnPolicyActionInput {
  const registration = body.registration;
  return {
    type: body.type,
    priority: body.priority,
    condition: body.condition,
    recovery: body.recovery ? { enabled: body.recovery.enabled } : undefined,
    registration: registration
      ? {
          enabled: registration.enabled,
          populationId: registration.population?.id,
          confirmIdentityProviderAttributes: registration.confirmIdentityProviderAttributes,
          externalHref: registration.external?.href,
        }
      : undefined,
    enforceLockoutForIdentityProviders: body.enforceLockoutForIdentityProviders,
    socialProviderIds: body.socialProviders?.map((p) => p.id),
    newUserProvisioning: body.newUserProvisioning !== undefined,
  };
}

export function actionWire(hal: Hal, a: SignOnPolicyAction): ActionWire {
  const policy = hal.env(a.environmentId, `/signOnPolicies/${a.policyId}`);
  const { registration } = a.login;
  return {
    _links: {
      self: hal.link(`${policy}/actions/${a.id}`),
      environment: hal.link(hal.env(a.environmentId)),
      signOnPolicy: hal.link(policy),
    },
    id: a.id,
    environment: { id: a.environmentId },
    signOnPolicy: { id: a.policyId },
    type: a.type,
    priority: a.priority,
    ...(a.condition !== undefined ? { condition: a.condition } : {}),
    recovery: { enabled: a.login.recoveryEnabled },
    registration: {
      enabled: registration.enabled,
      ...(registration.populationId !== undefined ? { population: { id: registration.populationId } } : {}),
      ...(registration.confirmIdentityProviderAttributes !== undefined
        ? { confirmIdentityProviderAttributes: registration.confirmIdentityProviderAttributes }
        : {}),
    },
    enforceLockoutForIdentityProviders: a.login.enforceLockoutForIdentityProviders,
  };
}
