import type { PasswordPolicy } from '../password-policies/password-policy.js';

export type PasswordStatus =
  'OK' | 'NO_PASSWORD' | 'PASSWORD_EXPIRED' | 'PASSWORD_LOCKED_OUT' | 'MUST_CHANGE_PASSWORD' | 'EXTERNAL';

/** What `GET /users/{id}/password` reports. */
export interface PasswordState {
  readonly environmentId: string;
  readonly userId: string;
  readonly policy: PasswordPolicy | undefined;
  readonly status: PasswordStatus;
  readonly lastChangedAt: number | undefined;
  /** Present while locked out with an automatic unlock. */
  readonly secondsUntilUnlock: number | undefined;
  /** Warning: failed checks so far leave this many before lockout (only after a failure). */
  readonly failuresRemaining: number | undefined;
  /** Warning: the password expires at this instant, within the 21-day warning window. */
  readonly expiresAt: number | undefined;
}

export interface SetPasswordInput {
  /** Cleartext or pre-encoded (`{SCHEME}...`); undefined removes the password (setValue). */
  readonly value?: string | undefined;
  readonly forceChange?: boolean | undefined;
  readonly bypassPolicy?: boolean | undefined;
}

export interface ChangePasswordInput {
  readonly currentPassword: string;
  readonly newPassword: string;
}
