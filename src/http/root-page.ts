import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { REFERENCE_PATH } from './reference.js';

/** Tessera's version, from the package.json next to src/ and dist/ (read once at start). */
export const TESSERA_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const LINKS = {
  reference: { href: REFERENCE_PATH, title: 'Interactive API reference' },
  openapi: { href: '/openapi.json', title: 'OpenAPI 3 document' },
  health: { href: '/health/ready', title: 'Readiness (store reachable)' },
  liveness: { href: '/health/live', title: 'Liveness' },
} as const;

const Link = Type.Object({ href: Type.String(), title: Type.String() });
const RootDocument = Type.Object({
  name: Type.Literal('Tessera'),
  description: Type.String(),
  version: Type.String(),
  _links: Type.Object({
    reference: Link,
    openapi: Link,
    health: Link,
    liveness: Link,
  }),
});

const DESCRIPTION =
  'A self-hostable identity server speaking the PingOne Platform API (management, authentication, ' +
  'sign-on) and the UiPath Identity Server user API.';

function page(): string {
  const items = Object.values(LINKS)
    .map((link) => `      <li><a href="${link.href}">${link.title}</a> <code>${link.href}</code></li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Tessera ${TESSERA_VERSION}</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1d232b; }
      h1 { margin-bottom: 0; } .version { color: #5b6470; margin-top: 0; }
      code { background: #f1f3f5; padding: 0 .25rem; border-radius: 3px; }
    </style>
  </head>
  <body>
    <h1>Tessera</h1>
    <p class="version">version ${TESSERA_VERSION}</p>
    <p>${DESCRIPTION}</p>
    <ul>
${items}
    </ul>
  </body>
</html>
`;
}

/** Wants HTML when the Accept header ranks text/html above JSON (a browser does). */
function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = /(^|,)\s*text\/html/i.test(accept);
  const json = /(^|,)\s*application\/(json|hal\+json)/i.test(accept);
  return html && (!json || accept.search(/text\/html/i) < accept.search(/application\/(hal\+)?json/i));
}

/** `GET /`: a small page for a browser, the same facts and links as JSON for a client. */
export function registerRootPage(app: FastifyInstance) {
  const html = page();
  app.get(
    '/',
    {
      schema: {
        tags: ['Operations'],
        summary: 'What this server is, its version and links to the reference, OpenAPI and health',
        operationId: 'getRoot',
        produces: ['application/json', 'text/html'],
        response: { 200: RootDocument },
      },
    },
    async (request, reply) => {
      void reply.header('Vary', 'Accept');
      if (wantsHtml(request.headers.accept)) {
        return reply
          .type('text/html; charset=utf-8')
          .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
          .serializer((payload: unknown) => String(payload))
          .send(html);
      }
      return { name: 'Tessera' as const, description: DESCRIPTION, version: TESSERA_VERSION, _links: LINKS };
    },
  );
}
