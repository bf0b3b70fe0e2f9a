import type { PolicyViolation } from '../passwords/policy-violation.js';

/**
 * Typed domain errors. The core raises them with a stable `kind` and typed `facts` (what went
 * wrong, with its numbers); each API face words and maps them to its own wire format in one
 * place (PingOne: src/pingone-common/errors.ts, UiPath: src/uipath/errors.ts). The core carries
 * no face's envelope texts.
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

/** What kind of problem one detail describes; each face maps it to its own code. */
export type DetailCode =
  | 'invalid_value'
  | 'required_value'
  | 'not_unique'
  | 'size_limit_exceeded'
  | 'limit_exceeded'
  | 'conflict'
  | 'insufficient_permissions'
  | 'invalid_filter'
  | 'invalid_request'
  | 'account_not_usable'
  | 'constraint_violation'
  | 'notification_unavailable';

/**
 * One problem with one value, as a validator describes it: a stable code, the value's path and a
 * description. Problems a face words itself are facts instead (see ErrorFacts).
 */
export interface ErrorDetail {
  readonly code: DetailCode;
  readonly target?: string;
  readonly message: string;
  readonly innerError?: Readonly<Record<string, unknown>>;
}

/** Where a password was given: a set or an import (`password`), or a change (`newPassword`). */
export type PasswordTarget = 'password' | 'newPassword';

/**
 * What went wrong, discriminated by `reason`, with the numbers a face needs to word it (never
 * secrets). `described` errors carry only their `details`.
 */
export type ErrorFacts =
  | { readonly reason: 'described' }
  | { readonly reason: 'insufficient_permissions' }
  | {
      readonly reason: 'missing_scope';
      readonly permission: string;
      readonly grantedScopes: readonly string[];
    }
  | { readonly reason: 'invalid_token' }
  | { readonly reason: 'required'; readonly target: string }
  | { readonly reason: 'uniqueness'; readonly target: string }
  | { readonly reason: 'busy'; readonly retryAfterSeconds: number }
  | {
      readonly reason: 'wrong_password';
      /** `password`: a check; `currentPassword`: the current password of a change. */
      readonly target: 'password' | 'currentPassword';
      readonly failuresRemaining: number | undefined;
    }
  | { readonly reason: 'password_locked_out'; readonly secondsUntilUnlock: number | undefined }
  | { readonly reason: 'no_password' }
  | { readonly reason: 'password_too_young' }
  | { readonly reason: 'invalid_recovery_code'; readonly failuresRemaining: number | undefined }
  | {
      readonly reason: 'password_policy';
      readonly target: PasswordTarget;
      /** Every failed rule, in evaluation order (a rule may fail more than once, e.g. history). */
      readonly violations: readonly PolicyViolation[];
      /** Refused inside a sign-on flow (faces may use a flow-specific code). */
      readonly inFlow: boolean;
    }
  /** A sign-on flow's check of a username and password failed. */
  | { readonly reason: 'invalid_credentials'; readonly failuresRemaining: number | undefined };

export type ErrorReason = ErrorFacts['reason'];
export type FactsOf<R extends ErrorReason> = Extract<ErrorFacts, { reason: R }>;

const DESCRIBED: ErrorFacts = { reason: 'described' };

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly details: readonly ErrorDetail[] = [],
    readonly facts: ErrorFacts = DESCRIBED,
  ) {
    // For logs only: faces word what clients see.
    super(details[0]?.message ?? (facts.reason === 'described' ? kind : `${kind}: ${facts.reason}`));
    this.name = 'DomainError';
  }

  /** The facts when they have `reason`, for a face's switch or a core check. */
  factsIf<R extends ErrorReason>(reason: R): FactsOf<R> | undefined {
    return this.facts.reason === reason ? (this.facts as FactsOf<R>) : undefined;
  }
}

/** True when `error` is a DomainError whose facts have `reason`. */
export const hasReason = (error: unknown, reason: ErrorReason): error is DomainError =>
  error instanceof DomainError && error.facts.reason === reason;

export const notFound = (): DomainError => new DomainError('not_found');

export const forbidden = (): DomainError =>
  new DomainError('forbidden', [], { reason: 'insufficient_permissions' });

export const invalidValue = (
  target: string,
  message: string,
  innerError?: Record<string, unknown>,
): DomainError =>
  new DomainError('invalid_data', [
    { code: 'invalid_value', target, message, ...(innerError ? { innerError } : {}) },
  ]);

export const requiredValue = (target: string): DomainError =>
  new DomainError('invalid_data', [], { reason: 'required', target });

export const uniquenessViolation = (target: string): DomainError =>
  new DomainError('invalid_data', [], { reason: 'uniqueness', target });

export const requestFailed = (code: DetailCode, message: string, target?: string): DomainError =>
  new DomainError('request_failed', [{ code, message, ...(target ? { target } : {}) }]);

/** Several validation problems reported together. */
export const invalidData = (details: readonly ErrorDetail[]): DomainError =>
  new DomainError('invalid_data', details);

/** A concurrent change won a race; the client may retry. */
export const conflict = (details: readonly ErrorDetail[] = []): DomainError =>
  new DomainError('conflict', details);
