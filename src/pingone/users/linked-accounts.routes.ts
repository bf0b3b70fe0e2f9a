import { Type } from '@sinclair/typebox';
import { notFound } from '../../core/shared/errors.js';
import { actorOf } from '../../http/actor.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { collectionSchema, LinksSchema, responses } from '../shared/schemas.js';

const tags = ['Users'];
const UserParams = Type.Object({ envID: Type.String(), userID: Type.String() });
const LinkedAccountParams = Type.Object({
  envID: Type.String(),
  userID: Type.String(),
  linkedAccountID: Type.String(),
});
/** Never filled: Tessera has no external identity providers (see docs/users.md). */
const LinkedAccountSchema = Type.Object({ _links: LinksSchema, id: Type.String() });

/**
 * `linkedAccounts` (reference more §5.2): links come only from sign-on through an external
 * identity provider, which Tessera does not have, so every user's collection is honestly empty
 * and reading or unlinking one account answers 404 once the user is known and readable.
 */
export function linkedAccountsRoutes(app: FastifyTypebox, { services, hal }: PingOneContext) {
  app.get(
    '/environments/:envID/users/:userID/linkedAccounts',
    {
      schema: {
        tags,
        summary: "List the user's linked accounts (always empty: no external identity providers)",
        params: UserParams,
        response: responses({ 200: collectionSchema('linkedAccounts', LinkedAccountSchema) }),
      },
    },
    async (request) => {
      const { envID, userID } = request.params;
      await services.users.get(actorOf(request), envID, userID);
      return {
        _links: { self: hal.link(hal.env(envID, `/users/${userID}/linkedAccounts`)) },
        _embedded: { linkedAccounts: [] },
        count: 0,
        size: 0,
      };
    },
  );

  app.get(
    '/environments/:envID/users/:userID/linkedAccounts/:linkedAccountID',
    {
      schema: {
        tags,
        summary: 'Read one linked account',
        params: LinkedAccountParams,
        response: responses({ 200: LinkedAccountSchema }),
      },
    },
    async (request) => {
      const { envID, userID } = request.params;
      await services.users.get(actorOf(request), envID, userID);
      throw notFound();
    },
  );

  app.delete(
    '/environments/:envID/users/:userID/linkedAccounts/:linkedAccountID',
    {
      schema: {
        tags,
        summary: 'Unlink one linked account',
        params: LinkedAccountParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request) => {
      const { envID, userID } = request.params;
      await services.users.get(actorOf(request), envID, userID);
      throw notFound();
    },
  );
}
