import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestValidationError, type ValidationIssue } from './validation.js';

/**
 * One input policy for every face, enforced before any handler or store sees the input:
 * PostgreSQL refuses NUL in text (a 500) while SQLite stores it, so the edge refuses it for both.
 * Each face turns the `RequestValidationError` into its own 400 format.
 */
export interface InputLimits {
  /** Longest string value (characters) anywhere in params, query or body, unless a schema says less. */
  readonly maxStringLength: number;
  /** Longest property name in a JSON body. */
  readonly maxKeyLength: number;
  /** Most properties in one JSON object (`data`, custom attributes, …). */
  readonly maxKeysPerObject: number;
  /** Most items in one JSON array. */
  readonly maxArrayItems: number;
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
  /** Most values (strings, numbers, objects, …) in one body. */
  readonly maxValues: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = Object.freeze({
  // Long enough for signed request objects and client assertions (JWTs), far below abuse.
  maxStringLength: 8192,
  maxKeyLength: 256,
  maxKeysPerObject: 256,
  maxArrayItems: 1000,
  maxDepth: 16,
  maxValues: 20_000,
});

/** Body limits per route kind (bytes); a route that sets `bodyLimit` itself keeps its own. */
export const BODY_LIMITS = Object.freeze({
  /** Form posts: token endpoints, hosted sign-on page, authorize. */
  form: 16 * 1024,
  /** Every other body (JSON, PingOne action media types). */
  json: 256 * 1024,
});

// C0 controls: never in identifiers (path parameters, property names); tab, CR and LF are allowed
// in free text (query and body values). Matching control characters is the point of these patterns.
/* eslint-disable no-control-regex */
const ANY_CONTROL = /[\u0000-\u001f]/;
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
/* eslint-enable no-control-regex */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The problem with one string, if any. */
export function stringIssue(value: string, freeText: boolean, maxLength: number): string | undefined {
  if ((freeText ? CONTROL_IN_TEXT : ANY_CONTROL).test(value)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode text';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  return undefined;
}

const joinPath = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);

/** One inspection's settings and its count of values so far. */
interface Walk {
  readonly freeText: boolean;
  readonly limits: InputLimits;
  values: number;
}

/**
 * The first issue in a parsed request part, if any. Issue fields never repeat a refused property
 * name (it may be the offending text): the enclosing object is named instead.
 */
export function inspectInput(
  value: unknown,
  options: { readonly freeText: boolean; readonly limits?: InputLimits },
): ValidationIssue | undefined {
  // A module-level walker, not a closure per call: every request's path and query pass here, and
  // a fresh closure is compiled lazily on its first call each time.
  return visit(
    { freeText: options.freeText, limits: options.limits ?? DEFAULT_INPUT_LIMITS, values: 0 },
    value,
    '',
    0,
  );
}

function visit(walk: Walk, node: unknown, path: string, depth: number): ValidationIssue | undefined {
  const { limits } = walk;
  if (++walk.values > limits.maxValues)
    return { field: '', message: `must hold at most ${limits.maxValues} values` };
  if (typeof node === 'string') {
    const message = stringIssue(node, walk.freeText, limits.maxStringLength);
    return message ? { field: path, message } : undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  if (depth >= limits.maxDepth)
    return { field: path, message: `must be nested at most ${limits.maxDepth} levels` };
  if (Array.isArray(node)) {
    if (node.length > limits.maxArrayItems)
      return { field: path, message: `must hold at most ${limits.maxArrayItems} items` };
    for (let i = 0; i < node.length; i++) {
      const issue = visit(walk, node[i], joinPath(path, i), depth + 1);
      if (issue) return issue;
    }
    return undefined;
  }
  const keys = Object.keys(node);
  if (keys.length > limits.maxKeysPerObject)
    return { field: path, message: `must hold at most ${limits.maxKeysPerObject} properties` };
  for (const key of keys) {
    const keyProblem = stringIssue(key, false, limits.maxKeyLength);
    if (keyProblem) return { field: path, message: `property names ${keyProblem}` };
    const issue = visit(walk, (node as Record<string, unknown>)[key], joinPath(path, key), depth + 1);
    if (issue) return issue;
  }
  return undefined;
}

function refuse(part: RequestValidationError['part'], issue: ValidationIssue | undefined): void {
  if (issue) throw new RequestValidationError(part, [issue]);
}

/**
 * Registers the policy on the root instance: path parameters and query when the request arrives
 * (before authentication, so an anonymous NUL is a 400 too), the parsed body before validation,
 * and a body limit on every route that does not set its own. The first is `checkRequestLine`,
 * which app.ts runs in its one root `onRequest` hook; the others are registered here (callback
 * hooks: no promise per request).
 */
export function enforceInputPolicy(app: FastifyInstance, limits: InputLimits = DEFAULT_INPUT_LIMITS) {
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined) return;
    const consumes = (route.schema as { consumes?: unknown } | undefined)?.consumes;
    const form = Array.isArray(consumes) && consumes.includes('application/x-www-form-urlencoded');
    route.bodyLimit = form ? BODY_LIMITS.form : BODY_LIMITS.json;
  });
  app.addHook('preValidation', (request, _reply, done) => {
    // No body (a GET, an empty POST): nothing to inspect.
    if (request.body !== undefined) refuse('body', inspectInput(request.body, { freeText: true, limits }));
    done();
  });
}

/** Throws `RequestValidationError` when the path parameters or the query break the policy. */
export function checkRequestLine(request: FastifyRequest, limits: InputLimits = DEFAULT_INPUT_LIMITS): void {
  refuse('params', inspectInput(request.params, { freeText: false, limits }));
  refuse('querystring', inspectInput(request.query, { freeText: true, limits }));
}
