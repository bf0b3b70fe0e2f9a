import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/actor.js';
import type { FastifyTypebox } from '../../http/context.js';
import { collection } from '../../pingone-common/hal.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, responses } from '../shared/schemas.js';
import { SessionSchema, sessionWire } from './sessions.wire.js';

const tags = ['Sessions'];
const UserParams = Type.Object({ envID: Type.String(), userID: Type.String() });
const Params = Type.Object({ envID: Type.String(), userID: Type.String(), sessionID: Type.String() });

/** `/users/{userID}/sessions`: a user's SSO sessions, newest first (at most 10 are kept). */
export function sessionsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  const { sessions } = services;
  const wire = (s: Parameters<typeof sessionWire>[1]) => sessionWire(hal, s);
  const key = 'sessions';

  app.get(
    '/environments/:envID/users/:userID/sessions',
    {
      schema: {
        tags,
        params: UserParams,
        response: responses({ 200: collectionSchema(key, SessionSchema) }),
      },
    },
    async (request) => {
      const { envID, userID } = request.params;
      const items = await sessions.list(actorOf(request), envID, userID);
      return collection(
        hal,
        hal.env(envID, `/users/${userID}/sessions`),
        {},
        key,
        { items, count: items.length },
        wire,
      );
    },
  );

  app.get(
    '/environments/:envID/users/:userID/sessions/:sessionID',
    { schema: { tags, params: Params, response: responses({ 200: SessionSchema }) } },
    async (request) => {
      const { envID, userID, sessionID } = request.params;
      return wire(await sessions.get(actorOf(request), envID, userID, sessionID));
    },
  );

  app.delete(
    '/environments/:envID/users/:userID/sessions/:sessionID',
    { schema: { tags, params: Params, response: responses({ 204: Type.Null() }) } },
    async (request, reply) => {
      const { envID, userID, sessionID } = request.params;
      await sessions.delete(actorOf(request), envID, userID, sessionID);
      return reply.status(204).send();
    },
  );
}
