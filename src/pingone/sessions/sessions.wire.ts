import { Type, type Static } from '@sinclair/typebox';
import { iso } from '../../core/shared/clock.js';
import type { Session } from '../../core/signon/flow.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

/** A user's SSO session (reference §7.1). Location and device details are not recorded. */
export const SessionSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  user: IdRef,
  createdAt: Type.String(),
  activeAt: Type.String(),
  expiresAt: Type.String(),
  lastSignOn: Type.Object({
    at: Type.String(),
    remoteIp: Type.Optional(Type.String()),
  }),
  locations: Type.Array(Type.Object({ at: Type.String(), remoteIp: Type.String() })),
  userAgent: Type.Optional(Type.String()),
});
export type SessionWire = Static<typeof SessionSchema>;

export function sessionWire(hal: Hal, s: Session): SessionWire {
  return {
    _links: {
      self: hal.link(hal.env(s.environmentId, `/users/${s.userId}/sessions/${s.id}`)),
      user: hal.link(hal.env(s.environmentId, `/users/${s.userId}`)),
      environment: hal.link(hal.env(s.environmentId)),
    },
    id: s.id,
    environment: { id: s.environmentId },
    user: { id: s.userId },
    createdAt: iso(s.createdAt),
    activeAt: iso(s.activeAt),
    expiresAt: iso(s.expiresAt),
    lastSignOn: { at: iso(s.lastSignOnAt), ...(s.remoteIp !== undefined ? { remoteIp: s.remoteIp } : {}) },
    locations: s.remoteIp !== undefined ? [{ at: iso(s.lastSignOnAt), remoteIp: s.remoteIp }] : [],
    ...(s.userAgent !== undefined ? { userAgent: s.userAgent } : {}),
  };
}
