import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store.js';

const Health = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]),
  store: Type.Optional(Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')])),
});

/** Liveness and readiness probes (logged at debug level only, see logging.ts); no token needed. */
export function registerHealth(app: FastifyInstance, store: Store) {
  const probe = { tags: ['Health'], security: [] };
  app.get(
    '/health/live',
    {
      schema: {
        ...probe,
        summary: 'Liveness: the process answers',
        operationId: 'getHealthLive',
        response: { 200: Health },
      },
    },
    async () => ({ status: 'UP' as const }),
  );
  app.get(
    '/health/ready',
    {
      schema: {
        ...probe,
        summary: 'Readiness: the store answers a query',
        operationId: 'getHealthReady',
        response: { 200: Health, 503: Health },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(store.db);
        return { status: 'UP' as const, store: store.dialect.kind };
      } catch (error) {
        request.log.warn({ err: error }, 'store not ready');
        return reply.status(503).send({ status: 'DOWN' as const, store: store.dialect.kind });
      }
    },
  );
}
