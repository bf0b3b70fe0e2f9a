import type { FastifyTypebox } from '../http/context.js';
import { sendPingOneError } from '../pingone-common/errors.js';
import { clockRoutes } from './clock.routes.js';
import { mailboxRoutes } from './mailbox.routes.js';
import { resetRoutes } from './reset.routes.js';

/**
 * Tessera's test-mode routes under /tessera/testing (never part of any imitated API), answering
 * in PingOne's error envelope. Registered only in test mode.
 */
export async function testingRoutes(app: FastifyTypebox) {
  app.setErrorHandler((error, request, reply) => sendPingOneError(request, reply, error));
  await app.register(mailboxRoutes);
  await app.register(clockRoutes);
  await app.register(resetRoutes);
}
