import { Type, type Static } from '@sinclair/typebox';
import type {
  SignOnPolicy,
  SignOnPolicyAssignment,
  SignOnPolicyAssignmentInput,
  SignOnPolicyInput,
} from '../../core/sign-on-policies/sign-on-policy.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

// Ping's own use-case pages send `"default": "false"` (a string); those requests must work.
const LooseBoolean = Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false')]);

export const PolicyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    default: Type.Optional(LooseBoolean),
  },
  // Read-only fields (id, environment, _links...) sent back by clients are ignored.
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
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type PolicyWire = Static<typeof PolicySchema>;

export function toPolicyInput(body: PolicyBody): SignOnPolicyInput {
  const isDefault = body.default === undefined ? undefined : body.default === true || body.default === 'true';
  return { name: body.name, description: body.description, isDefault };
}

export function policyWire(hal: Hal, p: SignOnPolicy): PolicyWire {
  const self = hal.env(p.environmentId, `/signOnPolicies/${p.id}`);
  return {
    _links: {
      self: hal.link(self),
      environment: hal.link(hal.env(p.environmentId)),
      actions: hal.link(`${self}/actions`),
    },
    id: p.id,
    environment: { id: p.environmentId },
    name: p.name,
    ...(p.description !== undefined ? { description: p.description } : {}),
    default: p.isDefault,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

export const AssignmentBody = Type.Object(
  { signOnPolicy: IdRef, priority: Type.Integer({ minimum: 1 }) },
  { additionalProperties: true },
);
export type AssignmentBody = Static<typeof AssignmentBody>;

export const AssignmentSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  application: IdRef,
  signOnPolicy: IdRef,
  priority: Type.Integer(),
});
export type AssignmentWire = Static<typeof AssignmentSchema>;

export const toAssignmentInput = (body: AssignmentBody): SignOnPolicyAssignmentInput => ({
  policyId: body.signOnPolicy.id,
  priority: body.priority,
});

export function assignmentWire(hal: Hal, a: SignOnPolicyAssignment): AssignmentWire {
  const application = hal.env(a.environmentId, `/applications/${a.applicationId}`);
  return {
    _links: {
      self: hal.link(`${application}/signOnPolicyAssignments/${a.id}`),
      environment: hal.link(hal.env(a.environmentId)),
      application: hal.link(application),
      signOnPolicy: hal.link(hal.env(a.environmentId, `/signOnPolicies/${a.policyId}`)),
    },
    id: a.id,
    environment: { id: a.environmentId },
    application: { id: a.applicationId },
    signOnPolicy: { id: a.policyId },
    priority: a.priority,
  };
}
