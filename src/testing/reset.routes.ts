import { Type } from '@sinclair/typebox';
import { bearerToken } from '../http/actor.js';
import type { FastifyTypebox } from '../http/context.js';
import { ErrorSchema } from '../pingone-common/errors.js';
import { requireTestMode } from './test-mode.js';

/**
 * `POST /tessera/testing/reset`: the whole store back to its state at start (bootstrap plus seed)
 * and every clock offset cleared; with `?environment=ID`, only that environment (an environment
 * made after start is deleted) and only its clock offset.
 */
export async function resetRoutes(app: FastifyTypebox) {
  const { services } = app.tessera;
  app.post(
    '/tessera/testing/reset',
    {
      schema: {
        tags: ['Tessera testing'],
        operationId: 'resetTestStore',
        summary: 'Put the store (or one environment) back to its state at start and clear the clock offset',
        querystring: Type.Object({
          environment: Type.Optional(
            Type.String({ description: 'An environment id: reset only this environment (else everything)' }),
          ),
        }),
        response: {
          204: Type.Null(),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const actor = await services.tokens.authenticate(bearerToken(request));
      await requireTestMode(services).reset(actor, request.query.environment);
      return reply.code(204).send(null);
    },
  );
}
