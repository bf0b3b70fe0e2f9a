import { Type } from '@sinclair/typebox';
import { decodeCursor } from '../../core/shared/paging.js';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, ListQuery, pageLimit, responses } from '../shared/schemas.js';
import { PopulationBody, PopulationSchema, populationWire, toPopulationInput } from './populations.wire.js';

const tags = ['Populations'];
const Params = Type.Object({ envID: Type.String(), populationID: Type.String() });

export function populationsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const wire = (p: Parameters<typeof populationWire>[1]) => populationWire(hal, p);

  app.get(
    '/environments/:envID/populations',
    {
      schema: {
        tags,
        params: EnvParams,
        querystring: ListQuery,
        response: responses({ 200: collectionSchema('populations', PopulationSchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const { filter, cursor } = request.query;
      const limit = pageLimit(request.query.limit);
      const page = await services.populations.list(actorOf(request), envID, {
        filter,
        limit,
        after: decodeCursor(cursor),
      });
      return collection(
        hal,
        hal.env(envID, '/populations'),
        { filter, limit: request.query.limit },
        'populations',
        page,
        wire,
      );
    },
  );

  app.post(
    '/environments/:envID/populations',
    {
      schema: {
        tags,
        params: EnvParams,
        body: PopulationBody,
        response: responses({ 201: PopulationSchema }),
      },
    },
    async (request, reply) => {
      const population = await services.populations.create(
        actorOf(request),
        request.params.envID,
        toPopulationInput(request.body),
      );
      const body = wire(population);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/populations/:populationID',
    { schema: { tags, params: Params, response: responses({ 200: PopulationSchema }) } },
    async (request) =>
      wire(
        await services.populations.get(actorOf(request), request.params.envID, request.params.populationID),
      ),
  );

  app.put(
    '/environments/:envID/populations/:populationID',
    {
      schema: { tags, params: Params, body: PopulationBody, response: responses({ 200: PopulationSchema }) },
    },
    async (request) =>
      wire(
        await services.populations.replace(
          actorOf(request),
          request.params.envID,
          request.params.populationID,
          toPopulationInput(request.body),
        ),
      ),
  );

  app.delete(
    '/environments/:envID/populations/:populationID',
    { schema: { tags, params: Params, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await services.populations.delete(actorOf(request), request.params.envID, request.params.populationID);
      return reply.status(204).send();
    },
  );
}
