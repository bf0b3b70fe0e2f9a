import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const REFERENCE_PATH = '/reference';

/**
 * The interactive API reference (Swagger UI) at `/reference`, over `/openapi.json`'s document.
 * Every asset comes from the @fastify/swagger-ui package: the page loads nothing from the
 * internet (no CDN, fonts or validator badge; test/http/root-page-browser.test.ts checks it).
 */
export async function registerReference(app: FastifyInstance) {
  await app.register(swaggerUi, {
    routePrefix: REFERENCE_PATH,
    uiConfig: {
      // Swagger UI would otherwise ask validator.swagger.io for a badge.
      validatorUrl: null,
      deepLinking: true,
      docExpansion: 'none',
      tagsSorter: 'alpha',
    },
    theme: { title: 'Tessera API reference' },
    staticCSP: true,
    // The package's policy, minus every remote source: the page may load only from Tessera.
    // Swagger UI (React) sets inline style attributes, hence 'unsafe-inline' for styles only.
    transformStaticCSP: (header) =>
      header
        .replace(' validator.swagger.io', '')
        .replace("font-src 'self' https: data:", "font-src 'self' data:")
        .replace(/style-src 'self' https:[^;]*;/, "style-src 'self' 'unsafe-inline';")
        .replace(' upgrade-insecure-requests;', ''),
  });
}
