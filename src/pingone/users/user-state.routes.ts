import { Type } from '@sinclair/typebox';
import type { User } from '../../core/users/user.js';
import { actorOf } from '../../http/actor.js';
import { mediaTypeRoute, operationsWithParams } from '../../http/media-type-route.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { LinksSchema, responses } from '../shared/schemas.js';
import { UserParams } from './users.routes.js';
import { UserSchema, userWire } from './users.wire.js';

const tags = ['Users'];

const EnabledSchema = Type.Object({ _links: LinksSchema, enabled: Type.Boolean() });
const MfaEnabledSchema = Type.Object({ _links: LinksSchema, mfaEnabled: Type.Boolean() });
const PopulationRefSchema = Type.Object({ _links: LinksSchema, id: Type.String() });
const LockBody = Type.Object(
  { unlockAt: Type.Optional(Type.String({ format: 'date-time' })) },
  { additionalProperties: false },
);

/** The user's server-managed state, each behind its own sub-resource as in PingOne. */
export function userStateRoutes(app: FastifyTypebox, { services, hal, validators }: PingOneContext) {
  const userPath = (u: User) => hal.env(u.environmentId, `/users/${u.id}`);
  const links = (u: User, sub: string) => ({
    self: hal.link(`${userPath(u)}/${sub}`),
    user: hal.link(userPath(u)),
  });

  const enabled = (u: User) => ({ _links: links(u, 'enabled'), enabled: u.enabled });
  app.get(
    '/environments/:envID/users/:userID/enabled',
    { schema: { tags, params: UserParams, response: responses({ 200: EnabledSchema }) } },
    async (request) =>
      enabled(await services.users.get(actorOf(request), request.params.envID, request.params.userID)),
  );
  app.put(
    '/environments/:envID/users/:userID/enabled',
    {
      schema: {
        tags,
        params: UserParams,
        body: Type.Object({ enabled: Type.Boolean() }),
        response: responses({ 200: EnabledSchema }),
      },
    },
    async (request) =>
      enabled(
        await services.users.setEnabled(
          actorOf(request),
          request.params.envID,
          request.params.userID,
          request.body.enabled,
        ),
      ),
  );

  const mfa = (u: User) => ({ _links: links(u, 'mfaEnabled'), mfaEnabled: u.mfaEnabled });
  app.get(
    '/environments/:envID/users/:userID/mfaEnabled',
    { schema: { tags, params: UserParams, response: responses({ 200: MfaEnabledSchema }) } },
    async (request) =>
      mfa(await services.users.get(actorOf(request), request.params.envID, request.params.userID)),
  );
  app.put(
    '/environments/:envID/users/:userID/mfaEnabled',
    {
      schema: {
        tags,
        params: UserParams,
        body: Type.Object({ mfaEnabled: Type.Boolean() }),
        response: responses({ 200: MfaEnabledSchema }),
      },
    },
    async (request) =>
      mfa(
        await services.users.setMfaEnabled(
          actorOf(request),
          request.params.envID,
          request.params.userID,
          request.body.mfaEnabled,
        ),
      ),
  );

  const population = (u: User) => ({
    _links: {
      ...links(u, 'population'),
      population: hal.link(hal.env(u.environmentId, `/populations/${u.populationId}`)),
    },
    id: u.populationId,
  });
  app.get(
    '/environments/:envID/users/:userID/population',
    { schema: { tags, params: UserParams, response: responses({ 200: PopulationRefSchema }) } },
    async (request) =>
      population(await services.users.get(actorOf(request), request.params.envID, request.params.userID)),
  );
  app.put(
    '/environments/:envID/users/:userID/population',
    {
      schema: {
        tags,
        params: UserParams,
        body: Type.Object({ id: Type.String() }),
        response: responses({ 200: PopulationRefSchema }),
      },
    },
    async (request) =>
      population(
        await services.users.setPopulation(
          actorOf(request),
          request.params.envID,
          request.params.userID,
          request.body.id,
        ),
      ),
  );

  const toWire = async (u: User) =>
    userWire(hal, u, {
      now: services.clock.now(),
      canAuthenticate: !(await services.passwords.lockedOut([u.id])).has(u.id),
    });
  const operation = operationsWithParams(UserParams);
  const actions = [
    operation({
      mediaType: 'application/vnd.pingidentity.account.lock+json',
      body: LockBody,
      summary: 'Lock the account, optionally until unlockAt',
      async handle(request, _reply, body) {
        const { envID, userID } = request.params;
        const unlockAt = body.unlockAt;
        return toWire(
          await services.users.lock(
            actorOf(request),
            envID,
            userID,
            unlockAt ? Date.parse(unlockAt) : undefined,
          ),
        );
      },
    }),
    operation({
      mediaType: 'application/vnd.pingidentity.account.unlock+json',
      summary: 'Unlock the account',
      async handle(request) {
        const { envID, userID } = request.params;
        return toWire(await services.users.unlock(actorOf(request), envID, userID));
      },
    }),
  ];
  // Other features add their `POST /users/{id}` actions (e.g. user.verify) to this list.
  mediaTypeRoute(app, validators, {
    method: 'POST',
    url: '/environments/:envID/users/:userID',
    schema: { tags, params: UserParams, response: responses({ 200: UserSchema }, [400, 401, 403, 404, 415]) },
    operations: actions,
  });
}
