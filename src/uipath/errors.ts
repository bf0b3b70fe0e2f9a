import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/shared/errors.js';
import { stringIssue } from '../http/input-policy.js';
import { RateLimitExceeded, retryAfterSeconds } from '../http/rate-limiter.js';
import { recordOf } from '../http/records.js';
import { RequestValidationError } from '../http/validation.js';
import type { BindingErrors } from './binding.js';
import { identityErrorsOf, type IdentityError } from './identity-errors.js';
import { scopesGranting } from './scopes.js';

/**
 * The UiPath face's error shapes, all decided here:
 * - ASP.NET Core ProblemDetails for binding errors (400), unknown resources (404) and the like;
 * - ASP.NET Identity `IdentityResult` bodies (400) for identity failures;
 * - `{"errorMessage": "Scope(s) ..."}` (403) for a token without the needed scope;
 * - 401 with an empty body and `WWW-Authenticate: Bearer` for a missing or bad token.
 */

const RFC7231 = 'https://tools.ietf.org/html/rfc7231';
const PROBLEMS: Record<number, { type: string; title: string }> = {
  400: { type: `${RFC7231}#section-6.5.1`, title: 'One or more validation errors occurred.' },
  401: { type: 'https://tools.ietf.org/html/rfc7235#section-3.1', title: 'Unauthorized' },
  403: { type: `${RFC7231}#section-6.5.3`, title: 'Forbidden' },
  404: { type: `${RFC7231}#section-6.5.4`, title: 'Not Found' },
  405: { type: `${RFC7231}#section-6.5.5`, title: 'Method Not Allowed' },
  409: { type: `${RFC7231}#section-6.5.8`, title: 'Conflict' },
  413: { type: `${RFC7231}#section-6.5.11`, title: 'Payload Too Large' },
  408: { type: `${RFC7231}#section-6.5.7`, title: 'Request Timeout' },
  414: { type: `${RFC7231}#section-6.5.12`, title: 'URI Too Long' },
  415: { type: `${RFC7231}#section-6.5.13`, title: 'Unsupported Media Type' },
  431: { type: 'https://tools.ietf.org/html/rfc6585#section-5', title: 'Request Header Fields Too Large' },
  429: { type: 'https://tools.ietf.org/html/rfc6585#section-4', title: 'Too Many Requests' },
  500: { type: `${RFC7231}#section-6.6.1`, title: 'An error occurred while processing your request.' },
};

/** A 400 (or other) ProblemDetails answer, optionally with binding errors by JSON path. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly errors?: BindingErrors,
  ) {
    super(PROBLEMS[status]?.title ?? 'Error');
    this.name = 'ProblemError';
  }
}

/** An identity operation failed: answered 400 with `{succeeded:false, errors}`. */
export class IdentityFailure extends Error {
  constructor(readonly errors: readonly IdentityError[]) {
    super(errors.map((e) => e.code).join(', '));
    this.name = 'IdentityFailure';
  }
}

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * W3C trace id as ASP.NET prints it: the caller's trace id when a `traceparent` came in, else
 * the request's correlation id; a fresh span id.
 */
export function traceId(request: FastifyRequest): string {
  const parent = request.headers.traceparent;
  const trace =
    (typeof parent === 'string' ? TRACEPARENT.exec(parent)?.[1] : undefined) ??
    request.correlationId.replace(/-/g, '');
  return `00-${trace}-${randomBytes(8).toString('hex')}-00`;
}

export function problemBody(request: FastifyRequest, status: number, errors?: BindingErrors) {
  const problem = PROBLEMS[status] ?? PROBLEMS[500]!;
  return {
    ...(errors ? { errors } : {}),
    type: problem.type,
    title: status === 400 && !errors ? 'Bad Request' : problem.title,
    status,
    traceId: traceId(request),
  };
}

/** A ProblemDetails body written before any request object exists (broken framing, huge headers). */
export function rawProblem(status: number, correlationId: string): { contentType: string; body: string } {
  const problem = PROBLEMS[status] ?? PROBLEMS[400]!;
  const traceId = `00-${correlationId.replace(/-/g, '')}-${randomBytes(8).toString('hex')}-00`;
  return {
    contentType: 'application/problem+json; charset=utf-8',
    body: JSON.stringify({ type: problem.type, title: problem.title, status, traceId }),
  };
}

export const identityResult = (errors: readonly IdentityError[]) => ({
  succeeded: errors.length === 0,
  errors: errors.map((e) => ({ code: e.code, description: e.description })),
});

/** UiPath's scope refusal, word for word (including the trailing space). */
export function scopeMessage(granted: readonly string[], expected: readonly string[]): string {
  return `Scope(s) '${granted.join(' ')}' is(are) invalid. Expect to have ${expected.map((s) => `'${s}'`).join(' or ')}. `;
}

/** The value problems of a 400 that is not an identity failure, in ASP.NET's field → messages form. */
function valueProblems(error: DomainError): { target: string; message: string }[] {
  const { facts } = error;
  switch (facts.reason) {
    case 'required':
      return [{ target: facts.target, message: `${facts.target} is required` }];
    case 'uniqueness':
      return [{ target: facts.target, message: 'is unique but a non-unique value is provided' }];
    case 'wrong_password':
      return [{ target: facts.target, message: 'The provided password did not match provisioned password' }];
    case 'invalid_recovery_code':
      return [
        { target: 'recoveryCode', message: 'The provided password recovery code was invalid or expired' },
      ];
    case 'invalid_credentials':
      return [{ target: 'password', message: 'Invalid username and/or password' }];
    default:
      return error.details.map((d) => ({ target: d.target ?? '', message: d.message }));
  }
}

interface Mapped {
  readonly status: number;
  readonly body: unknown;
  readonly unexpected?: boolean;
}

function fromFastify(error: Partial<FastifyError>): number | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 415;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 413;
    default:
      return typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : undefined;
  }
}

/** Query strings and route values bind like ASP.NET's model binder reports them. */
function queryProblem(request: FastifyRequest, error: RequestValidationError): BindingErrors {
  if (error.part === 'body' || error.part === 'headers') {
    // Input-policy refusals of a body: the field and the rule, never the submitted text.
    const errors: BindingErrors = {};
    for (const issue of error.issues)
      (errors[issue.field ? `$.${issue.field}` : '$'] ??= []).push(`The field ${issue.message}.`);
    return errors;
  }
  const values = recordOf(error.part === 'params' ? request.params : request.query);
  const errors: BindingErrors = {};
  for (const issue of error.issues) {
    if (issue.field === '') {
      // A refusal of the URL as a whole (malformed encoding, over-long segment).
      (errors[''] ??= []).push(`${issue.message}.`);
      continue;
    }
    const field = issue.field.split('.')[0] ?? '';
    const value = values[field];
    const range = /must be (<=|>=)/.test(issue.message);
    (errors[field] ??= []).push(
      range
        ? `The field ${field} must be between 0 and ${field === 'top' ? 1000 : 2147483647}.`
        : // A value the input policy refused (control characters, too long) is not echoed.
          typeof value === 'string' && stringIssue(value, false, 100) === undefined
          ? `The value '${value}' is not valid for ${field}.`
          : `The value is not valid for ${field}.`,
    );
  }
  return errors;
}

export function toUiPathError(request: FastifyRequest, error: unknown): Mapped {
  if (error instanceof ProblemError)
    return { status: error.status, body: problemBody(request, error.status, error.errors) };
  if (error instanceof IdentityFailure) return { status: 400, body: identityResult(error.errors) };
  if (error instanceof RateLimitExceeded) return { status: 429, body: problemBody(request, 429) };
  if (error instanceof RequestValidationError)
    return { status: 400, body: problemBody(request, 400, queryProblem(request, error)) };
  if (error instanceof DomainError) {
    switch (error.kind) {
      case 'unauthorized':
        return { status: 401, body: undefined };
      case 'forbidden': {
        const scope = error.factsIf('missing_scope');
        if (scope) {
          const expected = scopesGranting(scope.permission);
          return { status: 403, body: { errorMessage: scopeMessage(scope.grantedScopes, expected) } };
        }
        return { status: 403, body: problemBody(request, 403) };
      }
      case 'not_found':
        return { status: 404, body: problemBody(request, 404) };
      case 'method_not_allowed':
        return { status: 405, body: undefined };
      case 'conflict':
        return { status: 409, body: problemBody(request, 409) };
      case 'unsupported_media_type':
        return { status: 415, body: problemBody(request, 415) };
      case 'rate_limited':
        return { status: 429, body: problemBody(request, 429) };
      case 'invalid_data':
      case 'invalid_request':
      case 'request_failed': {
        const identity = identityErrorsOf(error);
        if (identity) return { status: 400, body: identityResult(identity) };
        const problems = valueProblems(error);
        const errors: BindingErrors = {};
        for (const problem of problems) (errors[problem.target] ??= []).push(problem.message);
        return { status: 400, body: problemBody(request, 400, problems.length ? errors : undefined) };
      }
    }
  }
  const status = fromFastify(error as Partial<FastifyError>);
  if (status !== undefined) return { status, body: problemBody(request, status) };
  return { status: 500, body: problemBody(request, 500), unexpected: true };
}

export function sendUiPathError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const mapped = toUiPathError(request, error);
  if (mapped.unexpected) request.log.error({ err: error }, 'unexpected error');
  else request.log.info({ status: mapped.status }, 'request refused');
  if (mapped.status === 401) {
    const presented =
      typeof request.headers.authorization === 'string' && /^Bearer\s/i.test(request.headers.authorization);
    void reply.header('WWW-Authenticate', presented ? 'Bearer error="invalid_token"' : 'Bearer');
  }
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
  if (mapped.body === undefined) return reply.status(mapped.status).send();
  // ProblemDetails answers carry their own media type, as ASP.NET sends them.
  const isProblem = typeof mapped.body === 'object' && mapped.body !== null && 'traceId' in mapped.body;
  return reply
    .status(mapped.status)
    .type(isProblem ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8')
    .send(mapped.body);
}
