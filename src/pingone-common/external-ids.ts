import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

// Lower case, as Fastify would store (and send) them: it then has nothing to convert per request.
const TRANSACTION_ID = 'x-ping-external-transaction-id';
const SESSION_ID = 'x-ping-external-session-id';

/** PingOne's rule: at most 100 characters; anything but letters, marks, digits and `._-/@=#+` becomes `_`. */
export function sanitizeExternalId(value: string): string {
  return value.slice(0, 100).replace(/[^\p{L}\p{M}\p{N}._\-/@=#+]/gu, '_');
}

function echoedOrNew(sent: string | string[] | undefined): string {
  return typeof sent === 'string' && sent !== '' ? sanitizeExternalId(sent) : randomUUID();
}

/**
 * Every PingOne response carries the (echoed or generated) external transaction and session ids.
 * A callback hook: no promise per request.
 */
export function registerExternalIds(app: FastifyInstance) {
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(TRANSACTION_ID, echoedOrNew(request.headers[TRANSACTION_ID]));
    void reply.header(SESSION_ID, echoedOrNew(request.headers[SESSION_ID]));
    done();
  });
}
