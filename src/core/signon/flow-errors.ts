import type { SignOnOutcome } from '../shared/metrics.js';
import { DomainError, MESSAGES, type ErrorDetail } from '../shared/errors.js';
import type { PasswordFailure } from '../passwords/password.js';

/**
 * The errors a flow action answers (reference §4.6, §10 #4): every one is `invalid_data` (400
 * INVALID_DATA) with the detail code clients match on. Faces render them in their own envelope.
 */
const invalid = (detail: ErrorDetail, facts: Record<string, unknown> = {}) =>
  new DomainError('invalid_data', MESSAGES.invalidData, [detail], facts);

export const invalidCredentials = (failuresRemaining: number | undefined): DomainError =>
  invalid(
    {
      code: 'INVALID_CREDENTIALS',
      target: 'password',
      message: 'Invalid username and/or password',
      ...(failuresRemaining !== undefined ? { innerError: { failuresRemaining } } : {}),
    },
    { reason: 'INVALID_CREDENTIALS', failuresRemaining },
  );

export const passwordLockedOut = (secondsUntilUnlock: number | undefined): DomainError =>
  invalid(
    {
      code: 'PASSWORD_LOCKED_OUT',
      target: 'password',
      message: 'The password is locked out because of too many failed attempts',
      ...(secondsUntilUnlock !== undefined ? { innerError: { secondsUntilUnlock } } : {}),
    },
    { reason: 'PASSWORD_LOCKED_OUT', secondsUntilUnlock },
  );

export const wrongState = (action: string, status: string): DomainError =>
  new DomainError('invalid_request', MESSAGES.invalidRequest, [
    {
      code: 'INVALID_REQUEST',
      target: 'Content-Type',
      message: `The action ${action} is not valid while the flow is ${status}`,
    },
  ]);

export const flowChanged = (): DomainError =>
  new DomainError('conflict', MESSAGES.conflict, [
    { code: 'CONFLICT', message: 'The flow was changed by another request; read it again.' },
  ]);

export const invalidRecoveryCode = (failuresRemaining: number | undefined): DomainError =>
  invalid({
    code: 'INVALID_VALUE',
    target: 'recoveryCode',
    message: 'The provided password recovery code was invalid or expired',
    ...(failuresRemaining !== undefined ? { innerError: { failuresRemaining } } : {}),
  });

export const wrongFlowUser = (): DomainError =>
  invalid({
    code: 'INVALID_VALUE',
    target: 'username',
    message: 'The username must be that of the flow’s user',
  });

const reasonOf = (error: DomainError): PasswordFailure | undefined =>
  typeof error.facts.reason === 'string' ? (error.facts.reason as PasswordFailure) : undefined;

const numberFact = (error: DomainError, name: string): number | undefined => {
  const value = error.facts[name];
  return typeof value === 'number' ? value : undefined;
};

/**
 * Maps a passwords-service failure to the flow error clients expect; anything else is rethrown
 * as it is. `wrongCurrent` is what a wrong *current* password means in this action.
 */
export function toFlowError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  switch (reasonOf(error)) {
    case 'WRONG_PASSWORD':
    case 'WRONG_CURRENT_PASSWORD':
      return invalidCredentials(numberFact(error, 'failuresRemaining'));
    case 'PASSWORD_LOCKED_OUT':
      return passwordLockedOut(numberFact(error, 'secondsUntilUnlock'));
    case 'PASSWORD_POLICY':
      return new DomainError(
        'invalid_data',
        MESSAGES.invalidData,
        error.details.map((d) => ({ ...d, code: 'PASSWORD_REQUIREMENTS_NOT_MET' })),
        error.facts,
      );
    case 'INVALID_RECOVERY_CODE':
      return invalidRecoveryCode(numberFact(error, 'failuresRemaining'));
    default:
      return error;
  }
}

export /** The outcome a refused flow action counts as, if it is a sign-on attempt that failed. */
function failedOutcome(error: unknown): SignOnOutcome | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const codes = error.details.map((detail) => detail.code);
  if (codes.includes('PASSWORD_LOCKED_OUT')) return 'locked_out';
  if (codes.includes('INVALID_CREDENTIALS')) return 'failure';
  return undefined;
}
