import { childPath, type SourcePosition } from './json-body.js';

/**
 * ASP.NET model binding of a JSON body, with Newtonsoft's wording: walks the route's body schema
 * (the same TypeBox schema that documents it) and collects every type error by JSON path. Types
 * are never coerced: "true" is not a boolean, 1 is not a string. Unknown properties are ignored,
 * as Newtonsoft does.
 */

/** The subset of JSON Schema the UiPath body schemas use. */
export interface BodySchema {
  type?: string | string[];
  format?: string;
  nullable?: boolean;
  properties?: Record<string, BodySchema>;
  additionalProperties?: BodySchema | boolean;
  /** TypeBox writes string maps (`Type.Record`) as one pattern. */
  patternProperties?: Record<string, BodySchema>;
  items?: BodySchema;
  anyOf?: BodySchema[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  /** The .NET type named in messages, e.g. `System.Guid` or `UserType`. */
  clrType?: string;
}

export type BindingErrors = Record<string, string[]>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tokenType(value: unknown): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'StartArray';
  switch (typeof value) {
    case 'object':
      return 'StartObject';
    case 'string':
      return 'String';
    case 'boolean':
      return 'Boolean';
    case 'number':
      return Number.isInteger(value) ? 'Integer' : 'Float';
    default:
      return 'Undefined';
  }
}

/** How Newtonsoft prints a value inside "Error converting value X to type 'T'". */
function shown(value: unknown): string {
  if (value === null) return '{null}';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  // Never the submitted JSON itself: it may carry a password.
  return tokenType(value);
}

function typeOf(schema: BodySchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  return schema.type;
}

function clrName(schema: BodySchema): string {
  if (schema.clrType) return schema.clrType;
  switch (typeOf(schema)) {
    case 'string':
      return schema.format === 'uuid' ? 'System.Guid' : 'System.String';
    case 'boolean':
      return 'System.Boolean';
    case 'integer':
      return 'System.Int64';
    case 'number':
      return 'System.Double';
    case 'array':
      return `System.Collections.Generic.List\`1[${clrName(schema.items ?? {})}]`;
    default:
      return 'System.Object';
  }
}

/** Why `value` does not bind to `schema`, in Newtonsoft's words; undefined when it binds. */
function mismatch(schema: BodySchema, value: unknown): string | undefined {
  if (value === null) {
    const nullable = schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null'));
    const reference =
      typeOf(schema) === 'string' || typeOf(schema) === 'array' || typeOf(schema) === 'object';
    return nullable || (reference && !schema.format)
      ? undefined
      : `Error converting value {null} to type '${clrName(schema)}'.`;
  }
  if (schema.anyOf) {
    return schema.anyOf.some((option) => mismatch(option, value) === undefined)
      ? undefined
      : `Error converting value ${shown(value)} to type '${clrName(schema)}'.`;
  }
  switch (typeOf(schema)) {
    case 'boolean':
      if (typeof value === 'boolean') return undefined;
      return typeof value === 'string'
        ? `Could not convert string to boolean: ${value}.`
        : `Error reading boolean. Unexpected token: ${tokenType(value)}.`;
    case 'string':
      if (typeof value !== 'string') {
        return schema.format === 'uuid' && typeof value === 'number'
          ? `Error converting value ${shown(value)} to type 'System.Guid'.`
          : `Error reading string. Unexpected token: ${tokenType(value)}.`;
      }
      if (schema.format === 'uuid' && !UUID.test(value))
        return `Error converting value ${shown(value)} to type 'System.Guid'.`;
      if (
        schema.enum &&
        !schema.enum.some((e) => typeof e === 'string' && e.toLowerCase() === value.toLowerCase())
      )
        return `Error converting value ${shown(value)} to type '${clrName(schema)}'.`;
      return undefined;
    case 'integer':
    case 'number':
      if (typeof value === 'string') return `Could not convert string to integer: ${value}.`;
      if (typeof value !== 'number') return `Error reading integer. Unexpected token: ${tokenType(value)}.`;
      if (typeOf(schema) === 'integer' && !Number.isInteger(value))
        return `Input string '${value}' is not a valid integer.`;
      if (
        (schema.minimum !== undefined && value < schema.minimum) ||
        (schema.maximum !== undefined && value > schema.maximum)
      ) {
        return `Error converting value ${shown(value)} to type '${clrName(schema)}'.`;
      }
      return undefined;
    case 'array':
      if (Array.isArray(value)) return undefined;
      return typeof value === 'object'
        ? `Cannot deserialize the current JSON object (e.g. {"name":"value"}) into type '${clrName(schema)}' because the type requires a JSON array (e.g. [1,2,3]) to deserialize correctly.`
        : `Error converting value ${shown(value)} to type '${clrName(schema)}'.`;
    case 'object':
      if (typeof value === 'object' && !Array.isArray(value)) return undefined;
      return Array.isArray(value)
        ? `Cannot deserialize the current JSON array (e.g. [1,2,3]) into type '${clrName(schema)}' because the type requires a JSON object (e.g. {"name":"value"}) to deserialize correctly.`
        : `Error converting value ${shown(value)} to type '${clrName(schema)}'.`;
    default:
      return undefined;
  }
}

const SECRET_PATH = /password|secret|token|credential/i;

/**
 * Newtonsoft quotes the refused value; Tessera does so only for a short scalar outside any
 * secret-looking field, so a binding error never sends a password or a body back to the caller.
 */
function echoable(path: string, value: unknown, problem: string): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return true;
  const text = String(value);
  if (!problem.includes(text)) return true;
  return !SECRET_PATH.test(path) && text.length <= 64;
}

/**
 * Binds `value` to `schema`: returns the errors by JSON path (empty when it binds) and the value
 * with property names in the schema's casing (Newtonsoft matches names case-insensitively).
 */
export function bindJson(
  schema: BodySchema,
  value: unknown,
  positions: ReadonlyMap<string, SourcePosition>,
): { errors: BindingErrors; value: unknown } {
  const errors: BindingErrors = {};
  const report = (path: string, reason: string) => {
    const at = positions.get(path) ?? { line: 1, position: 0 };
    (errors[path] ??= []).push(`${reason} Path '${path}', line ${at.line}, position ${at.position}.`);
  };
  const walk = (s: BodySchema, v: unknown, path: string): unknown => {
    const problem = mismatch(s, v);
    if (problem)
      return report(
        path,
        echoable(path, v, problem) ? problem : `Error converting value to type '${clrName(s)}'.`,
      );
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return s.items ? v.map((item, i) => walk(s.items!, item, childPath(path, i))) : v;
    const out: Record<string, unknown> = {};
    const mapValues = s.patternProperties ? Object.values(s.patternProperties)[0] : undefined;
    const names = new Map(Object.keys(s.properties ?? {}).map((name) => [name.toLowerCase(), name]));
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
      const name = names.get(key.toLowerCase());
      const property = name === undefined ? undefined : s.properties?.[name];
      const childPathText = childPath(path, key);
      let bound: unknown;
      if (property) bound = walk(property, child, childPathText);
      else if (typeof s.additionalProperties === 'object')
        bound = walk(s.additionalProperties, child, childPathText);
      else if (mapValues) bound = walk(mapValues, child, childPathText);
      else continue;
      Object.defineProperty(out, name ?? key, {
        value: bound,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  const bound = walk(schema, value, '');
  return { errors, value: bound };
}
