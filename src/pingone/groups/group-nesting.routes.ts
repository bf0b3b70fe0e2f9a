import { Type } from '@sinclair/typebox';
import { decodeCursor } from '../../core/shared/paging.js';
import { actorOf } from '../../http/actor.js';
import type { FastifyTypebox } from '../../http/context.js';
import { collection } from '../../pingone-common/hal.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, pageLimit, responses } from '../shared/schemas.js';
import { NestingBody, NestingSchema, nestingWire } from './groups.wire.js';

const tags = ['Groups'];
const GroupParams = Type.Object({ envID: Type.String(), groupID: Type.String() });
const NestingParams = Type.Object({
  envID: Type.String(),
  groupID: Type.String(),
  nestedGroupID: Type.String({ description: 'The parent group (the one the URL group is nested in)' }),
});
const ParentsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String()),
});

/**
 * Nested groups (reference more §1.3): `/groups/{groupID}/memberOfGroups` lists and edits the
 * groups that contain `{groupID}`; the URL group is the child, the body group the parent.
 */
export function groupNestingRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const base = (envID: string, groupID: string) => hal.env(envID, `/groups/${groupID}/memberOfGroups`);

  app.get(
    '/environments/:envID/groups/:groupID/memberOfGroups',
    {
      schema: {
        tags,
        summary: 'List the groups a group is nested in',
        params: GroupParams,
        querystring: ParentsQuery,
        response: responses({ 200: collectionSchema('groupMemberships', NestingSchema) }),
      },
    },
    async (request) => {
      const { envID, groupID } = request.params;
      const limit = pageLimit(request.query.limit);
      const page = await services.groupNesting.listParents(actorOf(request), envID, groupID, {
        limit,
        after: decodeCursor(request.query.cursor),
      });
      const counted = page.nextCursor ? page : { ...page, count: page.items.length };
      return collection(
        hal,
        base(envID, groupID),
        { limit: request.query.limit },
        'groupMemberships',
        counted,
        (n) => nestingWire(hal, n),
      );
    },
  );

  app.post(
    '/environments/:envID/groups/:groupID/memberOfGroups',
    {
      schema: {
        tags,
        summary: 'Nest the group in another group',
        params: GroupParams,
        body: NestingBody,
        response: responses({ 201: NestingSchema }),
      },
    },
    async (request, reply) => {
      const { envID, groupID } = request.params;
      const nesting = nestingWire(
        hal,
        await services.groupNesting.nest(actorOf(request), envID, groupID, request.body.id),
      );
      return reply.status(201).header('Location', nesting._links.self!.href).send(nesting);
    },
  );

  app.get(
    '/environments/:envID/groups/:groupID/memberOfGroups/:nestedGroupID',
    {
      schema: {
        tags,
        summary: 'Read one group nesting',
        params: NestingParams,
        response: responses({ 200: NestingSchema }),
      },
    },
    async (request) => {
      const { envID, groupID, nestedGroupID } = request.params;
      return nestingWire(
        hal,
        await services.groupNesting.getParent(actorOf(request), envID, groupID, nestedGroupID),
      );
    },
  );

  app.delete(
    '/environments/:envID/groups/:groupID/memberOfGroups/:nestedGroupID',
    {
      schema: {
        tags,
        summary: 'Remove the group from a group it is nested in',
        params: NestingParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      const { envID, groupID, nestedGroupID } = request.params;
      await services.groupNesting.unnest(actorOf(request), envID, groupID, nestedGroupID);
      return reply.status(204).send();
    },
  );
}
