import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../../http/context.js';

/** Methods of each `/{envID}/as/<endpoint>`, so another method is 405, not 404. */
const ENDPOINTS: Readonly<Record<string, readonly string[]>> = {
  authorize: ['GET', 'POST'],
  resume: ['GET'],
  token: ['POST'],
  userinfo: ['GET', 'POST'],
  jwks: ['GET'],
  introspect: ['POST'],
  revoke: ['POST'],
  signoff: ['GET'],
  idpSignoff: ['GET'],
  '.well-known/openid-configuration': ['GET'],
};

/**
 * Any other `/{envID}/as/*` request gets an OAuth-style JSON answer (RFC 6749 error shape), not
 * the framework's default 404 body.
 */
export function asNotFoundRoutes(app: FastifyTypebox) {
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/:envID/as/*',
    schema: { hide: true, params: Type.Object({ envID: Type.String(), '*': Type.String() }) },
    handler: async (request, reply) => {
      const rest = request.params['*'].replace(/\/$/, '');
      const allowed = ENDPOINTS[rest];
      void reply.header('Cache-Control', 'no-store');
      if (allowed) {
        return reply
          .status(405)
          .header('Allow', allowed.join(', '))
          .send({ error: 'invalid_request', error_description: `${request.method} is not supported here` });
      }
      return reply.status(404).send({ error: 'not_found', error_description: 'No such endpoint' });
    },
  });
}
