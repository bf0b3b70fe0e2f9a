import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
  }
}

/**
 * Every response of every face carries a fresh `Correlation-Id`; faces cite it in their errors.
 * It is the request id (`genReqId` in app.ts), so the request's log lines carry it too.
 */
export function registerCorrelation(app: FastifyInstance) {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = request.id;
    void reply.header('Correlation-Id', request.correlationId);
  });
}
