import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, responses } from '../shared/schemas.js';
import {
  AssignmentBody,
  AssignmentSchema,
  assignmentWire,
  toAssignmentInput,
} from './sign-on-policies.wire.js';

const tags = ['Application sign-on policy assignments'];
const AppParams = Type.Object({ envID: Type.String(), appID: Type.String() });
const Params = Type.Object({ envID: Type.String(), appID: Type.String(), assignmentID: Type.String() });

/** `/applications/{appID}/signOnPolicyAssignments`: kept here, with the feature, not with applications. */
export function signOnPolicyAssignmentsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const assignments = services.signOnPolicies.assignments;
  const wire = (a: Parameters<typeof assignmentWire>[1]) => assignmentWire(hal, a);
  const path = '/environments/:envID/applications/:appID/signOnPolicyAssignments';
  const key = 'signOnPolicyAssignments';

  app.get(
    path,
    {
      schema: {
        tags,
        params: AppParams,
        response: responses({ 200: collectionSchema(key, AssignmentSchema) }),
      },
    },
    async (request) => {
      const { envID, appID } = request.params;
      const items = await assignments.list(actorOf(request), envID, appID);
      return collection(hal, hal.env(envID, `/applications/${appID}/${key}`), {}, key, { items }, wire);
    },
  );

  app.post(
    path,
    {
      schema: {
        tags,
        params: AppParams,
        body: AssignmentBody,
        response: responses({ 201: AssignmentSchema }),
      },
    },
    async (request, reply) => {
      const { envID, appID } = request.params;
      const created = await assignments.create(
        actorOf(request),
        envID,
        appID,
        toAssignmentInput(request.body),
      );
      const body = wire(created);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    `${path}/:assignmentID`,
    { schema: { tags, params: Params, response: responses({ 200: AssignmentSchema }) } },
    async (request) => {
      const { envID, appID, assignmentID } = request.params;
      return wire(await assignments.get(actorOf(request), envID, appID, assignmentID));
    },
  );

  app.put(
    `${path}/:assignmentID`,
    {
      schema: { tags, params: Params, body: AssignmentBody, response: responses({ 200: AssignmentSchema }) },
    },
    async (request) => {
      const { envID, appID, assignmentID } = request.params;
      return wire(
        await assignments.replace(
          actorOf(request),
          envID,
          appID,
          assignmentID,
          toAssignmentInput(request.body),
        ),
      );
    },
  );

  app.delete(
    `${path}/:assignmentID`,
    { schema: { tags, params: Params, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      const { envID, appID, assignmentID } = request.params;
      await assignments.delete(actorOf(request), envID, appID, assignmentID);
      return reply.status(204).send();
    },
  );
}
