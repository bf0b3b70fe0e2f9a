import { Type } from '@sinclair/typebox';
import { decodeCursor } from '../../core/shared/paging.js';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, ListQuery, pageLimit, responses } from '../shared/schemas.js';
import { PolicyBody, PolicySchema, policyWire, toPolicyInput } from './sign-on-policies.wire.js';

const tags = ['Sign-on policies'];
const Params = Type.Object({ envID: Type.String(), policyID: Type.String() });

export function signOnPoliciesRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const policies = services.signOnPolicies;
  const wire = (p: Parameters<typeof policyWire>[1]) => policyWire(hal, p);
  const path = '/environments/:envID/signOnPolicies';

  app.get(
    path,
    {
      schema: {
        tags,
        params: EnvParams,
        querystring: ListQuery,
        response: responses({ 200: collectionSchema('signOnPolicies', PolicySchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const page = await policies.list(actorOf(request), envID, {
        limit: pageLimit(request.query.limit),
        after: decodeCursor(request.query.cursor),
      });
      return collection(
        hal,
        hal.env(envID, '/signOnPolicies'),
        { limit: request.query.limit },
        'signOnPolicies',
        page,
        wire,
      );
    },
  );

  app.post(
    path,
    { schema: { tags, params: EnvParams, body: PolicyBody, response: responses({ 201: PolicySchema }) } },
    async (request, reply) => {
      const policy = await policies.create(
        actorOf(request),
        request.params.envID,
        toPolicyInput(request.body),
      );
      const body = wire(policy);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    `${path}/:policyID`,
    { schema: { tags, params: Params, response: responses({ 200: PolicySchema }) } },
    async (request) =>
      wire(await policies.get(actorOf(request), request.params.envID, request.params.policyID)),
  );

  app.put(
    `${path}/:policyID`,
    { schema: { tags, params: Params, body: PolicyBody, response: responses({ 200: PolicySchema }) } },
    async (request) =>
      wire(
        await policies.replace(
          actorOf(request),
          request.params.envID,
          request.params.policyID,
          toPolicyInput(request.body),
        ),
      ),
  );

  app.delete(
    `${path}/:policyID`,
    { schema: { tags, params: Params, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await policies.delete(actorOf(request), request.params.envID, request.params.policyID);
      return reply.status(204).send();
    },
  );
}
