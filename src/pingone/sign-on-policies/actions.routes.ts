import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, responses } from '../shared/schemas.js';
import { ActionBody, ActionSchema, actionWire, toActionInput } from './actions.wire.js';

const tags = ['Sign-on policy actions'];
const PolicyParams = Type.Object({ envID: Type.String(), policyID: Type.String() });
const Params = Type.Object({ envID: Type.String(), policyID: Type.String(), actionID: Type.String() });

export function signOnPolicyActionsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const actions = services.signOnPolicies.actions;
  const wire = (a: Parameters<typeof actionWire>[1]) => actionWire(hal, a);
  const path = '/environments/:envID/signOnPolicies/:policyID/actions';

  // At most 20 actions per policy: the list is never paged.
  app.get(
    path,
    {
      schema: {
        tags,
        params: PolicyParams,
        response: responses({ 200: collectionSchema('actions', ActionSchema) }),
      },
    },
    async (request) => {
      const { envID, policyID } = request.params;
      const items = await actions.list(actorOf(request), envID, policyID);
      return collection(
        hal,
        hal.env(envID, `/signOnPolicies/${policyID}/actions`),
        {},
        'actions',
        { items },
        wire,
      );
    },
  );

  app.post(
    path,
    { schema: { tags, params: PolicyParams, body: ActionBody, response: responses({ 201: ActionSchema }) } },
    async (request, reply) => {
      const { envID, policyID } = request.params;
      const action = await actions.create(actorOf(request), envID, policyID, toActionInput(request.body));
      const body = wire(action);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    `${path}/:actionID`,
    { schema: { tags, params: Params, response: responses({ 200: ActionSchema }) } },
    async (request) => {
      const { envID, policyID, actionID } = request.params;
      return wire(await actions.get(actorOf(request), envID, policyID, actionID));
    },
  );

  app.put(
    `${path}/:actionID`,
    { schema: { tags, params: Params, body: ActionBody, response: responses({ 200: ActionSchema }) } },
    async (request) => {
      const { envID, policyID, actionID } = request.params;
      return wire(
        await actions.replace(actorOf(request), envID, policyID, actionID, toActionInput(request.body)),
      );
    },
  );

  app.delete(
    `${path}/:actionID`,
    { schema: { tags, params: Params, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      const { envID, policyID, actionID } = request.params;
      await actions.delete(actorOf(request), envID, policyID, actionID);
      return reply.status(204).send();
    },
  );
}
