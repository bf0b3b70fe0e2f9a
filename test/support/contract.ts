/**
 * Contract checks against the real PingOne Management API document
 * (`../shared/reference/openapi/pingone-management.yml`): finds the response schema the document
 * declares for (method, path, status) and validates a Tessera response body against it.
 *
 *   import { assertContract } from '../support/contract.js';
 *   const created = await server().request('POST', `/v1/environments/${env}/populations`, { body });
 *   assertContract('POST', '/environments/{envID}/populations', created);
 *
 * The path may be a template with any parameter names or a concrete URL (with or without `/v1`
 * and a query string). Fails when the document declares no schema for that response, unless
 * `{ optional: true }` is given.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Where a reference OpenAPI document lives: `$TESSERA_REFERENCE_DIR/openapi/<file>` when set, else
 * `../shared/reference/openapi/<file>` next to the repository, else the workspace copy under
 * `/work/shared` (so clones checked out elsewhere on this machine find it too).
 */
export function referenceDocument(file: string): string {
  const candidates = [
    ...(process.env.TESSERA_REFERENCE_DIR ? [join(process.env.TESSERA_REFERENCE_DIR, 'openapi', file)] : []),
    join(import.meta.dirname, '../../../shared/reference/openapi', file),
    join('/work/shared/reference/openapi', file),
  ].map((candidate) => resolve(candidate));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `reference document ${file} not found (looked in ${candidates.join(', ')}); ` +
        'set TESSERA_REFERENCE_DIR to the directory holding openapi/',
    );
  }
  return found;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, JsonObject> }>>;
  components: JsonObject & { responses?: Record<string, JsonObject> };
}

/**
 * Parses the YAML once per process; the parsed form is cached as JSON in the temp directory
 * (keyed by size and mtime) because the 1.4 MB YAML takes seconds to parse on a busy machine.
 */
function loadDocument(path: string): OpenApiDocument {
  const stat = statSync(path);
  const key = createHash('sha256').update(`${path}:${stat.size}:${stat.mtimeMs}`).digest('hex').slice(0, 16);
  const cache = join(tmpdir(), `tessera-contract-${key}.json`);
  if (existsSync(cache)) {
    try {
      return JSON.parse(readFileSync(cache, 'utf8')) as OpenApiDocument;
    } catch {
      // A half-written cache from a parallel run: parse the YAML instead.
    }
  }
  const document = parseYaml(readFileSync(path, 'utf8'), { maxAliasCount: -1 }) as OpenApiDocument;
  const temporary = `${cache}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify(document));
  // Rename is atomic: readers see the whole file or none.
  renameSync(temporary, cache);
  return document;
}

const DOCUMENT_ID = 'pingone-management';

/**
 * Rewrites local `$ref`s to point into the registered document, reads `oneOf` as `anyOf`, and
 * drops `writeOnly` properties from `required` (required in requests, never in responses).
 */
function prepare(node: Json): Json {
  if (Array.isArray(node)) return node.map(prepare);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
      out[key] = `${DOCUMENT_ID}${value}`;
    } else if (key === 'oneOf') {
      // PingOne's alternatives overlap (e.g. region: oneOf [EnumRegionCode, string]), so a
      // valid PingOne body matches several; read oneOf as "one of these shapes" (anyOf).
      out.anyOf = prepare(value);
    } else {
      out[key] = prepare(value);
    }
  }
  const properties = node.properties;
  if (
    Array.isArray(node.required) &&
    properties &&
    typeof properties === 'object' &&
    !Array.isArray(properties)
  ) {
    out.required = node.required.filter((name) => {
      const property = typeof name === 'string' ? properties[name] : undefined;
      return !(
        property &&
        typeof property === 'object' &&
        !Array.isArray(property) &&
        property.writeOnly === true
      );
    });
  }
  return out;
}

export interface ContractIssue {
  readonly path: string;
  readonly message: string;
}

export class Contract {
  private readonly ajv: Ajv.default;
  private readonly validators = new Map<string, ValidateFunction | null>();
  private readonly templates: Array<{ template: string; segments: string[] }>;

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv.default({ allErrors: true, strict: false, validateFormats: true });
    addFormats.default(this.ajv);
    // OpenAPI's numeric and binary formats carry no extra constraint for JSON bodies.
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) {
      this.ajv.addFormat(format, true);
    }
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: prepare(document.components) });
    this.templates = Object.keys(document.paths).map((template) => ({
      template,
      segments: template.split('/').filter((s) => s !== ''),
    }));
  }

  /** The document's path template matching a Tessera template or concrete URL. */
  findPath(path: string): string | undefined {
    const clean = (path.split('?')[0] ?? path).replace(/^https?:\/\/[^/]+/, '').replace(/^\/v1(?=\/)/, '');
    const wanted = clean.split('/').filter((s) => s !== '');
    let best: { template: string; literals: number } | undefined;
    for (const { template, segments } of this.templates) {
      if (segments.length !== wanted.length) continue;
      let literals = 0;
      const matches = segments.every((segment, i) => {
        const mine = wanted[i]!;
        const isParam = (s: string) => /^\{.+\}$/.test(s);
        if (isParam(segment)) return true;
        if (segment === mine) {
          literals += 1;
          return true;
        }
        return false;
      });
      if (matches && (!best || literals > best.literals)) best = { template, literals };
    }
    return best?.template;
  }

  /** The JSON schema of the response, or undefined when the document declares none. */
  responseSchema(method: string, path: string, status: number): Json | undefined {
    const template = this.findPath(path);
    if (!template) return undefined;
    let response: JsonObject | undefined =
      this.document.paths[template]?.[method.toLowerCase()]?.responses?.[String(status)];
    const ref = response?.$ref;
    if (typeof ref === 'string') {
      response = this.document.components.responses?.[ref.replace('#/components/responses/', '')];
    }
    const content = response?.content;
    if (!content || typeof content !== 'object' || Array.isArray(content)) return undefined;
    const json = Object.entries(content).find(([type]) => /json/i.test(type));
    const media = json?.[1];
    if (!media || typeof media !== 'object' || Array.isArray(media)) return undefined;
    return media.schema;
  }

  /** Validates `body`; undefined when the document has no schema for this response. */
  check(method: string, path: string, status: number, body: unknown): ContractIssue[] | undefined {
    const key = `${method.toUpperCase()} ${this.findPath(path) ?? path} ${status}`;
    let validate = this.validators.get(key);
    if (validate === undefined) {
      const schema = this.responseSchema(method, path, status);
      validate = schema === undefined ? null : this.ajv.compile(prepare(schema) as object);
      this.validators.set(key, validate);
    }
    if (validate === null) return undefined;
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => ({
      path: e.instancePath || '/',
      message: `${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    }));
  }
}

let shared: Contract | undefined;
/** The PingOne management contract, loaded once per test file (process). */
export function pingOneContract(): Contract {
  shared ??= new Contract(loadDocument(referenceDocument('pingone-management.yml')));
  return shared;
}

/**
 * Asserts that a Tessera response (`{status, body}` from the harness) matches the schema the
 * PingOne document declares for it.
 */
export function assertContract(
  method: string,
  path: string,
  response: { status: number; body: unknown },
  options: { optional?: boolean } = {},
): void {
  const issues = pingOneContract().check(method, path, response.status, response.body);
  if (issues === undefined) {
    if (options.optional) return;
    assert.fail(`the PingOne document declares no schema for ${method} ${path} ${response.status}`);
  }
  assert.deepEqual(
    issues,
    [],
    `${method} ${path} ${response.status} does not match PingOne's schema:\n` +
      issues.map((i) => `  ${i.path}: ${i.message}`).join('\n'),
  );
}
