import { Type } from '@sinclair/typebox';
import type { Actor } from '../../core/access/actor.js';
import { MAX_ACTIVITY_PAGE } from '../../core/activities/activities.service.js';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, responses } from '../shared/schemas.js';
import { ActivitySchema, activityWire } from './activities.wire.js';

const tags = ['Activities'];
const Params = Type.Object({ envID: Type.String(), activityID: Type.String() });
const ListQuery = Type.Object({
  filter: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ACTIVITY_PAGE })),
  cursor: Type.Optional(Type.String()),
});
/** POST keeps personal data (user ids, names) out of URLs and logs (reference §3.1). */
const FilterBody = Type.Object(
  {
    filter: Type.String(),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ACTIVITY_PAGE })),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export function activitiesRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const page = async (
    actor: Actor,
    envID: string,
    query: { filter?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
    linkQuery: Record<string, string | number | undefined>,
  ) => {
    const result = await services.activities.list(actor, envID, query);
    return collection(hal, hal.env(envID, '/activities'), linkQuery, 'activities', result, (a) =>
      activityWire(hal, a),
    );
  };

  app.get(
    '/environments/:envID/activities',
    {
      schema: {
        tags,
        summary: 'READ Audit Activities',
        params: EnvParams,
        querystring: ListQuery,
        response: responses({ 200: collectionSchema('activities', ActivitySchema) }),
      },
    },
    async (request) => {
      const { filter, limit } = request.query;
      return page(actorOf(request), request.params.envID, request.query, { filter, limit });
    },
  );

  app.post(
    '/environments/:envID/activities',
    {
      schema: {
        tags,
        summary: 'READ Audit Activities (filter in the body)',
        params: EnvParams,
        body: FilterBody,
        response: responses({ 200: collectionSchema('activities', ActivitySchema) }),
      },
    },
    // The next link is a GET with the filter in its query (clients follow `_links.next` with
    // GET); to keep the filter out of URLs, POST again with the link's cursor in the body.
    async (request) => {
      const { filter, limit } = request.body;
      return page(actorOf(request), request.params.envID, request.body, { filter, limit });
    },
  );

  app.get(
    '/environments/:envID/activities/:activityID',
    {
      schema: {
        tags,
        summary: 'READ One Audit Activity',
        params: Params,
        response: responses({ 200: ActivitySchema }),
      },
    },
    async (request) =>
      activityWire(
        hal,
        await services.activities.get(actorOf(request), request.params.envID, request.params.activityID),
      ),
  );
}
