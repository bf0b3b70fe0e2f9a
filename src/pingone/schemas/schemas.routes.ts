import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, responses } from '../shared/schemas.js';
import {
  AttributeBody,
  AttributePatchBody,
  AttributeSchema,
  attributeWire,
  SchemaSchema,
  schemaWire,
  toAttributeInput,
  toAttributePatch,
} from './schemas.wire.js';

const tags = ['Schemas'];
const SchemaParams = Type.Object({ envID: Type.String(), schemaID: Type.String() });
const AttributeParams = Type.Object({
  envID: Type.String(),
  schemaID: Type.String(),
  attributeID: Type.String(),
});

export function schemasRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const attribute = (a: Parameters<typeof attributeWire>[1]) => attributeWire(hal, a);

  app.get(
    '/environments/:envID/schemas',
    {
      schema: {
        tags,
        params: EnvParams,
        response: responses({ 200: collectionSchema('schemas', SchemaSchema) }),
      },
    },
    async (request) => {
      const schemas = await services.schemas.listSchemas(actorOf(request), request.params.envID);
      return {
        _links: { self: hal.link(hal.env(request.params.envID, '/schemas')) },
        _embedded: { schemas: schemas.map((s) => schemaWire(hal, s)) },
        count: schemas.length,
        size: schemas.length,
      };
    },
  );

  app.get(
    '/environments/:envID/schemas/:schemaID',
    { schema: { tags, params: SchemaParams, response: responses({ 200: SchemaSchema }) } },
    async (request) =>
      schemaWire(
        hal,
        await services.schemas.getSchema(actorOf(request), request.params.envID, request.params.schemaID),
      ),
  );

  app.get(
    '/environments/:envID/schemas/:schemaID/attributes',
    {
      schema: {
        tags,
        params: SchemaParams,
        response: responses({ 200: collectionSchema('attributes', AttributeSchema) }),
      },
    },
    async (request) => {
      const { envID, schemaID } = request.params;
      const items = await services.schemas.listAttributes(actorOf(request), envID, schemaID);
      return {
        _links: { self: hal.link(hal.env(envID, `/schemas/${schemaID}/attributes`)) },
        _embedded: { attributes: items.map(attribute) },
        count: items.length,
        size: items.length,
      };
    },
  );

  app.post(
    '/environments/:envID/schemas/:schemaID/attributes',
    {
      schema: {
        tags,
        params: SchemaParams,
        body: AttributeBody,
        response: responses({ 201: AttributeSchema }),
      },
    },
    async (request, reply) => {
      const { envID, schemaID } = request.params;
      const body = attribute(
        await services.schemas.createAttribute(
          actorOf(request),
          envID,
          schemaID,
          toAttributeInput(request.body),
        ),
      );
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/schemas/:schemaID/attributes/:attributeID',
    { schema: { tags, params: AttributeParams, response: responses({ 200: AttributeSchema }) } },
    async (request) => {
      const { envID, schemaID, attributeID } = request.params;
      return attribute(await services.schemas.getAttribute(actorOf(request), envID, schemaID, attributeID));
    },
  );

  app.put(
    '/environments/:envID/schemas/:schemaID/attributes/:attributeID',
    {
      schema: {
        tags,
        params: AttributeParams,
        body: AttributeBody,
        response: responses({ 200: AttributeSchema }),
      },
    },
    async (request) => {
      const { envID, schemaID, attributeID } = request.params;
      return attribute(
        await services.schemas.replaceAttribute(
          actorOf(request),
          envID,
          schemaID,
          attributeID,
          toAttributeInput(request.body),
        ),
      );
    },
  );

  app.patch(
    '/environments/:envID/schemas/:schemaID/attributes/:attributeID',
    {
      schema: {
        tags,
        params: AttributeParams,
        body: AttributePatchBody,
        response: responses({ 200: AttributeSchema }),
      },
    },
    async (request) => {
      const { envID, schemaID, attributeID } = request.params;
      return attribute(
        await services.schemas.patchAttribute(
          actorOf(request),
          envID,
          schemaID,
          attributeID,
          toAttributePatch(request.body),
        ),
      );
    },
  );

  app.delete(
    '/environments/:envID/schemas/:schemaID/attributes/:attributeID',
    { schema: { tags, params: AttributeParams, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      const { envID, schemaID, attributeID } = request.params;
      await services.schemas.deleteAttribute(actorOf(request), envID, schemaID, attributeID);
      return reply.status(204).send();
    },
  );
}
