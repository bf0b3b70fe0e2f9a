import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const EXTERNAL_HEADERS = ['X-Ping-External-Transaction-ID', 'X-Ping-External-Session-ID'].map(
  (name) => [name, name.toLowerCase()] as const,
);

/** PingOne's rule: at most 100 characters; anything but letters, marks, digits and `._-/@=#+` becomes `_`. */
export function sanitizeExternalId(value: string): string {
  return value.slice(0, 100).replace(/[^\p{L}\p{M}\p{N}._\-/@=#+]/gu, '_');
}

/**
 * Every PingOne response carries the (echoed or generated) external transaction and session ids.
 * A callback hook: no promise per request.
 */
export function registerExternalIds(app: FastifyInstance) {
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, key] of EXTERNAL_HEADERS) {
      const sent = request.headers[key];
      const value = typeof sent === 'string' && sent !== '' ? sanitizeExternalId(sent) : randomUUID();
      void reply.header(name, value);
    }
    done();
  });
}
