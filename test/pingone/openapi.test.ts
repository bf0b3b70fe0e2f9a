import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnce } from '../support/harness.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every `$ref` in the document, so each can be checked to resolve. */
function refs(node: Json, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

function resolvePointer(document: Json, ref: string): Json | undefined {
  let node: Json | undefined = document;
  for (const raw of ref.replace(/^#\//, '').split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' && !Array.isArray(node) ? node[part] : undefined;
  }
  return node;
}

describeOnce('Tessera OpenAPI document', (server) => {
  it('is a structurally valid OpenAPI 3 document generated from the route schemas', async () => {
    const response = await server().request('GET', '/openapi.json', { token: null });
    assert.equal(response.status, 200);
    const doc = response.body;
    assert.match(doc.openapi as string, /^3\.\d+\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    assert.deepEqual(doc.servers, [{ url: 'http://tessera.test' }]);
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    assert.ok(doc.paths && typeof doc.paths === 'object');

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is walked loosely
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      assert.ok(path.startsWith('/'), path);
      assert.doesNotMatch(path, /:[A-Za-z]/, `${path} uses OpenAPI {param} syntax, not :param`);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
      for (const [method, operation] of Object.entries<Record<string, any>>(item)) {
        if (!METHODS.includes(method)) continue;
        const where = `${method.toUpperCase()} ${path}`;
        assert.ok(
          operation.responses && Object.keys(operation.responses).length > 0,
          `${where} has responses`,
        );
        for (const status of Object.keys(operation.responses)) {
          assert.match(status, /^([1-5]\d\d|[1-5]XX|default)$/, `${where} status ${status}`);
          assert.equal(
            typeof operation.responses[status].description,
            'string',
            `${where} ${status} description`,
          );
        }
        const declared = (
          (operation.parameters ?? []) as Array<{ name: string; in: string; required?: boolean }>
        )
          .filter((p) => p.in === 'path')
          .map((p) => {
            assert.equal(p.required, true, `${where}: path parameter ${p.name} is required`);
            return p.name;
          });
        assert.deepEqual(declared.sort(), [...templated].sort(), `${where} declares its path parameters`);
        if (operation.requestBody) {
          assert.ok(
            Object.keys(operation.requestBody.content ?? {}).length > 0,
            `${where} body has a media type`,
          );
        }
      }
    }
    for (const ref of refs(doc as Json)) {
      assert.ok(ref.startsWith('#/'), ref);
      assert.notEqual(resolvePointer(doc as Json, ref), undefined, `${ref} resolves`);
    }
  });

  it('lists the management routes with their response schemas', async () => {
    const doc = (await server().request('GET', '/openapi.json', { token: null })).body;
    const expected: Array<[string, string, string]> = [
      ['/{envID}/as/token', 'post', '200'],
      ['/{envID}/as/jwks', 'get', '200'],
      ['/v1/environments', 'get', '200'],
      ['/v1/environments', 'post', '201'],
      ['/v1/environments/{envID}', 'get', '200'],
      ['/v1/environments/{envID}', 'put', '200'],
      ['/v1/environments/{envID}', 'delete', '204'],
      ['/v1/environments/{envID}/populations', 'get', '200'],
      ['/v1/environments/{envID}/populations', 'post', '201'],
      ['/v1/environments/{envID}/populations/{populationID}', 'put', '200'],
      ['/v1/environments/{envID}/applications', 'post', '201'],
      ['/v1/environments/{envID}/applications/{appID}/secret', 'get', '200'],
      ['/v1/environments/{envID}/applications/{appID}/roleAssignments', 'post', '201'],
      ['/v1/roles', 'get', '200'],
    ];
    for (const [path, method, status] of expected) {
      const operation = doc.paths[path]?.[method];
      assert.ok(operation, `${method.toUpperCase()} ${path} is documented`);
      assert.ok(operation.responses[status], `${method.toUpperCase()} ${path} documents ${status}`);
    }
    const created = doc.paths['/v1/environments/{envID}/populations'].post;
    assert.ok(created.requestBody.content['application/json'].schema.properties.name);
    assert.ok(created.responses['201'].content['application/json'].schema.properties.userCount);
    assert.ok(created.responses['400'].content['application/json'].schema.properties.code);
    // Health probes and the document itself are described too, under their own tags.
    assert.deepEqual(doc.paths['/health/live'].get.tags, ['Health']);
    assert.deepEqual(doc.paths['/openapi.json'].get.tags, ['Operations']);
  });
});
