import { Type } from '@sinclair/typebox';
import type { Subject } from '../../core/access/subject-roles.service.js';
import type { ScopeType } from '../../core/access/roles.js';
import { actorOf } from '../../http/actor.js';
import type { FastifyTypebox } from '../../http/context.js';
import {
  RoleAssignmentBody,
  RoleAssignmentSchema,
  roleAssignmentWire,
} from '../applications/applications.wire.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, responses } from '../shared/schemas.js';

/**
 * Role assignments of users and groups (reference more §2.1): GET list, POST, GET one, DELETE
 * under `/users/{userID}/roleAssignments` and `/groups/{groupID}/roleAssignments`; no PUT.
 */
export function roleAssignmentsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const roles = services.subjectRoles;
  for (const [kind, segment, param, tag] of [
    ['user', 'users', 'userID', 'Users'],
    ['group', 'groups', 'groupID', 'Groups'],
  ] as const) {
    const tags = [tag];
    const SubjectParams = Type.Object({ envID: Type.String(), [param]: Type.String() });
    const AssignmentParams = Type.Object({
      envID: Type.String(),
      [param]: Type.String(),
      roleAssignmentID: Type.String(),
    });
    const subjectOf = (params: Record<string, string>): Subject => ({ kind, id: params[param]! });
    const base = `/environments/:envID/${segment}/:${param}/roleAssignments`;

    app.get(
      base,
      {
        schema: {
          tags,
          summary: `List the ${kind}'s role assignments`,
          params: SubjectParams,
          response: responses({ 200: collectionSchema('roleAssignments', RoleAssignmentSchema) }),
        },
      },
      async (request) => {
        const params = request.params as Record<string, string>;
        const subject = subjectOf(params);
        const items = await roles.list(actorOf(request), params.envID!, subject);
        return {
          _links: { self: hal.link(hal.env(params.envID!, `/${segment}/${subject.id}/roleAssignments`)) },
          _embedded: { roleAssignments: items.map((a) => roleAssignmentWire(hal, params.envID!, a)) },
          count: items.length,
          size: items.length,
        };
      },
    );

    app.post(
      base,
      {
        schema: {
          tags,
          summary: `Assign a role to the ${kind}`,
          params: SubjectParams,
          body: RoleAssignmentBody,
          response: responses({ 201: RoleAssignmentSchema }),
        },
      },
      async (request, reply) => {
        const params = request.params as Record<string, string>;
        const assignment = await roles.assign(actorOf(request), params.envID!, subjectOf(params), {
          roleId: request.body.role.id,
          scopeType: request.body.scope.type as ScopeType,
          scopeId: request.body.scope.id,
        });
        const body = roleAssignmentWire(hal, params.envID!, assignment);
        return reply.status(201).header('Location', body._links.self!.href).send(body);
      },
    );

    app.get(
      `${base}/:roleAssignmentID`,
      {
        schema: {
          tags,
          summary: `Read one of the ${kind}'s role assignments`,
          params: AssignmentParams,
          response: responses({ 200: RoleAssignmentSchema }),
        },
      },
      async (request) => {
        const params = request.params as Record<string, string>;
        const assignment = await roles.get(
          actorOf(request),
          params.envID!,
          subjectOf(params),
          params.roleAssignmentID!,
        );
        return roleAssignmentWire(hal, params.envID!, assignment);
      },
    );

    app.delete(
      `${base}/:roleAssignmentID`,
      {
        schema: {
          tags,
          summary: `Remove one of the ${kind}'s role assignments`,
          params: AssignmentParams,
          response: responses({ 204: Type.Null() }),
        },
      },
      async (request, reply) => {
        const params = request.params as Record<string, string>;
        await roles.unassign(actorOf(request), params.envID!, subjectOf(params), params.roleAssignmentID!);
        return reply.status(204).send();
      },
    );
  }
}
