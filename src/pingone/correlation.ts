import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const EXTERNAL_HEADERS = ['X-Ping-External-Transaction-ID', 'X-Ping-External-Session-ID'] as const;

/** PingOne's rule: at most 100 characters; anything but letters, marks, digits and `._-/@=#+` becomes `_`. */
export function sanitizeExternalId(value: string): string {
  return value.slice(0, 100).replace(/[^\p{L}\p{M}\p{N}._\-/@=#+]/gu, '_');
}

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
  }
}

/** Every response carries `Correlation-Id` and the (echoed or generated) external ids. */
export function registerCorrelation(app: FastifyInstance) {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = randomUUID();
    void reply.header('Correlation-Id', request.correlationId);
    for (const name of EXTERNAL_HEADERS) {
      const sent = request.headers[name.toLowerCase()];
      const value = typeof sent === 'string' && sent !== '' ? sanitizeExternalId(sent) : randomUUID();
      void reply.header(name, value);
    }
  });
}
