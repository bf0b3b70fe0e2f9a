import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, responses } from '../shared/schemas.js';
import {
  GrantBody,
  GrantSchema,
  grantWire,
  ResourceSchema,
  ResourceScopeSchema,
  resourceWire,
  scopeWire,
  toGrantInput,
} from './resources.wire.js';

const ResourceParams = Type.Object({ envID: Type.String(), resourceID: Type.String() });
const ScopeParams = Type.Object({ envID: Type.String(), resourceID: Type.String(), scopeID: Type.String() });
const AppParams = Type.Object({ envID: Type.String(), appID: Type.String() });
const GrantParams = Type.Object({ envID: Type.String(), appID: Type.String(), grantID: Type.String() });

/** The built-in resources with their scopes (read-only), and application resource grants. */
export function resourcesRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const resources = services.resources;
  const tags = ['Resources'];
  const grantTags = ['Application resource grants'];

  app.get(
    '/environments/:envID/resources',
    {
      schema: {
        tags,
        summary: 'List resources (openid and PingOne API)',
        params: EnvParams,
        response: responses({ 200: collectionSchema('resources', ResourceSchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const items = await resources.listResources(actorOf(request), envID);
      return {
        _links: { self: hal.link(hal.env(envID, '/resources')) },
        _embedded: { resources: items.map((r) => resourceWire(hal, r)) },
        count: items.length,
        size: items.length,
      };
    },
  );

  app.get(
    '/environments/:envID/resources/:resourceID',
    {
      schema: {
        tags,
        summary: 'Read a resource',
        params: ResourceParams,
        response: responses({ 200: ResourceSchema }),
      },
    },
    async (request) =>
      resourceWire(
        hal,
        await resources.getResource(actorOf(request), request.params.envID, request.params.resourceID),
      ),
  );

  app.get(
    '/environments/:envID/resources/:resourceID/scopes',
    {
      schema: {
        tags,
        summary: 'List the scopes of a resource',
        params: ResourceParams,
        response: responses({ 200: collectionSchema('scopes', ResourceScopeSchema) }),
      },
    },
    async (request) => {
      const { envID, resourceID } = request.params;
      const items = await resources.listScopes(actorOf(request), envID, resourceID);
      return {
        _links: { self: hal.link(hal.env(envID, `/resources/${resourceID}/scopes`)) },
        _embedded: { scopes: items.map((s) => scopeWire(hal, s)) },
        count: items.length,
        size: items.length,
      };
    },
  );

  app.get(
    '/environments/:envID/resources/:resourceID/scopes/:scopeID',
    {
      schema: {
        tags,
        summary: 'Read a resource scope',
        params: ScopeParams,
        response: responses({ 200: ResourceScopeSchema }),
      },
    },
    async (request) => {
      const { envID, resourceID, scopeID } = request.params;
      return scopeWire(hal, await resources.getScope(actorOf(request), envID, resourceID, scopeID));
    },
  );

  app.get(
    '/environments/:envID/applications/:appID/grants',
    {
      schema: {
        tags: grantTags,
        summary: 'List the resource grants of an application',
        params: AppParams,
        response: responses({ 200: collectionSchema('grants', GrantSchema) }),
      },
    },
    async (request) => {
      const { envID, appID } = request.params;
      const items = await resources.listGrants(actorOf(request), envID, appID);
      return {
        _links: { self: hal.link(hal.env(envID, `/applications/${appID}/grants`)) },
        _embedded: { grants: items.map((g) => grantWire(hal, g)) },
        count: items.length,
        size: items.length,
      };
    },
  );

  app.post(
    '/environments/:envID/applications/:appID/grants',
    {
      schema: {
        tags: grantTags,
        summary: 'Grant an application scopes of a resource',
        params: AppParams,
        body: GrantBody,
        response: responses({ 201: GrantSchema }),
      },
    },
    async (request, reply) => {
      const { envID, appID } = request.params;
      const grant = await resources.createGrant(actorOf(request), envID, appID, toGrantInput(request.body));
      const body = grantWire(hal, grant);
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/applications/:appID/grants/:grantID',
    {
      schema: {
        tags: grantTags,
        summary: 'Read a resource grant',
        params: GrantParams,
        response: responses({ 200: GrantSchema }),
      },
    },
    async (request) => {
      const { envID, appID, grantID } = request.params;
      return grantWire(hal, await resources.getGrant(actorOf(request), envID, appID, grantID));
    },
  );

  app.put(
    '/environments/:envID/applications/:appID/grants/:grantID',
    {
      schema: {
        tags: grantTags,
        summary: 'Replace a resource grant',
        params: GrantParams,
        body: GrantBody,
        response: responses({ 200: GrantSchema }),
      },
    },
    async (request) => {
      const { envID, appID, grantID } = request.params;
      const grant = await resources.replaceGrant(
        actorOf(request),
        envID,
        appID,
        grantID,
        toGrantInput(request.body),
      );
      return grantWire(hal, grant);
    },
  );

  app.delete(
    '/environments/:envID/applications/:appID/grants/:grantID',
    {
      schema: {
        tags: grantTags,
        summary: 'Delete a resource grant',
        params: GrantParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      const { envID, appID, grantID } = request.params;
      await resources.deleteGrant(actorOf(request), envID, appID, grantID);
      return reply.status(204).send();
    },
  );
}
