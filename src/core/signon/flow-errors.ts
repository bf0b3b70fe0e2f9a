import type { SignOnOutcome } from '../shared/metrics.js';
import { DomainError, invalidValue } from '../shared/errors.js';
import { policyViolation } from '../passwords/policy-evaluation.js';

export { invalidRecoveryCode } from '../passwords/password-errors.js';

/**
 * The errors a flow action answers (reference §4.6, §10 #4): refused credentials and policies are
 * `invalid_data` with typed facts, which faces render in their own envelope.
 */
export const invalidCredentials = (failuresRemaining: number | undefined): DomainError =>
  new DomainError('invalid_data', [], { reason: 'invalid_credentials', failuresRemaining });

export const passwordLockedOut = (secondsUntilUnlock: number | undefined): DomainError =>
  new DomainError('invalid_data', [], { reason: 'password_locked_out', secondsUntilUnlock });

export const wrongState = (action: string, status: string): DomainError =>
  new DomainError('invalid_request', [
    {
      code: 'invalid_request',
      target: 'Content-Type',
      message: `The action ${action} is not valid while the flow is ${status}`,
    },
  ]);

export const flowChanged = (): DomainError =>
  new DomainError('conflict', [
    { code: 'conflict', message: 'The flow was changed by another request; read it again.' },
  ]);

export const wrongFlowUser = (): DomainError =>
  invalidValue('username', 'The username must be that of the flow’s user');

/**
 * Maps a passwords-service failure to the flow error clients expect; anything else is rethrown
 * as it is. A wrong *current* password means wrong credentials in a flow too.
 */
export function toFlowError(error: DomainError): DomainError;
export function toFlowError(error: unknown): unknown;
export function toFlowError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  const { facts } = error;
  switch (facts.reason) {
    case 'wrong_password':
      return invalidCredentials(facts.failuresRemaining);
    case 'password_locked_out':
      return passwordLockedOut(facts.secondsUntilUnlock);
    case 'password_policy':
      return policyViolation(facts.target, facts.violations, true);
    default:
      return error;
  }
}

/** The outcome a refused flow action counts as, if it is a sign-on attempt that failed. */
export function failedOutcome(error: unknown): SignOnOutcome | undefined {
  if (!(error instanceof DomainError)) return undefined;
  if (error.facts.reason === 'password_locked_out') return 'locked_out';
  if (error.facts.reason === 'invalid_credentials') return 'failure';
  return undefined;
}
