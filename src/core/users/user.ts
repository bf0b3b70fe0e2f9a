import type { Db } from '../../db/schema.js';
import type { Environment } from '../environments/environment.js';
import type { JsonObject } from '../shared/json.js';

export type LifecycleStatus = 'ACCOUNT_OK' | 'VERIFICATION_REQUIRED';
export type VerifyStatus = 'NOT_INITIATED' | 'ENABLED' | 'DISABLED';

export interface User {
  readonly id: string;
  readonly environmentId: string;
  readonly populationId: string;
  readonly username: string;
  readonly email: string | undefined;
  readonly enabled: boolean;
  readonly mfaEnabled: boolean;
  readonly emailVerified: boolean;
  readonly lifecycleStatus: LifecycleStatus;
  readonly verifyStatus: VerifyStatus;
  readonly account: {
    readonly locked: boolean;
    readonly lockedAt?: number | undefined;
    readonly unlockAt?: number | undefined;
  };
  readonly identityProvider: { readonly type: string; readonly id?: string | undefined };
  /**
   * Every other attribute, in PingOne's wire shape: name, nickname, title, photo, address,
   * primaryPhone, mobilePhone, locale, preferredLanguage, timezone, externalId, accountId, type,
   * and the environment's custom attributes.
   */
  readonly profile: JsonObject;
  readonly lastSignOnAt: number | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Incremented on every change; writers check it to never lose a concurrent update. */
  readonly revision: number;
}

/** Attributes a caller can give when creating a user (everything else is defaulted). */
export interface NewUser {
  readonly username: string;
  readonly email?: string | undefined;
  readonly populationId?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly mfaEnabled?: boolean | undefined;
  readonly emailVerified?: boolean | undefined;
  readonly lifecycleStatus?: LifecycleStatus | undefined;
  readonly profile?: JsonObject | undefined;
  /** Forces the id (a client may choose it). */
  readonly id?: string | undefined;
}

/** Whether an account lock is in force at `now` (a lock with a passed `unlockAt` has expired). */
export const isAccountLocked = (user: Pick<User, 'account'>, now: number): boolean =>
  user.account.locked && (user.account.unlockAt === undefined || user.account.unlockAt > now);

/**
 * Attribute changes from PUT (`replace`: omitted attributes are cleared) or PATCH (`merge`:
 * omitted attributes are kept). In both, null clears. `profile` holds the profile and custom
 * attributes given, in wire shape.
 */
export interface UserChanges {
  readonly username?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly profile: JsonObject;
}
/** What creating a user with an imported password needs from the passwords feature. */
export interface ImportedPasswordWriter {
  importWithin(
    trx: Db,
    env: Environment,
    user: User,
    input: { value: string; forceChange?: boolean | undefined },
  ): Promise<void>;
}

/** A password imported with a new user: cleartext (the policy applies) or pre-encoded. */
export interface ImportedPassword {
  readonly value: string;
  readonly forceChange?: boolean | undefined;
}
