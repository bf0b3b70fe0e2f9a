import type { FastifyRequest } from 'fastify';

/** Fastify's private key of a request's route context (`fastify.context` in its lib/symbols.js). */
let contextKey: symbol | null | undefined;

interface RouteContext {
  readonly config?: { readonly url?: string };
}

/**
 * The route template a request matched, `request.routeOptions.url` (undefined when no route
 * matched), read without Fastify's `routeOptions` getter: that getter builds a dozen-field object
 * and asks the router about version constraints on every read (0.07–0.2 µs in a hot loop, against
 * 0.005 µs here; reading it at info cost 1.6 ± 1.5 µs per request in the server, docs/benchmarks.md
 * "Info logging (session 13)"), and the metrics histogram and the info request line each read it
 * on every request. The getter's `url` is the route context's `config.url`; Fastify keeps that
 * context under a private symbol, found once here by its description. Should a Fastify version
 * not have it, the public getter answers (a test checks the fast path is the one in use).
 */
export function routeTemplateOf(request: FastifyRequest): string | undefined {
  if (contextKey === undefined) contextKey = findContextKey(request);
  if (contextKey === null) return request.routeOptions.url;
  return (request as unknown as Record<symbol, RouteContext | undefined>)[contextKey]?.config?.url;
}

/** Whether routeTemplateOf reads the context directly (for the test that guards it). */
export function routeTemplateIsDirect(): boolean {
  return typeof contextKey === 'symbol';
}

function findContextKey(request: FastifyRequest): symbol | null {
  const key = Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context');
  if (key === undefined) return null;
  // Trust it only if it agrees with the public getter on this request.
  const context = (request as unknown as Record<symbol, RouteContext | undefined>)[key];
  return context?.config?.url === request.routeOptions.url ? key : null;
}
