import type { FastifyInstance } from 'fastify';
import type swaggerPlugin from '@fastify/swagger';
import type { Config } from '../config/config.js';

/**
 * Tessera's own OpenAPI document, generated from the route schemas. Routes that pick their
 * operation by Content-Type document one request body per media type.
 */
export async function registerOpenApi(app: FastifyInstance, swagger: typeof swaggerPlugin, config: Config) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tessera',
        description:
          'Identity directory server speaking the PingOne Platform API and UiPath Identity Server user API.',
        version: '0.1.0',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url, route }) => {
      const bodies = route.config?.mediaTypeBodies;
      if (!bodies || !schema) return { schema, url };
      const content = Object.fromEntries(
        Object.entries(bodies).map(([type, body]) => [type, { schema: body ?? { type: 'object' } }]),
      );
      return { schema: { ...schema, body: { content } }, url };
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
