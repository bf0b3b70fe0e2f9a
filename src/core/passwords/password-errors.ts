import { DomainError, MESSAGES, requestFailed } from '../shared/errors.js';
import type { User } from '../users/user.js';

/** The passwords feature's failures, with a stable `facts.reason` for faces that word them. */

export const wrongPassword = (
  target: 'password' | 'currentPassword',
  remaining: number | undefined,
): DomainError =>
  new DomainError(
    'invalid_data',
    MESSAGES.invalidData,
    [
      {
        code: 'INVALID_VALUE',
        target,
        message:
          target === 'password'
            ? 'The provided password did not match provisioned password'
            : 'The current password provided for the user is invalid',
        ...(remaining !== undefined ? { innerError: { failuresRemaining: remaining } } : {}),
      },
    ],
    {
      reason: target === 'password' ? 'WRONG_PASSWORD' : 'WRONG_CURRENT_PASSWORD',
      failuresRemaining: remaining,
    },
  );

export const lockedOut = (secondsUntilUnlock: number | undefined): DomainError =>
  new DomainError(
    'request_failed',
    MESSAGES.requestFailed,
    [
      {
        code: 'PASSWORD_LOCKED_OUT',
        target: 'password',
        message: 'The password is locked out because of too many failed attempts',
        ...(secondsUntilUnlock !== undefined ? { innerError: { secondsUntilUnlock } } : {}),
      },
    ],
    { reason: 'PASSWORD_LOCKED_OUT', secondsUntilUnlock },
  );

export const noPassword = (): DomainError =>
  new DomainError(
    'request_failed',
    MESSAGES.requestFailed,
    [{ code: 'NO_PASSWORD', target: 'password', message: 'The user does not have a password' }],
    { reason: 'NO_PASSWORD' },
  );

export const tooYoung = (): DomainError =>
  new DomainError(
    'request_failed',
    MESSAGES.requestFailed,
    [
      {
        code: 'PASSWORD_TOO_YOUNG',
        target: 'newPassword',
        message: 'The password cannot be changed yet because it was changed too recently',
      },
    ],
    { reason: 'PASSWORD_TOO_YOUNG' },
  );

export const invalidRecoveryCode = (remaining: number | undefined): DomainError =>
  new DomainError(
    'invalid_data',
    MESSAGES.invalidData,
    [
      {
        code: 'INVALID_VALUE',
        target: 'recoveryCode',
        message: 'The provided password recovery code was invalid or expired',
        ...(remaining !== undefined ? { innerError: { failuresRemaining: remaining } } : {}),
      },
    ],
    { reason: 'INVALID_RECOVERY_CODE', failuresRemaining: remaining },
  );

export const concurrentChange = (): DomainError =>
  new DomainError('conflict', MESSAGES.conflict, [
    { code: 'CONFLICT', message: 'The password was changed by another request; retry.' },
  ]);

export const disabledUser = (): DomainError => requestFailed('ACCOUNT_NOT_USABLE', 'The user is disabled');

export const noRecoveryEmail = (): DomainError =>
  requestFailed('ACCOUNT_NOT_USABLE', 'The user has no email address to send a recovery code to');

export const notificationsUnavailable = (): DomainError =>
  requestFailed('NOTIFICATION_UNAVAILABLE', 'Notification delivery is not available');

/** Users whose authoritative IdP is external cannot use the self-service password actions. */
export function refuseExternal(user: User): void {
  if (user.identityProvider.id !== undefined && user.identityProvider.type !== 'PING_ONE') {
    throw requestFailed('ACCOUNT_NOT_USABLE', 'The user is authenticated by an external identity provider');
  }
}
