import type { FastifyInstance } from 'fastify';
import type swaggerPlugin from '@fastify/swagger';
import type { Config } from '../config/config.js';
import { defaultOperationId, defaultSummary, defaultTag } from './openapi-operations.js';
import { TESSERA_VERSION } from './root-page.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
}
type PathItem = Partial<Record<(typeof METHODS)[number], Operation>>;

/**
 * Gives every operation an operationId (unique), a one-line summary and a tag, deriving what a
 * route did not declare (openapi-operations.ts), and lists every tag at the top of the document.
 */
export function completeOperations(paths: Record<string, PathItem>): { name: string }[] {
  const urls = Object.keys(paths);
  // Holds items: a `{id}` child exists, or POST on a plural name creates one.
  const isCollection = (at: string) =>
    urls.some((u) => u.startsWith(`${at}/{`) && !u.slice(at.length + 2).includes('/')) ||
    (paths[at]?.post !== undefined && /s$/.test(at));
  const tags = new Set<string>();
  const ids = new Set<string>();
  for (const [url, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const verb = method.toUpperCase();
      operation.summary ??= defaultSummary(verb, url, isCollection);
      if (!operation.tags || operation.tags.length === 0) operation.tags = [defaultTag(url)];
      for (const tag of operation.tags) tags.add(tag);
      let id = operation.operationId ?? defaultOperationId(verb, url);
      for (let n = 2; ids.has(id); n += 1)
        id = `${operation.operationId ?? defaultOperationId(verb, url)}${n}`;
      ids.add(id);
      operation.operationId = id;
    }
  }
  return [...tags].sort((a, b) => a.localeCompare(b)).map((name) => ({ name }));
}

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
          'Identity server speaking the PingOne Platform API (management, authentication, sign-on) and ' +
          'the UiPath Identity Server user API.',
        version: TESSERA_VERSION,
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
    transformObject: (documents) => {
      if (!('openapiObject' in documents)) return documents.swaggerObject;
      const document = documents.openapiObject;
      document.tags = completeOperations((document.paths ?? {}) as Record<string, PathItem>);
      return document;
    },
  });
  app.get(
    '/openapi.json',
    {
      schema: { tags: ['Operations'], summary: 'This OpenAPI 3 document', operationId: 'getOpenApiDocument' },
    },
    async () => app.swagger(),
  );
}
