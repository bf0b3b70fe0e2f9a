import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, responses } from '../shared/schemas.js';
import {
  SubscriptionBody,
  SubscriptionSchema,
  subscriptionWire,
  toSubscriptionInput,
} from './subscriptions.wire.js';

const tags = ['Subscriptions'];
const Params = Type.Object({ envID: Type.String(), subscriptionID: Type.String() });

export function subscriptionsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const wire = (s: Parameters<typeof subscriptionWire>[1]) => subscriptionWire(hal, s);

  app.get(
    '/environments/:envID/subscriptions',
    {
      schema: {
        tags,
        summary: 'READ All Subscriptions',
        params: EnvParams,
        response: responses({ 200: collectionSchema('subscriptions', SubscriptionSchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const items = await services.webhooks.list(actorOf(request), envID);
      return collection(hal, hal.env(envID, '/subscriptions'), {}, 'subscriptions', { items }, wire);
    },
  );

  app.post(
    '/environments/:envID/subscriptions',
    {
      schema: {
        tags,
        summary: 'CREATE Subscription',
        params: EnvParams,
        body: SubscriptionBody,
        response: responses({ 201: SubscriptionSchema }),
      },
    },
    async (request, reply) => {
      const created = await services.webhooks.create(
        actorOf(request),
        request.params.envID,
        toSubscriptionInput(request.body),
      );
      const body = wire(created);
      return reply.status(201).header('Location', body._links.self.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/subscriptions/:subscriptionID',
    {
      schema: {
        tags,
        summary: 'READ One Subscription',
        params: Params,
        response: responses({ 200: SubscriptionSchema }),
      },
    },
    async (request) =>
      wire(
        await services.webhooks.get(actorOf(request), request.params.envID, request.params.subscriptionID),
      ),
  );

  app.put(
    '/environments/:envID/subscriptions/:subscriptionID',
    {
      schema: {
        tags,
        summary: 'UPDATE Subscription',
        params: Params,
        body: SubscriptionBody,
        response: responses({ 200: SubscriptionSchema }),
      },
    },
    async (request) =>
      wire(
        await services.webhooks.replace(
          actorOf(request),
          request.params.envID,
          request.params.subscriptionID,
          toSubscriptionInput(request.body),
        ),
      ),
  );

  app.delete(
    '/environments/:envID/subscriptions/:subscriptionID',
    {
      schema: {
        tags,
        summary: 'DELETE Subscription',
        params: Params,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await services.webhooks.delete(actorOf(request), request.params.envID, request.params.subscriptionID);
      return reply.status(204).send();
    },
  );
}
