import type { FastifyInstance } from 'fastify';
import type { EnvironmentsService } from '../core/environments/environments.service.js';
import { forbidden } from '../core/shared/errors.js';
import type { TokensService } from '../core/tokens/tokens.service.js';
import { actorOf, authenticateBearer } from '../http/actor.js';
import { limitRequests, type RateLimiter } from '../http/rate-limiter.js';
import { uipathActor } from './scopes.js';

/** True when an organization name in a URL denotes the environment (its id, or its name case-insensitively). */
export const namesEnvironment = (organizationName: string, env: { id: string; name: string }): boolean =>
  organizationName.toLowerCase() === env.id.toLowerCase() ||
  organizationName.toLowerCase() === env.name.toLowerCase();

/**
 * Every UiPath API call needs a bearer token from a Tessera application; the token's environment
 * is the organization. An organization named in the URL must be that environment (else 403).
 * Scopes are checked by the core's `authorize()`, through the actor.
 */
export function registerUiPathAuth(
  app: FastifyInstance,
  deps: { tokens: TokensService; environments: EnvironmentsService; limiter: RateLimiter },
) {
  const limit = limitRequests(deps.limiter);
  authenticateBearer(app, deps.tokens, (request) => {
    // UiPath authorizes by the token's scopes only (core `authorize()` reads them through the actor).
    request.actor = uipathActor(actorOf(request));
    limit(request);
  });
  app.addHook('onRequest', async (request) => {
    const organization = organizationNameOf(request.params);
    if (organization !== undefined) {
      const env = await deps.environments.require(actorOf(request).environmentId);
      if (!namesEnvironment(organization, env)) throw forbidden();
    }
  });
}

/** The `{organizationName}` route value, when the route has one (hooks see every route's params). */
function organizationNameOf(params: unknown): string | undefined {
  return typeof params === 'object' &&
    params !== null &&
    'organizationName' in params &&
    typeof params.organizationName === 'string'
    ? params.organizationName
    : undefined;
}
