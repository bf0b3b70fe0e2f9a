import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../core/shared/clock.js';

/**
 * Test mode's clock may run apart per environment: every request whose route names an
 * environment is served on that environment's clock. The hook runs the rest of the request
 * (handler included) inside the clock's context; `environmentOf` reads the environment from the
 * request (the route's `envID` at the root; the token's environment in the UiPath face). A clock
 * without per-environment time (outside test mode) adds no hook.
 */
export function enterEnvironmentClock(
  app: FastifyInstance,
  clock: Clock,
  environmentOf: (request: FastifyRequest) => string | undefined,
): void {
  const runIn = clock.runIn?.bind(clock);
  if (!runIn) return;
  // A callback hook: `done` (the next hooks and the handler) is called inside the context.
  app.addHook('preHandler', (request, _reply, done) => {
    const environmentId = environmentOf(request);
    if (environmentId === undefined) done();
    else runIn(environmentId, done);
  });
}

/** The route's `envID` value, when the route has one. */
export function environmentParamOf(request: FastifyRequest): string | undefined {
  const params = request.params;
  return typeof params === 'object' &&
    params !== null &&
    'envID' in params &&
    typeof params.envID === 'string'
    ? params.envID
    : undefined;
}
