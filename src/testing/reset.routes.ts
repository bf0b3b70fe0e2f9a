import { Type } from '@sinclair/typebox';
import { invalidValue } from '../core/shared/errors.js';
import { bearerToken } from '../http/actor.js';
import type { FastifyTypebox } from '../http/context.js';
import { ErrorSchema } from '../pingone-common/errors.js';
import { requireTestMode } from './test-mode.js';

/**
 * `POST /tessera/testing/reset`: the whole store back to its state at start (bootstrap, plus the
 * seed once seeding exists) and the clock offset cleared. Per-environment reset is not offered.
 */
export async function resetRoutes(app: FastifyTypebox) {
  const { services } = app.tessera;
  app.post(
    '/tessera/testing/reset',
    {
      schema: {
        tags: ['Tessera testing'],
        querystring: Type.Object({ environment: Type.Optional(Type.String()) }),
        response: { 204: Type.Null(), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request, reply) => {
      const actor = await services.tokens.authenticate(bearerToken(request));
      if (request.query.environment !== undefined)
        throw invalidValue('environment', 'Resetting one environment is not supported; reset all.');
      await requireTestMode(services).reset(actor);
      return reply.code(204).send(null);
    },
  );
}
