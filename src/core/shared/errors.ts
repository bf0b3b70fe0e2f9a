/**
 * Typed domain errors. The core raises them with a stable `kind` and detail codes; each API face
 * maps them to its own wire format in one place.
 */
export type ErrorKind =
  | 'invalid_data' // 400: the request was understood but a value is wrong
  | 'invalid_request' // 400: malformed request (bad JSON, bad query parameter)
  | 'request_failed' // 400: the operation is not possible in the resource's state
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'method_not_allowed' // 405
  | 'conflict' // 409
  | 'unsupported_media_type' // 415
  | 'rate_limited'; // 429

export interface ErrorDetail {
  readonly code: string;
  readonly target?: string;
  readonly message: string;
  readonly innerError?: Readonly<Record<string, unknown>>;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    /** Extra structured facts a face may need (never secrets). */
    readonly facts: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const MESSAGES = {
  invalidData: 'The request could not be completed. One or more validation errors were in the request.',
  invalidRequest: 'The request could not be completed. The request was malformed or invalid.',
  requestFailed: 'The request could not be completed. There was an issue processing the request.',
  accessFailed: 'The request could not be completed. You do not have access to this resource.',
  notFound: 'The request could not be completed. The requested resource was not found.',
  unsupportedMediaType:
    'The request could not be completed. The Content-Type of the request is not supported.',
  methodNotAllowed: 'The request could not be completed. The HTTP method is not supported for this resource.',
  conflict: 'The request could not be completed. The resource was changed by another request.',
  rateLimited: 'The request could not be completed. The request rate limit was exceeded.',
} as const;

export const notFound = (): DomainError => new DomainError('not_found', MESSAGES.notFound);

export const forbidden = (): DomainError =>
  new DomainError('forbidden', MESSAGES.accessFailed, [
    {
      code: 'INSUFFICIENT_PERMISSIONS',
      message: 'The actor attempting to perform the request does not have permission for this action.',
    },
  ]);

export const invalidValue = (
  target: string,
  message: string,
  innerError?: Record<string, unknown>,
): DomainError =>
  new DomainError('invalid_data', MESSAGES.invalidData, [
    { code: 'INVALID_VALUE', target, message, ...(innerError ? { innerError } : {}) },
  ]);

export const requiredValue = (target: string): DomainError =>
  new DomainError('invalid_data', MESSAGES.invalidData, [
    { code: 'REQUIRED_VALUE', target, message: `${target} is required` },
  ]);

export const uniquenessViolation = (target: string): DomainError =>
  new DomainError('invalid_data', MESSAGES.invalidData, [
    { code: 'UNIQUENESS_VIOLATION', target, message: 'is unique but a non-unique value is provided' },
  ]);

export const requestFailed = (code: string, message: string, target?: string): DomainError =>
  new DomainError('request_failed', MESSAGES.requestFailed, [
    { code, message, ...(target ? { target } : {}) },
  ]);

/** Several validation problems reported together. */
export const invalidData = (details: readonly ErrorDetail[]): DomainError =>
  new DomainError('invalid_data', MESSAGES.invalidData, details);
