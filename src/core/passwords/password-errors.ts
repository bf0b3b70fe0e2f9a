import { DomainError, requestFailed } from '../shared/errors.js';
import type { User } from '../users/user.js';

/** The passwords feature's failures, with typed facts each face words its own way. */

export const wrongPassword = (
  target: 'password' | 'currentPassword',
  remaining: number | undefined,
): DomainError =>
  new DomainError('invalid_data', [], { reason: 'wrong_password', target, failuresRemaining: remaining });

export const lockedOut = (secondsUntilUnlock: number | undefined): DomainError =>
  new DomainError('request_failed', [], { reason: 'password_locked_out', secondsUntilUnlock });

export const noPassword = (): DomainError => new DomainError('request_failed', [], { reason: 'no_password' });

export const tooYoung = (): DomainError =>
  new DomainError('request_failed', [], { reason: 'password_too_young' });

export const invalidRecoveryCode = (remaining: number | undefined): DomainError =>
  new DomainError('invalid_data', [], { reason: 'invalid_recovery_code', failuresRemaining: remaining });

export const concurrentChange = (): DomainError =>
  new DomainError('conflict', [
    { code: 'conflict', message: 'The password was changed by another request; retry.' },
  ]);

export const disabledUser = (): DomainError => requestFailed('account_not_usable', 'The user is disabled');

export const noRecoveryEmail = (): DomainError =>
  requestFailed('account_not_usable', 'The user has no email address to send a recovery code to');

export const notificationsUnavailable = (): DomainError =>
  requestFailed('notification_unavailable', 'Notification delivery is not available');

/** Users whose authoritative IdP is external cannot use the self-service password actions. */
export function refuseExternal(user: User): void {
  if (user.identityProvider.id !== undefined && user.identityProvider.type !== 'PING_ONE') {
    throw requestFailed('account_not_usable', 'The user is authenticated by an external identity provider');
  }
}
