import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const EXTERNAL_HEADERS = ['X-Ping-External-Transaction-ID', 'X-Ping-External-Session-ID'] as const;

/** PingOne's rule: at most 100 characters; anything but letters, marks, digits and `._-/@=#+` becomes `_`. */
export function sanitizeExternalId(value: string): string {
  return value.slice(0, 100).replace(/[^\p{L}\p{M}\p{N}._\-/@=#+]/gu, '_');
}

/** Every PingOne response carries the (echoed or generated) external transaction and session ids. */
export function registerExternalIds(app: FastifyInstance) {
  app.addHook('onRequest', async (request, reply) => {
    for (const name of EXTERNAL_HEADERS) {
      const sent = request.headers[name.toLowerCase()];
      const value = typeof sent === 'string' && sent !== '' ? sanitizeExternalId(sent) : randomUUID();
      void reply.header(name, value);
    }
  });
}
