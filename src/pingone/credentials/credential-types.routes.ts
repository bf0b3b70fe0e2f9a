import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, EnvParams, responses } from '../shared/schemas.js';
import {
  CredentialTypeBody,
  CredentialTypeSchema,
  credentialTypeVersionWire,
  CredentialTypeVersionSchema,
  credentialTypeWire,
  toCredentialTypeInput,
} from './credential-types.wire.js';

const tags = ['Credential Types'];
const Params = Type.Object({ envID: Type.String(), credentialTypeID: Type.String() });
const VersionParams = Type.Object({
  envID: Type.String(),
  credentialTypeID: Type.String(),
  versionID: Type.String(),
});

export function credentialTypesRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const types = services.credentialTypes;

  app.get(
    '/environments/:envID/credentialTypes',
    {
      schema: {
        tags,
        params: EnvParams,
        response: responses({ 200: collectionSchema('items', CredentialTypeSchema) }),
      },
    },
    async (request) => {
      const { envID } = request.params;
      const items = await types.list(actorOf(request), envID);
      return collection(hal, hal.env(envID, '/credentialTypes'), {}, 'items', { items }, (t) =>
        credentialTypeWire(hal, t, { withMetadata: false }),
      );
    },
  );

  app.post(
    '/environments/:envID/credentialTypes',
    {
      schema: {
        tags,
        params: EnvParams,
        body: CredentialTypeBody,
        response: responses({ 201: CredentialTypeSchema }),
      },
    },
    async (request, reply) => {
      const created = await types.create(
        actorOf(request),
        request.params.envID,
        toCredentialTypeInput(request.body),
      );
      const body = credentialTypeWire(hal, created);
      return reply.status(201).header('Location', body._links!.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/credentialTypes/:credentialTypeID',
    { schema: { tags, params: Params, response: responses({ 200: CredentialTypeSchema }) } },
    async (request) =>
      credentialTypeWire(
        hal,
        await types.get(actorOf(request), request.params.envID, request.params.credentialTypeID),
      ),
  );

  app.put(
    '/environments/:envID/credentialTypes/:credentialTypeID',
    {
      schema: {
        tags,
        params: Params,
        body: CredentialTypeBody,
        response: responses({ 200: CredentialTypeSchema }),
      },
    },
    async (request) =>
      credentialTypeWire(
        hal,
        await types.replace(
          actorOf(request),
          request.params.envID,
          request.params.credentialTypeID,
          toCredentialTypeInput(request.body),
        ),
      ),
  );

  app.delete(
    '/environments/:envID/credentialTypes/:credentialTypeID',
    { schema: { tags, params: Params, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      await types.delete(actorOf(request), request.params.envID, request.params.credentialTypeID);
      return reply.status(204).send();
    },
  );

  app.get(
    '/environments/:envID/credentialTypes/:credentialTypeID/versions',
    {
      schema: {
        tags,
        params: Params,
        response: responses({ 200: collectionSchema('versions', CredentialTypeVersionSchema) }),
      },
    },
    async (request) => {
      const { envID, credentialTypeID } = request.params;
      const items = await types.listVersions(actorOf(request), envID, credentialTypeID);
      return collection(
        hal,
        hal.env(envID, `/credentialTypes/${credentialTypeID}/versions`),
        {},
        'versions',
        { items },
        (v) => credentialTypeVersionWire(hal, v),
      );
    },
  );

  app.get(
    '/environments/:envID/credentialTypes/:credentialTypeID/versions/:versionID',
    { schema: { tags, params: VersionParams, response: responses({ 200: CredentialTypeVersionSchema }) } },
    async (request) => {
      const { envID, credentialTypeID, versionID } = request.params;
      return credentialTypeVersionWire(
        hal,
        await types.getVersion(actorOf(request), envID, credentialTypeID, versionID),
      );
    },
  );
}
