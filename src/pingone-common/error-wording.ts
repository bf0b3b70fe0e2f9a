import type { DetailCode, DomainError, ErrorDetail, ErrorKind } from '../core/shared/errors.js';
import { policyViolationDetail } from './password-violations.js';

/** One entry of the envelope's `details`, with PingOne's own code. */
export interface PingOneErrorDetail extends Omit<ErrorDetail, 'code'> {
  readonly code: string;
}

/** PingOne's detail code for each of the core's neutral ones. */
const DETAIL_CODES: Record<DetailCode, string> = {
  invalid_value: 'INVALID_VALUE',
  required_value: 'REQUIRED_VALUE',
  not_unique: 'UNIQUENESS_VIOLATION',
  size_limit_exceeded: 'SIZE_LIMIT_EXCEEDED',
  limit_exceeded: 'LIMIT_EXCEEDED',
  conflict: 'CONFLICT',
  insufficient_permissions: 'INSUFFICIENT_PERMISSIONS',
  invalid_filter: 'INVALID_FILTER',
  invalid_request: 'INVALID_REQUEST',
  account_not_usable: 'ACCOUNT_NOT_USABLE',
  constraint_violation: 'CONSTRAINT_VIOLATION',
  notification_unavailable: 'NOTIFICATION_UNAVAILABLE',
};

/** A core detail in PingOne's words: the same target, message and inner error, PingOne's code. */
export const pingOneDetail = (detail: ErrorDetail): PingOneErrorDetail => ({
  ...detail,
  code: DETAIL_CODES[detail.code],
});

/** PingOne's envelope messages. */
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
  busy: 'The request could not be completed. The server is busy hashing passwords; retry shortly.',
} as const;

const KIND_MESSAGES: Record<ErrorKind, string> = {
  invalid_data: MESSAGES.invalidData,
  invalid_request: MESSAGES.invalidRequest,
  request_failed: MESSAGES.requestFailed,
  unauthorized: MESSAGES.accessFailed,
  forbidden: MESSAGES.accessFailed,
  not_found: MESSAGES.notFound,
  method_not_allowed: MESSAGES.methodNotAllowed,
  conflict: MESSAGES.conflict,
  unsupported_media_type: MESSAGES.unsupportedMediaType,
  rate_limited: MESSAGES.rateLimited,
};

/** The envelope's `message` for a domain error. */
export const envelopeMessage = (error: DomainError): string =>
  error.facts.reason === 'busy' ? MESSAGES.busy : KIND_MESSAGES[error.kind];

const counted = (name: string, value: number | undefined) =>
  value !== undefined ? { innerError: { [name]: value } } : {};

/** The envelope's `details` for a domain error: PingOne's codes and wording for its facts. */
export function envelopeDetails(error: DomainError): PingOneErrorDetail[] {
  const { facts } = error;
  switch (facts.reason) {
    case 'described':
      return error.details.map(pingOneDetail);
    case 'insufficient_permissions':
      return [
        {
          code: 'INSUFFICIENT_PERMISSIONS',
          message: 'The actor attempting to perform the request does not have permission for this action.',
        },
      ];
    case 'missing_scope':
      return [{ code: 'INSUFFICIENT_SCOPE', message: 'The token has no scope that grants this permission.' }];
    case 'invalid_token':
      return [
        {
          code: 'INVALID_TOKEN',
          target: 'Authentication Credentials',
          message: 'The authorization token is either missing or invalid, or it has expired.',
        },
      ];
    case 'required':
      return [{ code: 'REQUIRED_VALUE', target: facts.target, message: `${facts.target} is required` }];
    case 'uniqueness':
      return [
        {
          code: 'UNIQUENESS_VIOLATION',
          target: facts.target,
          message: 'is unique but a non-unique value is provided',
        },
      ];
    case 'busy':
      return [
        { code: 'LIMIT_EXCEEDED', message: 'Too many password operations are waiting; retry shortly.' },
      ];
    case 'wrong_password':
      return [
        {
          code: 'INVALID_VALUE',
          target: facts.target,
          message:
            facts.target === 'password'
              ? 'The provided password did not match provisioned password'
              : 'The current password provided for the user is invalid',
          ...counted('failuresRemaining', facts.failuresRemaining),
        },
      ];
    case 'password_locked_out':
      return [
        {
          code: 'PASSWORD_LOCKED_OUT',
          target: 'password',
          message: 'The password is locked out because of too many failed attempts',
          ...counted('secondsUntilUnlock', facts.secondsUntilUnlock),
        },
      ];
    case 'no_password':
      return [{ code: 'NO_PASSWORD', target: 'password', message: 'The user does not have a password' }];
    case 'password_too_young':
      return [
        {
          code: 'PASSWORD_TOO_YOUNG',
          target: 'newPassword',
          message: 'The password cannot be changed yet because it was changed too recently',
        },
      ];
    case 'invalid_recovery_code':
      return [
        {
          code: 'INVALID_VALUE',
          target: 'recoveryCode',
          message: 'The provided password recovery code was invalid or expired',
          ...counted('failuresRemaining', facts.failuresRemaining),
        },
      ];
    case 'password_policy':
      return [policyViolationDetail(facts.target, facts.violations, facts.inFlow)];
    case 'invalid_credentials':
      return [
        {
          code: 'INVALID_CREDENTIALS',
          target: 'password',
          message: 'Invalid username and/or password',
          ...counted('failuresRemaining', facts.failuresRemaining),
        },
      ];
  }
}
