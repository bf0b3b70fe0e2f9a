import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import fc from 'fast-check';
import { createExternalApp, uipathToken } from '../uipath/uipath-helpers.js';
import { createEnvironment, createUser, defaultPopulation, unique } from '../support/fixtures.js';
import { describeStores, type TestServer } from '../support/harness.js';

/**
 * A bounded property-based run driven by the served `/openapi.json` (issue 10): every operation
 * gets path parameters, query and bodies generated from its schemas, with strings mixed with NUL,
 * C0 controls, lone surrogates, long and odd Unicode text, and values of the wrong type. Sent
 * with a valid token (`app.inject`), no answer may be a 5xx, and every 4xx is in the format of
 * the face that owns the path. Fixed seed; RUNS requests per operation and content type.
 */
const SEED = 20261202;
const RUNS = 10;

// JSON Schema as the document serves it (loosely typed on purpose: it is data).
interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
}
interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

const ODD = [
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\ud800',
  '\udfff',
  '\u202e',
  '\ufeff',
  '\uffff',
  '💥',
  'é',
  '\n',
];
/** Strings: plain, with controls and lone surrogates mixed in, long, or odd Unicode. */
const fuzzString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc
    .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...ODD), fc.string({ maxLength: 6 }))
    .map(([a, b, c]) => a + b + c),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('a'.repeat(257), 'x'.repeat(5000), 'é'.repeat(2049)),
  fc.constantFrom('', ' ', '%00', '../..', '${x}', '<script>', "'; DROP TABLE users; --"),
);
/** A value of another type than the schema's. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fuzzString,
  fc.array(fuzzString, { maxLength: 2 }),
);

function arbitraryFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const right = rightTypeFor(schema, depth);
  return fc.oneof({ arbitrary: right, weight: 5 }, { arbitrary: wrongType, weight: 1 });
}

function rightTypeFor(schema: Schema | undefined, depth: number): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return wrongType;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0)
    return fc.oneof(...alternatives.map((s) => arbitraryFor(s, depth + 1)));
  if (schema.allOf && schema.allOf.length > 0) return arbitraryFor(schema.allOf[0], depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0)
    return fc.oneof(
      { arbitrary: fc.constantFrom(...schema.enum), weight: 3 },
      { arbitrary: fuzzString, weight: 1 },
    );
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return fuzzString;
    case 'integer':
      return fc.oneof(
        fc.integer({ min: -5, max: 1000 }),
        fc.constantFrom(-1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER),
      );
    case 'number':
      return fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(1e308, -0));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbitraryFor(schema.items, depth + 1), { maxLength: 3 });
    case 'object':
    case undefined: {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length === 0) return fc.dictionary(fuzzString, fuzzString, { maxKeys: 3 });
      const shape = Object.fromEntries(properties.map(([key, s]) => [key, arbitraryFor(s, depth + 1)]));
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => k in shape) });
    }
    default:
      return wrongType;
  }
}

/** Percent-encodes any string, a lone surrogate as the (invalid) UTF-8 bytes of its code unit. */
function pathSegment(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      const hex = (n: number) => '%' + n.toString(16).toUpperCase();
      out += hex(0xe0 | (code >> 12)) + hex(0x80 | ((code >> 6) & 0x3f)) + hex(0x80 | (code & 0x3f));
    } else out += encodeURIComponent(char);
  }
  return out;
}

const text = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

function encodeBody(contentType: string, value: unknown): string {
  if (contentType.includes('json')) return JSON.stringify(value) ?? 'null';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return pathSegment(text(value));
  return Object.entries(value)
    .map(([k, v]) => `${pathSegment(k)}=${pathSegment(text(v))}`)
    .join('&');
}

type Face = 'pingone' | 'oauth' | 'uipath' | 'page';
const UIPATH = /^\/(?:identity|(?:[^/]+\/){0,2}identity_)(?:\/|$)/;
function faceOf(template: string): Face {
  if (UIPATH.test(template.replace(/\{[^}]+\}/g, 'x'))) return 'uipath';
  if (/^\/\{envID\}\/(?:signon|as\/(?:authorize|resume|signoff))/.test(template)) return 'page';
  if (/^\/\{envID\}\/as\//.test(template)) return 'oauth';
  return 'pingone';
}

/** The 4xx answer is in the format of the face that owns the path. */
function assertFaceFormat(
  face: Face,
  template: string,
  status: number,
  body: string,
  headers: Record<string, unknown>,
) {
  const where = `${template} → ${status} ${body.slice(0, 300)}`;
  // Browser endpoints answer pages; the JSON ones (pi.flow) answer OAuth errors, checked below.
  if (face === 'page' && String(headers['content-type']).startsWith('text/html')) return;
  // UiPath, like IdentityServer, refuses a bad bearer token with an empty 401 (docs/uipath.md).
  if (face === 'uipath' && status === 401 && body === '' && headers['www-authenticate']) return;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    assert.fail(`not JSON: ${where}`);
  }
  const isString = (key: string) => typeof parsed[key] === 'string';
  const envelope = isString('id') && isString('code') && isString('message');
  const oauth = isString('error');
  if (face === 'pingone') assert.ok(envelope, `PingOne envelope expected: ${where}`);
  else if (face === 'oauth') assert.ok(oauth, `OAuth error expected: ${where}`);
  // JSON callers of the browser endpoints (pi.flow) get OAuth errors; a URL refused before
  // routing (malformed, over-long segment) gets the envelope, as everything under /{envID}/.
  else if (face === 'page') assert.ok(oauth || envelope, `OAuth error or envelope expected: ${where}`);
  else {
    const problem = isString('title') && parsed.status === status;
    const identityResult = Array.isArray(parsed.errors);
    assert.ok(problem || identityResult || oauth, `UiPath format expected: ${where}`);
  }
}

describeStores('openapi-driven fuzzing: no 5xx, every 4xx in the face’s format', (server) => {
  let known: Record<string, string>;
  const uipath = new Map<string, string>();
  let paths: Record<string, Record<string, Operation>>;

  before(async () => {
    const s: TestServer = server();
    const env = await createEnvironment(s);
    const user = await createUser(s, env, { username: unique('fuzz'), email: 'fuzz@example.com' });
    const group = await s.request('POST', `/v1/environments/${env}/groups`, { body: { name: unique('g') } });
    const app = await createExternalApp(s, env, ['PM.User']);
    const envName = (await s.request('GET', `/v1/environments/${env}`)).body.name as string;
    // One token per UiPath prefix (each is its own issuer).
    for (const prefix of [
      '/identity_',
      '/identity',
      `/${envName}/identity_`,
      `/${envName}/DefaultTenant/identity_`,
    ])
      uipath.set(prefix, await uipathToken(s, app, 'PM.User', `${prefix}/connect/token`));
    const organization = (await s.request('GET', `/v1/environments/${env}`)).body.organization.id as string;
    known = {
      envID: env,
      userID: user.id,
      userId: user.id,
      groupID: group.body.id as string,
      populationID: await defaultPopulation(s, env),
      appID: app.clientId,
      organizationID: organization,
      partitionGlobalId: env,
      organizationName: envName,
      tenantName: 'DefaultTenant',
    };
    const doc = await s.request('GET', '/openapi.json', { token: null });
    paths = doc.body.paths;
  });

  it('answers every generated request below 500, in the owning face’s format', async () => {
    const s = server();
    const admin = await s.adminToken();
    const failures: string[] = [];
    let sent = 0;
    for (const [template, operations] of Object.entries(paths)) {
      if (template === '/metrics') continue;
      const face = faceOf(template);
      for (const [method, operation] of Object.entries(operations)) {
        const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
        const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query');
        const contents = Object.entries(operation.requestBody?.content ?? {});
        const bodies: Array<[string | undefined, Schema | undefined]> =
          contents.length > 0 ? contents.map(([ct, c]) => [ct, c.schema]) : [[undefined, undefined]];
        for (const [contentType, bodySchema] of bodies) {
          const request = fc.record({
            path: fc.record(
              Object.fromEntries(
                pathParams.map((p) => {
                  const valid = known[p.name];
                  const fuzz = fuzzString.filter((v) => v !== '');
                  return [
                    p.name,
                    valid ? fc.oneof({ arbitrary: fc.constant(valid), weight: 3 }, fuzz) : fuzz,
                  ];
                }),
              ),
            ),
            query: fc.record(
              Object.fromEntries(queryParams.map((p) => [p.name, arbitraryFor(p.schema).map(text)])),
              { requiredKeys: [] },
            ),
            body: bodySchema ? arbitraryFor(bodySchema) : fc.constant(undefined),
          });
          const samples = fc.sample(request, { seed: SEED + sent, numRuns: RUNS });
          for (const sample of samples) {
            const url =
              template.replace(/\{([^}]+)\}/g, (_, name: string) => pathSegment(String(sample.path[name]))) +
              (Object.keys(sample.query).length > 0
                ? '?' +
                  Object.entries(sample.query)
                    .map(([k, v]) => `${k}=${pathSegment(String(v))}`)
                    .join('&')
                : '');
            const headers: Record<string, string> = {};
            if (face === 'uipath') {
              const prefix = /^(.*?\/identity_?)(?:\/|$)/.exec(url)?.[1] ?? '';
              const token = uipath.get(prefix);
              if (token) headers.authorization = `Bearer ${token}`;
            } else if (face === 'pingone') headers.authorization = `Bearer ${admin}`;
            if (contentType) headers['content-type'] = contentType;
            const response = await s.app.server.inject({
              method: method.toUpperCase() as 'GET',
              url,
              headers,
              ...(contentType ? { payload: encodeBody(contentType, sample.body) } : {}),
            });
            sent += 1;
            const status = response.statusCode;
            const label = `${method.toUpperCase()} ${url.slice(0, 200)} [${contentType ?? '-'}]`;
            if (status >= 500) failures.push(`${label} → ${status} ${response.body.slice(0, 300)}`);
            else if (status >= 400) {
              try {
                assertFaceFormat(face, template, status, response.body, response.headers);
              } catch (error) {
                failures.push(`${label}: ${(error as Error).message}`);
              }
            }
          }
        }
      }
    }
    assert.ok(sent > 500, `sent ${sent} requests`);
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${sent} requests failed`);
  });
});
