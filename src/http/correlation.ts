import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
  }
}

/**
 * Every response of every face carries a fresh `Correlation-Id`; faces cite it in their errors.
 * It is the request id (`genReqId` in app.ts), so the request's log lines carry it too.
 * `setCorrelationId` runs first in app.ts's one root `onRequest` hook.
 */
export function decorateCorrelation(app: FastifyInstance) {
  app.decorateRequest('correlationId', '');
}

export function setCorrelationId(request: FastifyRequest, reply: FastifyReply): void {
  request.correlationId = request.id;
  void reply.header('Correlation-Id', request.id);
}
