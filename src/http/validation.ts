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
 * Two validators: bodies are checked strictly (a string is never turned into a boolean, which
 * the UiPath face must refuse), while query strings and path parameters are coerced from text.
 */
export function createValidators() {
  const strict = createAjv(false);
  const coercing = createAjv('array');
  const compiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
    const validate = (httpPart === 'body' ? strict : coercing).compile(schema as object);
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
    compileBody: (schema: object): ValidateFunction => strict.compile(schema),
  };
}

export type Validators = ReturnType<typeof createValidators>;
