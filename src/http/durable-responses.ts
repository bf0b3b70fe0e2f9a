import type { FastifyInstance } from 'fastify';

/**
 * Holds every response until the store's commits are durable (`Store.untilDurable`). A SQLite
 * file store syncs its commits off the event loop (src/db/wal-sync.ts), so another request's
 * commit is visible before it is on disk; a response showing it, then a power loss, would have
 * shown something that never was. Waiting here makes a read as safe as PostgreSQL's, where a
 * commit is visible only once flushed. While nothing is pending it costs one call.
 */
export function holdResponsesUntilDurable(
  app: FastifyInstance,
  untilDurable: () => Promise<void> | undefined,
): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    const pending = untilDurable();
    if (!pending) return done(null, payload);
    pending.then(
      () => done(null, payload),
      // The face's error handler answers instead (a server error in its own format); its answer
      // comes back here and, showing nothing read, goes out.
      (error: unknown) =>
        reply.statusCode >= 500
          ? done(null, payload)
          : done(error instanceof Error ? error : new Error(String(error))),
    );
  });
}
