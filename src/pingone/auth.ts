import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../core/access/actor.js';
import type { TokensService } from '../core/tokens/tokens.service.js';
import type { RateLimiter } from '../http/rate-limiter.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Every management call needs a valid bearer token; the actor is attached to the request. */
export function registerBearerAuth(app: FastifyInstance, tokens: TokensService, limiter: RateLimiter) {
  app.addHook('onRequest', async (request) => {
    request.actor = await tokens.authenticate(bearerToken(request));
    limiter.take(request.actor.id);
  });
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('route registered outside the authenticated scope');
  return request.actor;
}
