import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
  }
}

/** Every response of every face carries a fresh `Correlation-Id`; faces cite it in their errors. */
export function registerCorrelation(app: FastifyInstance) {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = randomUUID();
    void reply.header('Correlation-Id', request.correlationId);
  });
}
