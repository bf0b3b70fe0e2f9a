import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { FastifyTypebox } from '../http/context.js';
import type { RateLimiter } from '../http/rate-limiter.js';
import { registerUiPathAuth } from './auth.js';
import { bindJson } from './binding.js';
import { ProblemError, sendUiPathError } from './errors.js';
import { JsonSyntaxError, parseJsonBody, type SourcePosition } from './json-body.js';
import { uipathTokenRoutes } from './tokens/tokens.routes.js';
import { orgParams } from './shared/schemas.js';
import { usersRoutes } from './users/users.routes.js';
import { enterEnvironmentClock } from '../http/environment-clock.js';

/**
 * Where UiPath clients find the Identity API: standalone `/identity`, Cloud/Suite `/identity_`,
 * with the organization, and with the organization and an (ignored) tenant as older docs show.
 * Static segments win over parameters in Fastify's router, so `/v1/...` and `/{envID}/as/...`
 * keep going to the PingOne face.
 */
export const UIPATH_PREFIXES = [
  '/identity',
  '/identity_',
  '/:organizationName/identity_',
  '/:organizationName/:tenantName/identity_',
] as const;

export interface UiPathFaceOptions {
  readonly limiter: RateLimiter;
  readonly allowedMethods: (url: string) => string[];
}

/** The JSON media types ASP.NET's input formatter accepts. */
const JSON_TYPES = ['application/json', 'text/json', 'application/json-patch+json'];

/** JSON bodies are read by our own reader so binding errors can cite path, line and position. */
function registerJsonBodies(app: FastifyTypebox) {
  const positions = new WeakMap<FastifyRequest, ReadonlyMap<string, SourcePosition>>();
  for (const type of JSON_TYPES) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
    app.addContentTypeParser(type, { parseAs: 'string' }, (request, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      try {
        const parsed = parseJsonBody(text);
        positions.set(request, parsed.positions);
        done(null, parsed.value);
      } catch (error) {
        if (error instanceof JsonSyntaxError)
          return done(new ProblemError(400, { [error.path]: [error.message] }), undefined);
        done(error as Error, undefined);
      }
    });
  }
  // Bodies are bound here (ASP.NET model binding); Fastify's own body validation is bypassed.
  const { validators } = app.tessera;
  app.setValidatorCompiler((route) =>
    route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validators.compiler(route),
  );
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.body;
    if (!schema) return;
    if (request.body === undefined || request.body === null) {
      throw new ProblemError(400, { '': ['A non-empty request body is required.'] });
    }
    const bound = bindJson(schema, request.body, positions.get(request) ?? new Map());
    if (Object.keys(bound.errors).length > 0) throw new ProblemError(400, bound.errors);
    request.body = bound.value;
  });
}

/** The UiPath Identity Server user API face, under each of its URL prefixes. */
export const uipathFace: FastifyPluginAsyncTypebox<UiPathFaceOptions> = async (app, options) => {
  const { services } = app.tessera;

  for (const prefix of UIPATH_PREFIXES) {
    await app.register(
      async (face: FastifyTypebox) => {
        face.setErrorHandler((error, request, reply) => sendUiPathError(request, reply, error));
        face.setNotFoundHandler((request, reply) => {
          // ASP.NET routing answers a known path with another method 405 (empty); an unknown path
          // gets a ProblemDetails 404, so every refusal of this face has a body a client can read.
          const allowed = options.allowedMethods(request.url);
          if (allowed.length > 0) return reply.status(405).header('Allow', allowed.join(', ')).send();
          return sendUiPathError(request, reply, new ProblemError(404));
        });
        await face.register(async (tokens: FastifyTypebox) => uipathTokenRoutes(tokens, prefix));
        await face.register(
          async (api: FastifyTypebox) => {
            registerJsonBodies(api);
            registerUiPathAuth(api, {
              tokens: services.tokens,
              environments: services.environments,
              limiter: options.limiter,
            });
            // In test mode, calls run on the clock of the token's environment (the organization).
            enterEnvironmentClock(api, services.clock, (request) => request.actor?.environmentId);
            usersRoutes(api, services.directory, orgParams(prefix));
          },
          { prefix: '/api' },
        );
      },
      { prefix },
    );
  }
};
