import type { HashingConfig } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { Actor } from '../access/actor.js';
import type { Environment } from '../environments/environment.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { PasswordPoliciesService } from '../password-policies/password-policies.service.js';
import type { Clock } from '../shared/clock.js';
import { isAccountLocked, type User } from '../users/user.js';
import type { UsersService } from '../users/users.service.js';
import { createHasher, type HashingPool } from './hashing.js';
import { noMetrics, type Metrics } from '../shared/metrics.js';
import { commonPasswordsLoader } from './common-passwords.js';
import { createNewPasswordCheck } from './new-password-check.js';
import { createPasswordCheck } from './password-check.js';
import { createPasswordRecords, type LoadedPassword } from './password-records.js';
import { recordPasswordActivities, type PasswordActivityType } from './password-activities.js';
import type { ChangePasswordInput, PasswordState, SetPasswordInput } from './password.js';
import {
  concurrentChange,
  disabledUser,
  invalidRecoveryCode,
  lockedOut,
  noPassword,
  noRecoveryEmail,
  notificationsUnavailable,
  refuseExternal,
  tooYoung,
  wrongPassword,
} from './password-errors.js';
import {
  isLocked,
  isTooYoung,
  normalize,
  secondsUntilUnlock,
  stateOf,
  withFailure,
  withNewHash,
  withoutLockout,
} from './password-state.js';
import {
  addHistory,
  emptyRecord,
  findLockedOutUsers,
  findRecord,
  saveRecord,
  type PasswordRecord,
} from './passwords.repository.js';
import {
  canonicalRecoveryCode,
  newRecoveryCode,
  RECOVERY_CODE_TTL_MS,
  usableRecoveryCodeHash,
} from './recovery-codes.js';

/**
 * The passwords service: loads, authorizes and writes; the rules live in password-state.ts
 * (state machine), new-password-check.ts (policy and history), password-errors.ts and
 * recovery-codes.ts. Over 300 lines because each public operation (check, change, recover, set,
 * import, send code) is one short transaction script and they read best side by side.
 */

/** What the passwords core needs from the notification delivery core (src/core/notifications). */
export interface RecoveryCodeSender {
  enqueue(
    trx: Db,
    input: {
      environmentId: string;
      userId: string;
      template: string;
      methods: readonly 'EMAIL'[];
      variables: Readonly<Record<string, string>>;
    },
  ): Promise<unknown>;
}

export interface PasswordsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly hashing: HashingConfig;
  readonly environments: EnvironmentsService;
  readonly users: UsersService;
  readonly policies: PasswordPoliciesService;
  /** Resolved lazily: the notification core may be composed after this service. */
  readonly notifications?: () => RecoveryCodeSender | undefined;
  readonly metrics?: Metrics;
}

export type PasswordsService = ReturnType<typeof createPasswordsService>;

/** On whose behalf the core operations run (see operationsFor). */
interface PasswordCaller {
  readonly actor?: Actor;
  readonly signal?: AbortSignal | undefined;
  readonly loaded?: LoadedPassword;
}

/** The core password operations, bound to one caller (`PasswordsService.on`). */
export type PasswordOperations = ReturnType<PasswordsService['on']>;

export function createPasswordsService(deps: PasswordsServiceDeps) {
  const { store, clock, environments, users, policies } = deps;
  const metrics = deps.metrics ?? noMetrics;
  const pool: HashingPool = createHasher(deps.hashing, metrics);
  // Built on first use and shared by every operation (operationsFor makes its checks per call).
  const commonPasswords = commonPasswordsLoader();

  /** withFailure, counting the lockouts it starts for the operator's metrics. */
  const countedFailure: typeof withFailure = (record, policy, at) => {
    const result = withFailure(record, policy, at);
    if (record.lockedAt === undefined && result.record.lockedAt !== undefined) metrics.lockout();
    return result;
  };

  /**
   * The core operations on behalf of `caller`: its actor for their activities, its connection's
   * signal for their hashing (dropped once it closes), and what `as` (below) read to authorize it,
   * which the operation's first load takes instead of reading it all again. Made per operation
   * (closures only), since the caller is passed, not carried by an AsyncLocalStorage (see
   * HashingPool.for).
   */
  function operationsFor(caller: PasswordCaller) {
    const hasher = pool.for(caller.signal);
    const newPasswords = createNewPasswordCheck({ db: () => store.db, clock, hasher, commonPasswords });
    const callerOf = () => caller.actor;
    const recordSet = (trx: Db, now: number, user: User, before: PasswordRecord, after: PasswordRecord) =>
      recordPasswordActivities(trx, now, { user, before, after, types: ['PASSWORD.SET'], actor: callerOf() });
    const records = createPasswordRecords({ store, clock, environments, users, policies, callerOf });
    const { write } = records;
    let preloaded = caller.loaded;
    const load = (environmentId: string, userId: string): Promise<LoadedPassword> => {
      const pre = preloaded;
      if (!pre || pre.env.id !== environmentId || pre.user.id !== userId)
        return records.load(environmentId, userId);
      preloaded = undefined; // once: a later load in the same operation reads afresh
      return Promise.resolve(pre);
    };
    const check = createPasswordCheck({ clock, hasher, metrics, load, records, countedFailure });

    /** Replaces the password, keeping the old hash in the history, in one transaction. */
    async function replacePassword(
      type: PasswordActivityType,
      environmentId: string,
      userId: string,
      hash: string | undefined,
      mustChange: boolean,
      expectedHash?: string | null,
    ) {
      return write(environmentId, userId, async (trx, current, _policy, _user, now) => {
        if (expectedHash !== undefined && (current.hash ?? null) !== expectedHash)
          return { error: concurrentChange() };
        if (current.hash !== undefined) await addHistory(trx, userId, current.hash, now);
        return { record: withNewHash(current, hash, mustChange, now), activities: [type] };
      });
    }

    // ---- core operations without authorization (for other faces and for the user-import hook)

    /** Administrator set (with or without the policy, optionally forcing a change). */
    async function adminSet(
      environmentId: string,
      userId: string,
      input: SetPasswordInput,
    ): Promise<PasswordState> {
      const loaded = await load(environmentId, userId);
      if (input.value === undefined)
        return replacePassword('PASSWORD.UNSET', environmentId, userId, undefined, false);
      const hash = await newPasswords.encodeForSet(loaded, input.value, !input.bypassPolicy);
      return replacePassword('PASSWORD.SET', environmentId, userId, hash, input.forceChange ?? false);
    }

    /**
     * An administrator set whose slow part (policy checks, hashing) runs now and whose write runs
     * later inside the caller's transaction, which must hold the user's row lock (users.modify
     * does): a change that writes a user and its password together commits both or neither.
     */
    async function prepareAdminSet(
      environmentId: string,
      userId: string,
      value: string,
    ): Promise<(trx: Db) => Promise<void>> {
      const loaded = await load(environmentId, userId);
      const hash = await newPasswords.encodeForSet(loaded, value, true);
      const expectedHash = loaded.record.hash ?? null;
      return async (trx) => {
        const now = clock.now();
        const current = normalize((await findRecord(trx, userId)) ?? emptyRecord(userId, environmentId), now);
        // Another change in between would make this set skip its history and policy checks.
        if ((current.hash ?? null) !== expectedHash) throw concurrentChange();
        if (current.hash !== undefined) await addHistory(trx, userId, current.hash, now);
        const next = withNewHash(current, hash, false, now);
        await saveRecord(trx, next, now);
        await recordSet(trx, now, loaded.user, current, next);
      };
    }

    /** Administrator temporary password: no policy, MUST_CHANGE_PASSWORD (PingOne reset without currentPassword). */
    async function adminReset(
      environmentId: string,
      userId: string,
      newPassword: string,
    ): Promise<PasswordState> {
      const loaded = await load(environmentId, userId);
      await newPasswords.check(loaded, newPassword, { target: 'newPassword', policy: false });
      return replacePassword('PASSWORD.RESET', environmentId, userId, await hasher.hash(newPassword), true);
    }

    /**
     * Self change: the current password must match (a mismatch counts toward lockout), minAgeDays
     * applies unless a change is required, and the new one meets the full policy.
     */
    async function change(
      environmentId: string,
      userId: string,
      input: ChangePasswordInput,
    ): Promise<PasswordState> {
      const loaded = await load(environmentId, userId);
      const { record, policy } = loaded;
      refuseExternal(loaded.user);
      const now = clock.now();
      if (record.hash === undefined) throw noPassword();
      if (isLocked(record, now)) throw lockedOut(secondsUntilUnlock(record, now));
      const verified = await hasher.verify(record.hash, input.currentPassword);
      if (!verified.match) {
        await write(environmentId, userId, async (_trx, current, p, _u, at) => {
          if (isLocked(current, at)) return { error: lockedOut(secondsUntilUnlock(current, at)) };
          const f = countedFailure(current, p, at);
          return { record: f.record, error: wrongPassword('currentPassword', f.remaining) };
        });
      }
      if (isTooYoung(record, policy, now)) throw tooYoung();
      await newPasswords.check(loaded, input.newPassword, {
        target: 'newPassword',
        policy: true,
        currentPassword: input.currentPassword,
      });
      const hash = await hasher.hash(input.newPassword);
      return replacePassword('PASSWORD.RESET', environmentId, userId, hash, false, record.hash);
    }

    async function forceChange(environmentId: string, userId: string): Promise<PasswordState> {
      return write(environmentId, userId, async (_trx, current) => {
        if (current.hash === undefined) return { error: noPassword() };
        // Also ends a password lockout (an account lock is separate and stays).
        return {
          record: { ...withoutLockout(current), mustChange: true },
          activities: ['PASSWORD.FORCE_CHANGE'],
        };
      });
    }

    async function unlock(environmentId: string, userId: string): Promise<PasswordState> {
      return write(environmentId, userId, async (_trx, current, _policy, user, now) => {
        // Directory §4.3: USER.UNLOCKED too when the password lockout was the user's only lock.
        const onlyLock = isLocked(current, now) && !isAccountLocked(user, now);
        const activities: PasswordActivityType[] = [
          'PASSWORD.UNLOCKED',
          ...(onlyLock ? ['USER.UNLOCKED' as const] : []),
        ];
        return { record: withoutLockout(current), activities };
      });
    }

    async function sendRecoveryCode(environmentId: string, userId: string): Promise<PasswordState> {
      const { user, record } = await load(environmentId, userId);
      const now = clock.now();
      refuseExternal(user);
      if (!user.enabled) throw disabledUser();
      if (record.hash === undefined) throw noPassword();
      if (isLocked(record, now)) throw lockedOut(secondsUntilUnlock(record, now));
      if (!user.email) throw noRecoveryEmail();
      const sender = deps.notifications?.();
      if (!sender) throw notificationsUnavailable();
      const code = newRecoveryCode();
      const codeHash = await hasher.hash(code);
      return write(environmentId, userId, async (trx, current, _policy, _user, at) => {
        // The code travels through the durable outbox in the same transaction as its hash.
        await sender.enqueue(trx, {
          environmentId,
          userId,
          template: 'recovery_code_template',
          methods: ['EMAIL'],
          variables: { code },
        });
        return {
          record: { ...current, recoveryCodeHash: codeHash, recoveryExpiresAt: at + RECOVERY_CODE_TTL_MS },
        };
      });
    }

    /** password.recover: a valid code sets a new password (policy applies); bad codes count toward lockout. */
    async function recover(
      environmentId: string,
      userId: string,
      input: { recoveryCode: string; newPassword: string },
    ) {
      const loaded = await load(environmentId, userId);
      const { user, record } = loaded;
      const now = clock.now();
      refuseExternal(user);
      if (!user.enabled) throw disabledUser();
      if (record.hash === undefined) throw noPassword();
      const codeHash = usableRecoveryCodeHash(record, now);
      const codeOk =
        codeHash !== undefined &&
        (await hasher.verify(codeHash, canonicalRecoveryCode(input.recoveryCode))).match;
      if (!codeOk) {
        await write(environmentId, userId, async (_trx, current, policy, _u, at) => {
          if (isLocked(current, at)) return { error: lockedOut(secondsUntilUnlock(current, at)) };
          const f = countedFailure(current, policy, at);
          return { record: f.record, error: invalidRecoveryCode(f.remaining) };
        });
      }
      await newPasswords.check(loaded, input.newPassword, { target: 'newPassword', policy: true });
      const hash = await hasher.hash(input.newPassword);
      return write(environmentId, userId, async (trx, current, _policy, _user, at) => {
        if (current.recoveryCodeHash !== record.recoveryCodeHash)
          return { error: invalidRecoveryCode(undefined) };
        if (current.hash !== undefined) await addHistory(trx, userId, current.hash, at);
        return { record: withNewHash(current, hash, false, at), activities: ['PASSWORD.RECOVERY'] };
      });
    }

    /**
     * Gives a user being created (user.import) its password inside the create transaction. The
     * value is cleartext (checked against the policy unless bypassPolicy) or pre-encoded.
     */
    async function importWithin(
      trx: Db,
      env: Environment,
      user: User,
      input: { value: string; forceChange?: boolean | undefined; bypassPolicy?: boolean | undefined },
    ): Promise<void> {
      const policy = await policies.effectivePolicy(trx, env.id, user.populationId);
      const hash = await newPasswords.encodeForImport(policy, user, input.value, input.bypassPolicy ?? false);
      const before = emptyRecord(user.id, env.id);
      const after = withNewHash(before, hash, input.forceChange ?? false, clock.now());
      await saveRecord(trx, after, clock.now());
      await recordSet(trx, clock.now(), user, before, after);
    }

    return {
      adminSet,
      prepareAdminSet,
      adminReset,
      change,
      check,
      forceChange,
      unlock,
      sendRecoveryCode,
      recover,
      importWithin,
    };
  }

  const core = operationsFor({});
  /** Reads (and authorizes) for `as`, `get` and `state`; records no activity itself. */
  const authorizing = createPasswordRecords({
    store,
    clock,
    environments,
    users,
    policies,
    callerOf: () => undefined,
  });

  /** PingOne actions: authorize on the user's population, then run the core operation. */
  const as =
    <A extends unknown[]>(
      permission: string,
      op: (
        operations: ReturnType<typeof operationsFor>,
      ) => (environmentId: string, userId: string, ...args: A) => Promise<PasswordState>,
    ) =>
    async (actor: Actor, environmentId: string, userId: string, ...args: A): Promise<PasswordState> => {
      const loaded = await authorizing.load(environmentId, userId, actor, permission);
      return op(operationsFor({ actor, loaded, signal: actor.connection }))(environmentId, userId, ...args);
    };
  const READ = 'dir:read:userPassword';
  const UPDATE = 'dir:update:userPassword';

  return {
    /** The hashing workers (the app closes them; sign-on wastes a verification on them). */
    hasher: pool,
    // core, no authorization (callers authorize: the directory, imports, sign-on, benchmarks)
    ...core,
    /** The core operations for a caller whose connection may close: its queued hashing is dropped then. */
    on: (signal: AbortSignal | undefined) => operationsFor({ signal }),
    /** Users whose password is locked out now: `account.canAuthenticate` is false for them. */
    lockedOut: (userIds: readonly string[]) => findLockedOutUsers(store.db, userIds, clock.now()),
    async state(environmentId: string, userId: string): Promise<PasswordState> {
      const { user, record, policy } = await authorizing.load(environmentId, userId);
      return stateOf(user, record, policy, clock.now());
    },

    // PingOne face
    async get(actor: Actor, environmentId: string, userId: string): Promise<PasswordState> {
      const { user, record, policy } = await authorizing.load(environmentId, userId, actor, READ);
      return stateOf(user, record, policy, clock.now());
    },
    set: as(UPDATE, (ops) => ops.adminSet),
    reset: as(
      UPDATE,
      (ops) =>
        (environmentId, userId, input: { currentPassword?: string | undefined; newPassword: string }) =>
          input.currentPassword !== undefined
            ? ops.change(environmentId, userId, {
                currentPassword: input.currentPassword,
                newPassword: input.newPassword,
              })
            : ops.adminReset(environmentId, userId, input.newPassword),
    ),
    checkAs: as(UPDATE, (ops) => ops.check),
    forceChangeAs: as(UPDATE, (ops) => ops.forceChange),
    unlockAs: as(UPDATE, (ops) => ops.unlock),
    sendRecoveryCodeAs: as(UPDATE, (ops) => ops.sendRecoveryCode),
    recoverAs: as(UPDATE, (ops) => ops.recover),
  };
}
