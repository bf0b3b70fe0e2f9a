import { Type, type Static } from '@sinclair/typebox';
import type { GroupInput, GroupWithCount, Membership } from '../../core/groups/group.js';
import type { GroupNesting } from '../../core/groups/nesting.service.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

export const GroupBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    population: Type.Optional(Type.Object({ id: Type.String() })),
    externalId: Type.Optional(Type.String({ maxLength: 1024 })),
    customData: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);
export type GroupBody = Static<typeof GroupBody>;

export const GroupSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  displayName: Type.String(),
  description: Type.Optional(Type.String()),
  population: Type.Optional(IdRef),
  externalId: Type.Optional(Type.String()),
  customData: Type.Optional(Type.Object({}, { additionalProperties: true })),
  directMemberCounts: Type.Object({ users: Type.Integer() }),
  totalMemberCounts: Type.Optional(Type.Object({ users: Type.Integer() })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const MembershipBody = Type.Object({ id: Type.String() }, { additionalProperties: true });

export const MembershipSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  type: Type.String(),
});

export const toGroupInput = (body: GroupBody): GroupInput => ({
  name: body.name,
  description: body.description,
  populationId: body.population?.id,
  externalId: body.externalId,
  customData: body.customData,
});

export function groupWire(hal: Hal, g: GroupWithCount): Static<typeof GroupSchema> {
  return {
    _links: {
      self: hal.link(hal.env(g.environmentId, `/groups/${g.id}`)),
      environment: hal.link(hal.env(g.environmentId)),
      memberOfGroups: hal.link(hal.env(g.environmentId, `/groups/${g.id}/memberOfGroups`)),
      roleAssignments: hal.link(hal.env(g.environmentId, `/groups/${g.id}/roleAssignments`)),
      ...(g.populationId
        ? { population: hal.link(hal.env(g.environmentId, `/populations/${g.populationId}`)) }
        : {}),
    },
    id: g.id,
    environment: { id: g.environmentId },
    name: g.name,
    displayName: g.name,
    ...(g.description !== undefined ? { description: g.description } : {}),
    ...(g.populationId ? { population: { id: g.populationId } } : {}),
    ...(g.externalId !== undefined ? { externalId: g.externalId } : {}),
    ...(g.customData !== undefined ? { customData: g.customData } : {}),
    directMemberCounts: { users: g.directUserCount },
    ...(g.totalUserCount !== undefined ? { totalMemberCounts: { users: g.totalUserCount } } : {}),
    createdAt: iso(g.createdAt),
    updatedAt: iso(g.updatedAt),
  };
}

export function membershipWire(hal: Hal, m: Membership): Static<typeof MembershipSchema> {
  const user = hal.env(m.environmentId, `/users/${m.userId}`);
  return {
    _links: {
      self: hal.link(`${user}/memberOfGroups/${m.groupId}`),
      user: hal.link(user),
      group: hal.link(hal.env(m.environmentId, `/groups/${m.groupId}`)),
    },
    id: m.groupId,
    environment: { id: m.environmentId },
    name: m.groupName,
    type: m.type,
  };
}

export const NestingBody = Type.Object({ id: Type.String({ minLength: 1 }) }, { additionalProperties: true });

/** PingOne's GroupNesting: `id` and `name` are the parent's; the URL group is the child. */
export const NestingSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  type: Type.String(),
});

export function nestingWire(hal: Hal, n: GroupNesting): Static<typeof NestingSchema> {
  const child = hal.env(n.environmentId, `/groups/${n.childId}`);
  return {
    _links: {
      self: hal.link(`${child}/memberOfGroups/${n.parentId}`),
      environment: hal.link(hal.env(n.environmentId)),
      group: hal.link(hal.env(n.environmentId, `/groups/${n.parentId}`)),
    },
    id: n.parentId,
    environment: { id: n.environmentId },
    name: n.parentName,
    type: n.type,
  };
}
