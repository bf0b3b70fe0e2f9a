import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { decodeCursor } from '../../core/shared/paging.js';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import { collectionSchema, EnvParams, ListQuery, pageLimit, responses } from '../shared/schemas.js';
import {
  EnvironmentBody,
  EnvironmentSchema,
  environmentWire,
  toEnvironmentInput,
} from './environments.wire.js';

const tags = ['Environments'];

export function environmentsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const wire = (env: Parameters<typeof environmentWire>[1]) => environmentWire(hal, env);

  app.get(
    '/environments',
    {
      schema: {
        tags,
        querystring: ListQuery,
        response: responses({ 200: collectionSchema('environments', EnvironmentSchema) }),
      },
    },
    async (request) => {
      const { filter, cursor } = request.query;
      const limit = pageLimit(request.query.limit);
      const page = await services.environments.list(actorOf(request), {
        filter,
        limit,
        after: decodeCursor(cursor),
      });
      return collection(
        hal,
        '/environments',
        { filter, limit: request.query.limit },
        'environments',
        page,
        wire,
      );
    },
  );

  app.post(
    '/environments',
    { schema: { tags, body: EnvironmentBody, response: responses({ 201: EnvironmentSchema }) } },
    async (request, reply) => {
      const env = await services.environments.create(actorOf(request), toEnvironmentInput(request.body));
      const body = wire(env);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID',
    { schema: { tags, params: EnvParams, response: responses({ 200: EnvironmentSchema }) } },
    async (request) => wire(await services.environments.get(actorOf(request), request.params.envID)),
  );

  app.put(
    '/environments/:envID',
    {
      schema: {
        tags,
        params: EnvParams,
        body: EnvironmentBody,
        response: responses({ 200: EnvironmentSchema }),
      },
    },
    async (request) =>
      wire(
        await services.environments.replace(
          actorOf(request),
          request.params.envID,
          toEnvironmentInput(request.body),
        ),
      ),
  );

  app.delete(
    '/environments/:envID',
    { schema: { tags, params: EnvParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await services.environments.delete(actorOf(request), request.params.envID);
      return reply.status(204).send();
    },
  );
}
