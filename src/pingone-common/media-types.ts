import type { FastifyInstance } from 'fastify';
import { DomainError } from '../core/shared/errors.js';
import { essence, sameMediaType } from '../http/media-type.js';

const VENDOR_TYPE = /^application\/vnd\.pingidentity\./i;

/**
 * PingOne's action media types (`application/vnd.pingidentity.*`) carry JSON, sometimes with no
 * body at all; both PingOne faces accept them in their scope.
 */
export function acceptPingOneMediaTypes(app: FastifyInstance) {
  // A vendor media type means an action: only a route declaring that action accepts it, so an
  // unknown or misplaced one (e.g. on PATCH) is 415 rather than read as plain JSON.
  // A callback hook: no promise per request.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const type = essence(request.headers['content-type']);
    if (type !== undefined && VENDOR_TYPE.test(type)) {
      const declared = Object.keys(request.routeOptions.config.mediaTypeBodies ?? {});
      if (!declared.some((known) => sameMediaType(known, type))) {
        done(new DomainError('unsupported_media_type'));
        return;
      }
    }
    done(null, payload);
  });
  app.addContentTypeParser(VENDOR_TYPE, { parseAs: 'string' }, (_request, body, done) => {
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
  });
}
