import { Type } from '@sinclair/typebox';
import { decodeCursor } from '../../core/shared/paging.js';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, ListQuery, pageLimit, responses } from '../shared/schemas.js';
import { PolicyBody, PolicySchema, policyWire, toPolicyInput } from './password-policies.wire.js';

const tags = ['Password policies'];
const Params = Type.Object({ envID: Type.String(), passwordPolicyID: Type.String() });

export function passwordPoliciesRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const wire = (p: Parameters<typeof policyWire>[1]) => policyWire(hal, p);
  const path = '/environments/:envID/passwordPolicies';

  app.get(
    path,
    {
      schema: {
        tags,
        params: EnvParams,
        querystring: ListQuery,
        response: responses({ 200: collectionSchema('passwordPolicies', PolicySchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const limit = pageLimit(request.query.limit);
      const page = await services.passwordPolicies.list(actorOf(request), envID, {
        limit,
        after: decodeCursor(request.query.cursor),
      });
      return collection(
        hal,
        hal.env(envID, '/passwordPolicies'),
        { limit: request.query.limit },
        'passwordPolicies',
        page,
        wire,
      );
    },
  );

  app.post(
    path,
    { schema: { tags, params: EnvParams, body: PolicyBody, response: responses({ 201: PolicySchema }) } },
    async (request, reply) => {
      const policy = await services.passwordPolicies.create(
        actorOf(request),
        request.params.envID,
        toPolicyInput(request.body),
      );
      const body = wire(policy);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    `${path}/:passwordPolicyID`,
    { schema: { tags, params: Params, response: responses({ 200: PolicySchema }) } },
    async (request) =>
      wire(
        await services.passwordPolicies.get(
          actorOf(request),
          request.params.envID,
          request.params.passwordPolicyID,
        ),
      ),
  );

  app.put(
    `${path}/:passwordPolicyID`,
    { schema: { tags, params: Params, body: PolicyBody, response: responses({ 200: PolicySchema }) } },
    async (request) =>
      wire(
        await services.passwordPolicies.replace(
          actorOf(request),
          request.params.envID,
          request.params.passwordPolicyID,
          toPolicyInput(request.body),
        ),
      ),
  );

  app.delete(
    `${path}/:passwordPolicyID`,
    { schema: { tags, params: Params, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await services.passwordPolicies.delete(
        actorOf(request),
        request.params.envID,
        request.params.passwordPolicyID,
      );
      return reply.status(204).send();
    },
  );
}
