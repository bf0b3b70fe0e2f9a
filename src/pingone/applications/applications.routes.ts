import { Type } from '@sinclair/typebox';
import { findRole, ROLES } from '../../core/access/roles.js';
import { notFound } from '../../core/shared/errors.js';
import { actorOf } from '../../http/actor.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, responses } from '../shared/schemas.js';
import {
  ApplicationBody,
  ApplicationSchema,
  applicationWire,
  RoleAssignmentBody,
  RoleAssignmentSchema,
  roleAssignmentWire,
  RoleSchema,
  roleWire,
  SecretRotationBody,
  SecretSchema,
  secretWire,
  toApplicationInput,
} from './applications.wire.js';

const tags = ['Applications'];
const AppParams = Type.Object({ envID: Type.String(), appID: Type.String() });
const AssignmentParams = Type.Object({
  envID: Type.String(),
  appID: Type.String(),
  roleAssignmentID: Type.String(),
});

export function applicationsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const apps = services.applications;
  const wire = (a: Parameters<typeof applicationWire>[1]) => applicationWire(hal, a);
  const appPath = (envID: string, appID: string) => hal.env(envID, `/applications/${appID}`);

  app.get(
    '/environments/:envID/applications',
    {
      schema: {
        tags,
        summary: 'List applications',
        params: EnvParams,
        response: responses({ 200: collectionSchema('applications', ApplicationSchema) }),
      },
    },
    async (request) => {
      const items = await apps.list(actorOf(request), request.params.envID);
      return {
        _links: { self: hal.link(hal.env(request.params.envID, '/applications')) },
        _embedded: { applications: items.map(wire) },
        count: items.length,
        size: items.length,
      };
    },
  );

  app.post(
    '/environments/:envID/applications',
    {
      schema: {
        tags,
        summary:
          'Create an OIDC application (WORKER, WEB_APP, NATIVE_APP, SINGLE_PAGE_APP, SERVICE, CUSTOM_APP)',
        params: EnvParams,
        body: ApplicationBody,
        response: responses({ 201: ApplicationSchema }),
      },
    },
    async (request, reply) => {
      const created = await apps.create(
        actorOf(request),
        request.params.envID,
        toApplicationInput(request.body),
      );
      const body = wire(created);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/applications/:appID',
    {
      schema: {
        tags,
        summary: 'Read an application',
        params: AppParams,
        response: responses({ 200: ApplicationSchema }),
      },
    },
    async (request) => wire(await apps.get(actorOf(request), request.params.envID, request.params.appID)),
  );

  app.put(
    '/environments/:envID/applications/:appID',
    {
      schema: {
        tags,
        summary: 'Replace an application (omitted settings take their defaults; the type cannot change)',
        params: AppParams,
        body: ApplicationBody,
        response: responses({ 200: ApplicationSchema }),
      },
    },
    async (request) =>
      wire(
        await apps.replace(
          actorOf(request),
          request.params.envID,
          request.params.appID,
          toApplicationInput(request.body),
        ),
      ),
  );

  app.delete(
    '/environments/:envID/applications/:appID',
    {
      schema: {
        tags,
        summary: 'Delete an application',
        params: AppParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await apps.delete(actorOf(request), request.params.envID, request.params.appID);
      return reply.status(204).send();
    },
  );

  app.get(
    '/environments/:envID/applications/:appID/secret',
    {
      schema: {
        tags,
        summary: 'Read the client secret (and the previous one while it lasts)',
        params: AppParams,
        response: responses({ 200: SecretSchema }),
      },
    },
    async (request) => {
      const { envID, appID } = request.params;
      return secretWire(hal, envID, appID, await apps.readSecret(actorOf(request), envID, appID));
    },
  );

  app.post(
    '/environments/:envID/applications/:appID/secret',
    {
      schema: {
        tags,
        summary: 'Regenerate the client secret; previous.expiresAt keeps the old one working until then',
        params: AppParams,
        body: Type.Optional(SecretRotationBody),
        response: responses({ 200: SecretSchema }),
      },
    },
    async (request) => {
      const { envID, appID } = request.params;
      const expiresAt = request.body?.previous?.expiresAt;
      const secret = await apps.rotateSecret(actorOf(request), envID, appID, {
        previousExpiresAt: expiresAt === undefined ? undefined : Date.parse(expiresAt),
      });
      return secretWire(hal, envID, appID, secret);
    },
  );

  app.delete(
    '/environments/:envID/applications/:appID/secret',
    {
      schema: {
        tags,
        summary: 'Delete the previous client secret (it stops working at once)',
        params: AppParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      const { envID, appID } = request.params;
      await apps.deletePreviousSecret(actorOf(request), envID, appID);
      return reply.status(204).send();
    },
  );

  app.get(
    '/environments/:envID/applications/:appID/roleAssignments',
    {
      schema: {
        tags,
        params: AppParams,
        response: responses({ 200: collectionSchema('roleAssignments', RoleAssignmentSchema) }),
      },
    },
    async (request) => {
      const { envID, appID } = request.params;
      const items = await apps.listRoleAssignments(actorOf(request), envID, appID);
      return {
        _links: { self: hal.link(`${appPath(envID, appID)}/roleAssignments`) },
        _embedded: { roleAssignments: items.map((a) => roleAssignmentWire(hal, envID, a)) },
        count: items.length,
        size: items.length,
      };
    },
  );

  app.post(
    '/environments/:envID/applications/:appID/roleAssignments',
    {
      schema: {
        tags,
        params: AppParams,
        body: RoleAssignmentBody,
        response: responses({ 201: RoleAssignmentSchema }),
      },
    },
    async (request, reply) => {
      const { envID, appID } = request.params;
      const assignment = await apps.assignRole(actorOf(request), envID, appID, {
        roleId: request.body.role.id,
        scopeType: request.body.scope.type as 'ORGANIZATION' | 'ENVIRONMENT' | 'POPULATION',
        scopeId: request.body.scope.id,
      });
      const body = roleAssignmentWire(hal, envID, assignment);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/applications/:appID/roleAssignments/:roleAssignmentID',
    { schema: { tags, params: AssignmentParams, response: responses({ 200: RoleAssignmentSchema }) } },
    async (request) => {
      const { envID, appID, roleAssignmentID } = request.params;
      return roleAssignmentWire(
        hal,
        envID,
        await apps.getRoleAssignment(actorOf(request), envID, appID, roleAssignmentID),
      );
    },
  );

  app.delete(
    '/environments/:envID/applications/:appID/roleAssignments/:roleAssignmentID',
    { schema: { tags, params: AssignmentParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      const { envID, appID, roleAssignmentID } = request.params;
      await apps.unassignRole(actorOf(request), envID, appID, roleAssignmentID);
      return reply.status(204).send();
    },
  );

  app.get(
    '/roles',
    { schema: { tags: ['Roles'], response: responses({ 200: collectionSchema('roles', RoleSchema) }) } },
    async () => ({
      _links: { self: hal.link('/roles') },
      _embedded: { roles: ROLES.map((r) => roleWire(hal, r)) },
      count: ROLES.length,
      size: ROLES.length,
    }),
  );

  app.get(
    '/roles/:roleID',
    {
      schema: {
        tags: ['Roles'],
        params: Type.Object({ roleID: Type.String() }),
        response: responses({ 200: RoleSchema }),
      },
    },
    async (request) => {
      const role = findRole(request.params.roleID);
      if (!role) throw notFound();
      return roleWire(hal, role);
    },
  );
}
