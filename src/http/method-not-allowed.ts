import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance } from 'fastify';

/**
 * Remembers every route so that a request for a known path with an unsupported method can be
 * answered 405 instead of 404 (Fastify itself only knows "not found").
 */
export function trackRoutes(app: FastifyInstance) {
  const router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const raw of methods) {
      const method = String(raw).toUpperCase() as HTTPMethod;
      if (method === 'HEAD' || router.hasRoute(method, route.url)) continue;
      router.on(method, route.url, () => undefined);
    }
  });
  return {
    /** Methods that would match the URL, if any. */
    allowedMethods(url: string): string[] {
      const path = url.split('?')[0] ?? url;
      return (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter(
        (m) => router.find(m, path) !== null,
      );
    },
  };
}
