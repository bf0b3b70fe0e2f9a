import { DomainError, MESSAGES } from '../core/shared/errors.js';
import { registerBearerAuth } from './auth.js';
import { sendPingOneError } from './errors.js';
import type { FastifyTypebox } from './plugin-types.js';
import { managementRoutes } from './routes.js';
import { tokenRoutes } from './tokens/tokens.routes.js';
import type { createRateLimiter } from '../http/rate-limiter.js';

export interface PingOneFaceOptions {
  readonly limiter: ReturnType<typeof createRateLimiter>;
  readonly allowedMethods: (url: string) => string[];
}

/** The PingOne Platform API face: the authorization server and the management API under /v1. */
export async function pingOneFace(app: FastifyTypebox, options: PingOneFaceOptions) {
  await app.register(async (as) => tokenRoutes(as as FastifyTypebox));

  await app.register(
    async (api) => {
      const typed = api as FastifyTypebox;
      typed.setErrorHandler((error, request, reply) => sendPingOneError(request, reply, error));
      // The management API speaks JSON only: a form or text body is an unsupported media type (415),
      // not a validation error. Only the token endpoint accepts forms.
      typed.removeContentTypeParser(['application/x-www-form-urlencoded', 'text/plain']);
      typed.setNotFoundHandler((request, reply) => {
        const allowed = options.allowedMethods(request.url);
        if (allowed.length > 0) {
          void reply.header('Allow', allowed.join(', '));
          return sendPingOneError(
            request,
            reply,
            new DomainError('method_not_allowed', MESSAGES.methodNotAllowed),
          );
        }
        return sendPingOneError(request, reply, new DomainError('not_found', MESSAGES.notFound));
      });
      registerBearerAuth(typed, typed.tessera.services.tokens, options.limiter);
      for (const routes of managementRoutes) routes(typed);
    },
    { prefix: '/v1' },
  );
}
