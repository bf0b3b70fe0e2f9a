import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../core/access/actor.js';
import type { EnvironmentsService } from '../core/environments/environments.service.js';
import { forbidden } from '../core/shared/errors.js';
import type { TokensService } from '../core/tokens/tokens.service.js';
import type { RateLimiter } from '../http/rate-limiter.js';

const bearerToken = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  return typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
};

/** True when an organization name in a URL denotes the environment (its id, or its name case-insensitively). */
export const namesEnvironment = (organizationName: string, env: { id: string; name: string }): boolean =>
  organizationName.toLowerCase() === env.id.toLowerCase() ||
  organizationName.toLowerCase() === env.name.toLowerCase();

/**
 * Every UiPath API call needs a bearer token from a Tessera application; the token's environment
 * is the organization. An organization named in the URL must be that environment (else 403).
 * Scopes are checked by the service of each operation.
 */
export function registerUiPathAuth(
  app: FastifyInstance,
  deps: { tokens: TokensService; environments: EnvironmentsService; limiter: RateLimiter },
) {
  app.addHook('onRequest', async (request) => {
    const actor = await deps.tokens.authenticate(bearerToken(request));
    request.actor = actor;
    deps.limiter.take(actor.id);
    const organization = (request.params as { organizationName?: string } | undefined)?.organizationName;
    if (organization !== undefined) {
      const env = await deps.environments.require(actor.environmentId);
      if (!namesEnvironment(organization, env)) throw forbidden();
    }
  });
}

export function uipathActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('route registered outside the authenticated scope');
  return request.actor;
}
