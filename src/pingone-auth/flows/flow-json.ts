import { Type, type Static } from '@sinclair/typebox';
import { iso } from '../../core/shared/clock.js';
import type { Flow } from '../../core/signon/flow.js';
import { allowedActions } from '../../core/signon/flow-rules.js';
import type { FlowPresentation } from '../../core/signon/flows.service.js';
import { PasswordPolicyRulesSchema, passwordPolicyRulesWire } from '../../pingone-common/password-policy.js';

const Link = Type.Object({ href: Type.String() });

/** The Flows API flow resource (reference §4.3); also the `response_mode=pi.flow` answer. */
export const FlowSchema = Type.Object(
  {
    _links: Type.Record(Type.String(), Link),
    _embedded: Type.Object({
      passwordPolicy: Type.Optional(PasswordPolicyRulesSchema),
      user: Type.Optional(Type.Object({ id: Type.String(), username: Type.String() })),
    }),
    id: Type.String(),
    status: Type.String(),
    resumeUrl: Type.String(),
    application: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
    createdAt: Type.String(),
    expiresAt: Type.String(),
    // Extension: why a FAILED flow failed (the authorization server turns it into an OAuth error).
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  },
  { title: 'Flow' },
);
export type FlowWire = Static<typeof FlowSchema>;

export const flowUrl = (publicUrl: string, flow: Pick<Flow, 'environmentId' | 'id'>) =>
  `${publicUrl}/${flow.environmentId}/flows/${flow.id}`;

export const resumeUrl = (publicUrl: string, flow: Pick<Flow, 'environmentId' | 'id'>) =>
  `${publicUrl}/${flow.environmentId}/as/resume?flowId=${encodeURIComponent(flow.id)}`;

/**
 * A flow as the Flows API answers it: `self` plus one rel per action valid now (every href is the
 * flow URL; the media type picks the action). The user is not shown while a recovery code is
 * awaited, so `password.forgot` never tells whether a username exists.
 */
export function flowJson(flow: Flow, publicUrl: string, presentation: FlowPresentation): FlowWire {
  const href = flowUrl(publicUrl, flow);
  const links: Record<string, { href: string }> = { self: { href } };
  for (const action of allowedActions(flow)) links[action] = { href };
  const showUser =
    flow.userId !== undefined && flow.username !== undefined && flow.status !== 'RECOVERY_CODE_REQUIRED';
  return {
    _links: links,
    _embedded: {
      ...(presentation.passwordPolicy
        ? { passwordPolicy: passwordPolicyRulesWire(presentation.passwordPolicy) }
        : {}),
      ...(showUser ? { user: { id: flow.userId, username: flow.username } } : {}),
    },
    id: flow.id,
    status: flow.status,
    resumeUrl: resumeUrl(publicUrl, flow),
    ...(presentation.application ? { application: presentation.application } : {}),
    createdAt: iso(flow.createdAt),
    expiresAt: iso(flow.expiresAt),
    ...(flow.failure ? { error: { code: flow.failure.error, message: flow.failure.description } } : {}),
  };
}
