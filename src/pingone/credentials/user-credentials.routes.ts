import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import { collection } from '../../pingone-common/hal.js';
import { mediaTypeRoute } from '../../http/media-type-route.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, responses } from '../shared/schemas.js';
import {
  toCredentialInput,
  UserCredentialBody,
  UserCredentialSchema,
  userCredentialWire,
} from './user-credentials.wire.js';

const tags = ['User Credentials'];
const UserParams = Type.Object({ envID: Type.String(), userID: Type.String() });
const Params = Type.Object({ envID: Type.String(), userID: Type.String(), credentialID: Type.String() });

export const REVOKE_MEDIA_TYPE = 'application/vnd.pingidentity.validations.revokeCredential+json';

export function userCredentialsRoutes(app: FastifyTypebox, { services, hal, validators }: PingOneContext) {
  const credentials = services.userCredentials;
  const wire = (c: Parameters<typeof credentials.effectiveStatus>[0]) =>
    userCredentialWire(hal, c, credentials.effectiveStatus(c));

  app.get(
    '/environments/:envID/users/:userID/credentials',
    {
      schema: {
        tags,
        params: UserParams,
        response: responses({ 200: collectionSchema('items', UserCredentialSchema) }),
      },
    },
    async (request) => {
      const { envID, userID } = request.params;
      const items = await credentials.list(actorOf(request), envID, userID);
      return collection(hal, hal.env(envID, `/users/${userID}/credentials`), {}, 'items', { items }, wire);
    },
  );

  app.post(
    '/environments/:envID/users/:userID/credentials',
    {
      schema: {
        tags,
        params: UserParams,
        body: UserCredentialBody,
        response: responses({ 201: UserCredentialSchema }),
      },
    },
    async (request, reply) => {
      const { envID, userID } = request.params;
      const body = wire(
        await credentials.create(actorOf(request), envID, userID, toCredentialInput(request.body)),
      );
      return reply.status(201).header('Location', body._links.self!.href).send(body);
    },
  );

  app.get(
    '/environments/:envID/users/:userID/credentials/:credentialID',
    { schema: { tags, params: Params, response: responses({ 200: UserCredentialSchema }) } },
    async (request) => {
      const { envID, userID, credentialID } = request.params;
      return wire(await credentials.get(actorOf(request), envID, userID, credentialID));
    },
  );

  app.put(
    '/environments/:envID/users/:userID/credentials/:credentialID',
    {
      schema: {
        tags,
        params: Params,
        body: UserCredentialBody,
        response: responses({ 200: UserCredentialSchema }),
      },
    },
    async (request) => {
      const { envID, userID, credentialID } = request.params;
      return wire(
        await credentials.replace(
          actorOf(request),
          envID,
          userID,
          credentialID,
          toCredentialInput(request.body),
        ),
      );
    },
  );

  // Revoke is a POST to the credential with PingOne's vendor media type; any body is ignored.
  mediaTypeRoute(app, validators, {
    method: 'POST',
    url: '/environments/:envID/users/:userID/credentials/:credentialID',
    schema: {
      tags,
      params: Params,
      response: responses({ 200: UserCredentialSchema }, [400, 401, 403, 404, 415]),
    },
    operations: [
      {
        mediaType: REVOKE_MEDIA_TYPE,
        summary: 'Revoke a user credential',
        // PingOne ignores any body of this action (reference, credentials: UC-REVOKE).
        body: Type.Unknown({ description: 'Ignored' }),
        handle: async (request) => {
          const { envID, userID, credentialID } = request.params;
          return wire(await credentials.revoke(actorOf(request), envID, userID, credentialID));
        },
      },
    ],
  });

  app.delete(
    '/environments/:envID/users/:userID/credentials/:credentialID',
    { schema: { tags, params: Params, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      const { envID, userID, credentialID } = request.params;
      await credentials.delete(actorOf(request), envID, userID, credentialID);
      return reply.status(204).send();
    },
  );
}
