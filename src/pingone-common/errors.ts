import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorKind } from '../core/shared/errors.js';
import { envelopeDetails, envelopeMessage, MESSAGES, type PingOneErrorDetail } from './error-wording.js';

export { MESSAGES } from './error-wording.js';
import { RateLimitExceeded, retryAfterSeconds } from '../http/rate-limiter.js';
import { RequestValidationError } from '../http/validation.js';

/** PingOne's error envelope: `{id, code, message, details[]}`. */
export interface PingOneErrorBody {
  id: string;
  code: string;
  message: string;
  details?: PingOneErrorDetail[];
}

/** The envelope as a response schema (the serializer of every PingOne error answer). */
export const ErrorSchema = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(
        Type.Object(
          {
            code: Type.String(),
            target: Type.Optional(Type.String()),
            message: Type.String(),
            innerError: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          },
          { additionalProperties: true },
        ),
      ),
    ),
  },
  { title: 'PingOneError' },
);

const STATUS: Record<ErrorKind, { status: number; code: string }> = {
  invalid_data: { status: 400, code: 'INVALID_DATA' },
  invalid_request: { status: 400, code: 'INVALID_REQUEST' },
  request_failed: { status: 400, code: 'REQUEST_FAILED' },
  unauthorized: { status: 401, code: 'ACCESS_FAILED' },
  forbidden: { status: 403, code: 'ACCESS_FAILED' },
  not_found: { status: 404, code: 'NOT_FOUND' },
  method_not_allowed: { status: 405, code: 'METHOD_NOT_ALLOWED' },
  conflict: { status: 409, code: 'CONFLICT' },
  unsupported_media_type: { status: 415, code: 'INVALID_REQUEST' },
  rate_limited: { status: 429, code: 'REQUEST_LIMITED' },
};

/** Maps anything thrown while serving a PingOne request to a status and envelope. */
export function toPingOneError(error: unknown): {
  status: number;
  body: Omit<PingOneErrorBody, 'id'>;
  unexpected: boolean;
} {
  if (error instanceof DomainError) {
    const { status, code } = STATUS[error.kind];
    const details = envelopeDetails(error);
    return {
      status,
      body: {
        code,
        message: envelopeMessage(error),
        ...(details.length ? { details } : {}),
      },
      unexpected: false,
    };
  }
  if (error instanceof RateLimitExceeded) {
    return {
      status: 429,
      body: {
        code: STATUS.rate_limited.code,
        message: MESSAGES.rateLimited,
        details: [
          {
            code: 'LIMIT_EXCEEDED',
            message: 'Too many requests.',
            innerError: { retryAfter: error.retryAfterSeconds },
          },
        ],
      },
      unexpected: false,
    };
  }
  if (error instanceof RequestValidationError) {
    const invalidRequest = error.part !== 'body';
    return {
      status: 400,
      body: {
        code: invalidRequest ? 'INVALID_REQUEST' : 'INVALID_DATA',
        message: invalidRequest ? MESSAGES.invalidRequest : MESSAGES.invalidData,
        details: error.issues.map((issue) => ({
          code: 'INVALID_VALUE',
          ...(issue.field ? { target: issue.field } : {}),
          message: issue.message,
        })),
      },
      unexpected: false,
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return malformed('The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { ...malformed('The request body is too large.'), status: 413 };
    default:
      break;
  }
  if (error instanceof SyntaxError) return malformed('The request body is not valid JSON.');
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return malformed(fastifyError.message ?? MESSAGES.invalidRequest);
  }
  return {
    status: 500,
    body: { code: 'UNEXPECTED_ERROR', message: 'An unexpected error occurred.' },
    unexpected: true,
  };
}

function malformed(detail: string) {
  return {
    status: 400,
    body: {
      code: 'INVALID_REQUEST',
      message: MESSAGES.invalidRequest,
      details: [{ code: 'INVALID_VALUE', target: 'body', message: detail }],
    },
    unexpected: false,
  };
}

export function unsupportedMediaType() {
  return {
    status: 415,
    body: { code: 'INVALID_REQUEST', message: MESSAGES.unsupportedMediaType },
    unexpected: false,
  };
}

export function sendPingOneError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const mapped = toPingOneError(error);
  if (mapped.unexpected) request.log.error({ err: error }, 'unexpected error');
  else request.log.info({ status: mapped.status, code: mapped.body.code }, 'request refused');
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
  return reply
    .status(mapped.status)
    .type('application/json')
    .send({ id: request.correlationId, ...mapped.body } satisfies PingOneErrorBody);
}

/** The envelope written before any request object exists (broken framing, headers too large). */
export function rawPingOneError(
  status: number,
  correlationId: string,
  detail: string,
): { contentType: string; body: string } {
  const body: PingOneErrorBody = {
    id: correlationId,
    code: 'INVALID_REQUEST',
    message: MESSAGES.invalidRequest,
    details: [{ code: 'INVALID_VALUE', message: detail }],
  };
  return { contentType: 'application/json', body: JSON.stringify(body) };
}
