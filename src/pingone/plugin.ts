import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError, notFound } from '../core/shared/errors.js';
import { authenticateBearer } from '../http/actor.js';
import type { FastifyTypebox } from '../http/context.js';
import { limitRequests, type RateLimiter } from '../http/rate-limiter.js';
import { sendPingOneError } from '../pingone-common/errors.js';
import { registerExternalIds } from '../pingone-common/external-ids.js';
import { Hal } from '../pingone-common/hal.js';
import { acceptPingOneMediaTypes } from '../pingone-common/media-types.js';
import type { PingOneContext } from './context.js';
import { managementRoutes } from './routes.js';

export interface PingOneFaceOptions {
  readonly limiter: RateLimiter;
  readonly allowedMethods: (url: string) => string[];
}

/** The PingOne Platform API face: the management API under /v1. */
export const pingOneFace: FastifyPluginAsyncTypebox<PingOneFaceOptions> = async (app, options) => {
  const context: PingOneContext = { ...app.tessera, hal: new Hal(app.tessera.config.publicUrl) };
  registerExternalIds(app);
  acceptPingOneMediaTypes(app);

  await app.register(
    async (api: FastifyTypebox) => {
      api.setErrorHandler((error, request, reply) => sendPingOneError(request, reply, error));
      // The management API speaks JSON only: a form or text body is an unsupported media type (415),
      // not a validation error. Only the token endpoint accepts forms.
      api.removeContentTypeParser(['application/x-www-form-urlencoded', 'text/plain']);
      api.setNotFoundHandler((request, reply) => {
        const allowed = options.allowedMethods(request.url);
        if (allowed.length > 0) {
          void reply.header('Allow', allowed.join(', '));
          return sendPingOneError(request, reply, new DomainError('method_not_allowed'));
        }
        return sendPingOneError(request, reply, notFound());
      });
      authenticateBearer(api, context.services.tokens, limitRequests(options.limiter));
      for (const routes of managementRoutes) routes(api, context);
    },
    { prefix: '/v1' },
  );
};
