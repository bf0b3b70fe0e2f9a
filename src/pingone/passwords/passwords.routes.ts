import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { PasswordState } from '../../core/passwords/password.js';
import { actorOf, actorWithConnectionOf } from '../../http/actor.js';
import { mediaTypeRoute, type MediaTypeBody, type MediaTypeOperation } from '../../http/media-type-route.js';
import type { FastifyTypebox } from '../../http/context.js';
import type { PingOneContext } from '../context.js';
import { responses } from '../shared/schemas.js';
import {
  CheckBody,
  PasswordStateSchema,
  passwordStateWire,
  RecoverBody,
  ResetBody,
  SetBody,
  SetValueBody,
} from './passwords.wire.js';

const tags = ['User passwords'];
const Params = Type.Object({ envID: Type.String(), userID: Type.String() });
type Params = Static<typeof Params>;
const url = '/environments/:envID/users/:userID/password';
const VND = 'application/vnd.pingidentity.';

export function passwordsRoutes(app: FastifyTypebox, { services, hal, validators }: PingOneContext) {
  const passwords = services.passwords;
  const wire = (state: PasswordState) => passwordStateWire(hal, state);

  /** One media-type operation: `run(request, params, body)` returns the new password state. */
  const op = <B extends TSchema | undefined = undefined>(
    mediaType: string,
    summary: string,
    body: B,
    run: (request: FastifyRequest, p: Params, body: MediaTypeBody<B>) => Promise<PasswordState>,
  ): MediaTypeOperation<B, Params> => ({
    mediaType: VND + mediaType,
    summary,
    body,
    handle: async (request, _reply, parsed) => wire(await run(request, request.params, parsed)),
  });

  app.get(
    url,
    {
      schema: {
        tags,
        params: Params,
        querystring: Type.Object({ expand: Type.Optional(Type.String()) }),
        response: responses({ 200: PasswordStateSchema }),
      },
    },
    async (request) => {
      const state = await passwords.get(actorOf(request), request.params.envID, request.params.userID);
      const expandPolicy = (request.query.expand ?? '').split(',').some((e) => e.trim() === 'passwordPolicy');
      // The embedded policy comes with the password read: no separate passwordPolicy permission.
      const populationCount =
        expandPolicy && state.policy
          ? await services.passwordPolicies.populationCount(state.policy.id)
          : undefined;
      return passwordStateWire(hal, state, { expandPolicy, populationCount });
    },
  );

  const schema = {
    tags,
    params: Params,
    response: responses({ 200: PasswordStateSchema }, [400, 401, 403, 404, 409, 415, 429]),
  };

  mediaTypeRoute(app, validators, {
    method: 'PUT',
    url,
    schema,
    operations: [
      op('password.set+json', 'Set a password (cleartext or pre-encoded)', SetBody, (r, p, b) =>
        passwords.set(actorWithConnectionOf(r), p.envID, p.userID, b),
      ),
      op(
        'password.setValue+json',
        'Set a password, or remove it when value is absent',
        SetValueBody,
        (r, p, b) => passwords.set(actorWithConnectionOf(r), p.envID, p.userID, b),
      ),
      op(
        'password.reset+json',
        'Change a password (self change with currentPassword, else an administrator temporary password)',
        ResetBody,
        (r, p, b) => passwords.reset(actorWithConnectionOf(r), p.envID, p.userID, b),
      ),
    ],
  });

  mediaTypeRoute(app, validators, {
    method: 'POST',
    url,
    schema,
    operations: [
      op('password.check+json', 'Check a password', CheckBody, (r, p, b) =>
        passwords.checkAs(actorWithConnectionOf(r), p.envID, p.userID, b.password),
      ),
      op('password.forceChange', 'Require a password change at next sign-on', undefined, (r, p) =>
        passwords.forceChangeAs(actorWithConnectionOf(r), p.envID, p.userID),
      ),
      op('password.unlock+json', 'Unlock a locked-out password', undefined, (r, p) =>
        passwords.unlockAs(actorWithConnectionOf(r), p.envID, p.userID),
      ),
      op('password.sendRecoveryCode+json', 'Email a password recovery code', undefined, (r, p) =>
        passwords.sendRecoveryCodeAs(actorWithConnectionOf(r), p.envID, p.userID),
      ),
      op('password.recover+json', 'Set a new password with a recovery code', RecoverBody, (r, p, b) =>
        passwords.recoverAs(actorWithConnectionOf(r), p.envID, p.userID, b),
      ),
    ],
  });
}
