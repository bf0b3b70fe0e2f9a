import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `name.given` ('' for the whole body). */
  readonly field: string;
  readonly message: string;
}

export class RequestValidationError extends Error {
  /** A client error wherever it surfaces (error handlers that only know Fastify's errors read this). */
  readonly statusCode = 400;
  constructor(
    readonly part: 'body' | 'querystring' | 'params' | 'headers',
    readonly issues: readonly ValidationIssue[],
  ) {
    super(issues.map((i) => `${i.field || part}: ${i.message}`).join('; '));
    this.name = 'RequestValidationError';
  }
}

function createAjv(coerceTypes: boolean | 'array') {
  const ajv = new Ajv.default({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    // allErrors lets a crafted body make validation slow; one error per request is enough.
    allErrors: false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

export function toIssues(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  return (errors ?? []).map((error) => {
    let field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
    if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty?: string }).missingProperty ?? '';
      field = field ? `${field}.${missing}` : missing;
      return { field, message: `${missing} is required` };
    }
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperty?: string }).additionalProperty ?? '';
      return { field: field ? `${field}.${extra}` : extra, message: `${extra} is not a supported attribute` };
    }
    return { field, message: error.message ?? 'is invalid' };
  });
}

/**
 * `compile` memoised by schema content: the same schema text is compiled once however many
 * objects carry it (routes registered again by a second app built in the same process, schemas
 * spread into fresh objects per route). Bounded by the distinct schemas in the code.
 */
export function memoBySchema<T>(compile: (schema: object) => T): (schema: object) => T {
  const byObject = new WeakMap<object, T>();
  const byText = new Map<string, T>();
  return (schema) => {
    let compiled = byObject.get(schema);
    if (compiled !== undefined) return compiled;
    // TypeBox's symbol keys are left out, as they are by the compilers.
    const text = JSON.stringify(schema);
    compiled = byText.get(text);
    if (compiled === undefined) {
      compiled = compile(schema);
      byText.set(text, compiled);
    }
    byObject.set(schema, compiled);
    return compiled;
  };
}

/**
 * A validator compiled on its first call: `validate.errors` is the compiled one's after each call.
 */
function onFirstCall(compile: () => ValidateFunction): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    compiled ??= compile();
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  }) as ValidateFunction;
  return validate;
}

export interface ValidatorOptions {
  /**
   * Compile each schema when a request first needs it rather than when its route is registered:
   * an app then starts without compiling the hundreds of schemas a test suite mostly never
   * uses. The server and the test suite compile eagerly, so a schema Ajv refuses fails there.
   */
  readonly lazy?: boolean;
}

/**
 * Two validators: bodies are checked strictly (a string is never turned into a boolean, which
 * the UiPath face must refuse), while query strings and path parameters are coerced from text.
 * Compiled validators keep no state between calls (Ajv sets `errors` and it is read at once), so
 * one `Validators` may serve several apps in one process (the library does; see app.ts).
 */
export function createValidators({ lazy = false }: ValidatorOptions = {}) {
  const strict = createAjv(false);
  const coercing = createAjv('array');
  const compileStrict = memoBySchema((schema) => strict.compile(schema));
  const compileCoercing = memoBySchema((schema) => coercing.compile(schema));
  const compile = (compileOne: (schema: object) => ValidateFunction, schema: object) =>
    lazy ? onFirstCall(() => compileOne(schema)) : compileOne(schema);
  const compiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
    const validate = compile(httpPart === 'body' ? compileStrict : compileCoercing, schema as object);
    return (data: unknown) => {
      if (validate(data)) return { value: data };
      return {
        error: new RequestValidationError(
          httpPart as RequestValidationError['part'],
          toIssues(validate.errors),
        ),
      };
    };
  };
  return {
    compiler,
    compileBody: (schema: object): ValidateFunction => compile(compileStrict, schema),
  };
}

export type Validators = ReturnType<typeof createValidators>;
