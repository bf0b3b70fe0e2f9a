import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store.js';

export function registerHealth(app: FastifyInstance, store: Store) {
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'UP' }));
  app.get('/health/ready', { schema: { hide: true } }, async (request, reply) => {
    try {
      await sql`select 1`.execute(store.db);
      return { status: 'UP', store: store.dialect.kind };
    } catch (error) {
      request.log.warn({ err: error }, 'store not ready');
      return reply.status(503).send({ status: 'DOWN', store: store.dialect.kind });
    }
  });
}
