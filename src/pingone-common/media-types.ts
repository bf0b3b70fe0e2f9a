import type { FastifyInstance } from 'fastify';

/**
 * PingOne's action media types (`application/vnd.pingidentity.*`) carry JSON, sometimes with no
 * body at all; both PingOne faces accept them in their scope.
 */
export function acceptPingOneMediaTypes(app: FastifyInstance) {
  app.addContentTypeParser(
    /^application\/vnd\.pingidentity\./i,
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch (error) {
        done(
          Object.assign(error as Error, { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }),
          undefined,
        );
      }
    },
  );
}
