import type { NotificationMethod, NotificationResult } from '../notifications/notification.js';

/** Stored statuses. `REVOKED` also reads for a credential whose `expiresAt` has passed. */
export type CredentialStatus = 'PENDING' | 'ISSUED' | 'REVOKED';

export interface CredentialNotification {
  readonly methods: readonly NotificationMethod[];
  /** Kept for the credential's life: later notifications about it use the same locale and variant. */
  readonly template?:
    | {
        readonly locale?: string | undefined;
        readonly variant?: string | undefined;
        readonly variables?: Readonly<Record<string, string>> | undefined;
      }
    | undefined;
  readonly results?: readonly NotificationResult[] | undefined;
}

export interface UserCredential {
  readonly id: string;
  readonly environmentId: string;
  readonly userId: string;
  readonly credentialTypeId: string;
  readonly typeVersion: { readonly number: number; readonly id: string };
  readonly title: string;
  /** Keys are the type's field titles; an update leaves omitted fields null. */
  readonly data: Readonly<Record<string, string | null>>;
  readonly status: CredentialStatus;
  readonly expiresAt: number | undefined;
  readonly notification: CredentialNotification | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface CredentialInput {
  readonly credentialTypeId: string;
  readonly data?: Readonly<Record<string, string | null>> | undefined;
  /** undefined keeps the current schedule on update, null removes it. */
  readonly expiresAt?: number | null | undefined;
  readonly notification?:
    | (Omit<CredentialNotification, 'results' | 'methods'> & {
        readonly methods?: readonly NotificationMethod[] | undefined;
      })
    | undefined;
}

/** What a reader sees: an expired credential is REVOKED at once, before the scheduler persists it. */
export function effectiveStatus(credential: UserCredential, now: number): CredentialStatus {
  if (credential.status !== 'REVOKED' && credential.expiresAt !== undefined && credential.expiresAt <= now)
    return 'REVOKED';
  return credential.status;
}
