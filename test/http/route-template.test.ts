// The route template read without Fastify's `routeOptions` getter (src/http/route-template.ts) must
// be the getter's `url`, and the fast path must be the one in use. Nothing here touches a store.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import Fastify, { type FastifyRequest } from 'fastify';
import { routeTemplateIsDirect, routeTemplateOf } from '../../src/http/route-template.js';

describe('route template', () => {
  it("is routeOptions.url for matched, parametric and unmatched requests, read from Fastify's context", async () => {
    const server = Fastify();
    const seen: Array<[string | undefined, string | undefined, string | undefined]> = [];
    server.addHook('onResponse', async (request: FastifyRequest) => {
      const direct = routeTemplateOf(request);
      const getter = request.routeOptions.url;
      // With the getter made to fail, the answer must not change: it is not read.
      Object.defineProperty(request, 'routeOptions', {
        get() {
          throw new Error('routeOptions read');
        },
      });
      seen.push([request.url, direct, getter]);
      assert.equal(routeTemplateOf(request), direct);
    });
    server.get('/things/:id', async () => ({ ok: true }));
    server.get('/plain', async () => ({ ok: true }));
    server.post('/things', async () => ({ ok: true }));
    try {
      for (const [method, url] of [
        ['GET', '/things/t1?x=1'],
        ['GET', '/plain'],
        ['POST', '/things'],
        ['GET', '/nothing/here'],
        ['DELETE', '/plain'],
      ] as const)
        await server.inject({ method, url });
    } finally {
      await server.close();
    }
    assert.deepEqual(seen, [
      ['/things/t1?x=1', '/things/:id', '/things/:id'],
      ['/plain', '/plain', '/plain'],
      ['/things', '/things', '/things'],
      ['/nothing/here', undefined, undefined],
      ['/plain', undefined, undefined],
    ]);
    assert.equal(
      routeTemplateIsDirect(),
      true,
      "Fastify's route context was not found: the slow getter is in use",
    );
  });
});
