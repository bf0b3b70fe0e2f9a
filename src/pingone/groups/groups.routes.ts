import { Type } from '@sinclair/typebox';
import { decodeCursor } from '../../core/shared/paging.js';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, ListQuery, pageLimit, responses } from '../shared/schemas.js';
import {
  GroupBody,
  GroupSchema,
  groupWire,
  MembershipBody,
  MembershipSchema,
  membershipWire,
  toGroupInput,
} from './groups.wire.js';

const tags = ['Groups'];
const GroupParams = Type.Object({ envID: Type.String(), groupID: Type.String() });
const GroupReadQuery = Type.Object({
  include: Type.Optional(
    Type.String({ description: 'totalMemberCounts: members through nested groups included' }),
  ),
});
const UserParams = Type.Object({ envID: Type.String(), userID: Type.String() });
const MembershipParams = Type.Object({ envID: Type.String(), userID: Type.String(), groupID: Type.String() });

export function groupsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const wire = (g: Parameters<typeof groupWire>[1]) => groupWire(hal, g);

  app.get(
    '/environments/:envID/groups',
    {
      schema: {
        tags,
        params: EnvParams,
        querystring: ListQuery,
        response: responses({ 200: collectionSchema('groups', GroupSchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const { filter, cursor } = request.query;
      const limit = pageLimit(request.query.limit);
      const page = await services.groups.list(actorOf(request), envID, {
        filter,
        limit,
        after: decodeCursor(cursor),
      });
      return collection(
        hal,
        hal.env(envID, '/groups'),
        { filter, limit: request.query.limit },
        'groups',
        page,
        wire,
      );
    },
  );

  app.post(
    '/environments/:envID/groups',
    { schema: { tags, params: EnvParams, body: GroupBody, response: responses({ 201: GroupSchema }) } },
    async (request, reply) => {
      const group = wire(
        await services.groups.create(actorOf(request), request.params.envID, toGroupInput(request.body)),
      );
      return reply.status(201).header('Location', group._links.self!.href).send(group);
    },
  );

  app.get(
    '/environments/:envID/groups/:groupID',
    {
      schema: {
        tags,
        params: GroupParams,
        querystring: GroupReadQuery,
        response: responses({ 200: GroupSchema }),
      },
    },
    async (request) => {
      const { envID, groupID } = request.params;
      const include = (request.query.include ?? '').split(',').map((s) => s.trim());
      return wire(
        await services.groups.get(actorOf(request), envID, groupID, {
          includeTotal: include.includes('totalMemberCounts'),
        }),
      );
    },
  );

  app.put(
    '/environments/:envID/groups/:groupID',
    { schema: { tags, params: GroupParams, body: GroupBody, response: responses({ 200: GroupSchema }) } },
    async (request) => {
      const { envID, groupID } = request.params;
      return wire(
        await services.groups.replace(actorOf(request), envID, groupID, toGroupInput(request.body)),
      );
    },
  );

  app.delete(
    '/environments/:envID/groups/:groupID',
    { schema: { tags, params: GroupParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await services.groups.delete(actorOf(request), request.params.envID, request.params.groupID);
      return reply.status(204).send();
    },
  );

  app.post(
    '/environments/:envID/users/:userID/memberOfGroups',
    {
      schema: {
        tags,
        summary: 'Add the user to a group',
        params: UserParams,
        body: MembershipBody,
        response: responses({ 201: MembershipSchema }),
      },
    },
    async (request, reply) => {
      const { envID, userID } = request.params;
      const membership = membershipWire(
        hal,
        await services.groups.addMember(actorOf(request), envID, userID, request.body.id),
      );
      return reply.status(201).header('Location', membership._links.self!.href).send(membership);
    },
  );

  app.get(
    '/environments/:envID/users/:userID/memberOfGroups',
    {
      schema: {
        tags,
        summary: "List the user's group memberships",
        params: UserParams,
        response: responses({ 200: collectionSchema('groupMemberships', MembershipSchema) }),
      },
    },
    async (request) => {
      const { envID, userID } = request.params;
      const items = await services.groups.listMemberships(actorOf(request), envID, userID);
      return {
        _links: { self: hal.link(hal.env(envID, `/users/${userID}/memberOfGroups`)) },
        _embedded: { groupMemberships: items.map((m) => membershipWire(hal, m)) },
        count: items.length,
        size: items.length,
      };
    },
  );

  app.get(
    '/environments/:envID/users/:userID/memberOfGroups/:groupID',
    {
      schema: {
        tags,
        summary: "Read one of the user's group memberships",
        params: MembershipParams,
        response: responses({ 200: MembershipSchema }),
      },
    },
    async (request) => {
      const { envID, userID, groupID } = request.params;
      return membershipWire(
        hal,
        await services.groups.getMembership(actorOf(request), envID, userID, groupID),
      );
    },
  );

  app.delete(
    '/environments/:envID/users/:userID/memberOfGroups/:groupID',
    {
      schema: {
        tags,
        summary: 'Remove the user from a group',
        params: MembershipParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      const { envID, userID, groupID } = request.params;
      await services.groups.removeMember(actorOf(request), envID, userID, groupID);
      return reply.status(204).send();
    },
  );
}
