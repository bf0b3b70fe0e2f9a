import { dictionary } from '@zxcvbn-ts/language-common';
import { randomInt } from 'node:crypto';
import type { HashingConfig } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { Actor } from '../access/actor.js';
import type { Environment } from '../environments/environment.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { PasswordPoliciesService } from '../password-policies/password-policies.service.js';
import type { PasswordPolicy } from '../password-policies/password-policy.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, MESSAGES, requestFailed } from '../shared/errors.js';
import type { JsonValue } from '../shared/json.js';
import type { User } from '../users/user.js';
import { authorizeUser, type UsersService } from '../users/users.service.js';
import { parseEncoded } from './encodings.js';
import { createHasher, type Hasher } from './hashing.js';
import { noMetrics, type Metrics } from '../shared/metrics.js';
import type { ChangePasswordInput, PasswordState, PasswordStatus, SetPasswordInput } from './password.js';
import {
  addHistory,
  emptyRecord,
  findRecord,
  HISTORY_KEPT,
  listHistory,
  findLockedOutUsers,
  saveRecord,
  type PasswordRecord,
} from './passwords.repository.js';
import {
  CURRENT_VIOLATION,
  evaluatePolicy,
  HISTORY_VIOLATION,
  policyViolation,
  type Violation,
} from './policy-evaluation.js';

const DAY_MS = 86_400_000;
/** PingOne: recovery codes are 8 case-insensitive alphanumerics, valid 5 minutes (not configurable). */
const RECOVERY_CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const RECOVERY_CODE_LENGTH = 8;
const RECOVERY_CODE_TTL_MS = 5 * 60_000;
/** The expiry warning appears this long before a password expires. */
const EXPIRY_WARNING_MS = 21 * DAY_MS;

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

// ---- errors (stable `facts.reason` for other faces)

const wrongPassword = (target: 'password' | 'currentPassword', remaining: number | undefined): DomainError =>
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

const lockedOut = (secondsUntilUnlock: number | undefined): DomainError =>
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

const noPassword = (): DomainError =>
  new DomainError(
    'request_failed',
    MESSAGES.requestFailed,
    [{ code: 'NO_PASSWORD', target: 'password', message: 'The user does not have a password' }],
    { reason: 'NO_PASSWORD' },
  );

const tooYoung = (): DomainError =>
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

const invalidRecoveryCode = (remaining: number | undefined): DomainError =>
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

const concurrentChange = (): DomainError =>
  new DomainError('conflict', MESSAGES.conflict, [
    { code: 'CONFLICT', message: 'The password was changed by another request; retry.' },
  ]);

// ---- pure state helpers

const isLocked = (r: PasswordRecord, now: number) =>
  r.lockedAt !== undefined && (r.unlockAt === undefined || r.unlockAt > now);

/** A lockout whose duration has passed is over: the record reads as unlocked with no failures. */
function normalize(r: PasswordRecord, now: number): PasswordRecord {
  if (r.lockedAt !== undefined && r.unlockAt !== undefined && r.unlockAt <= now) {
    return { ...r, lockedAt: undefined, unlockAt: undefined, failedAttempts: 0 };
  }
  return r;
}

function statusOf(r: PasswordRecord, policy: PasswordPolicy | undefined, now: number): PasswordStatus {
  if (r.hash === undefined) return 'NO_PASSWORD';
  if (isLocked(r, now)) return 'PASSWORD_LOCKED_OUT';
  if (r.mustChange) return 'MUST_CHANGE_PASSWORD';
  const maxAge = policy?.rules.maxAgeDays;
  if (maxAge !== undefined && r.lastChangedAt !== undefined && now >= r.lastChangedAt + maxAge * DAY_MS) {
    return 'PASSWORD_EXPIRED';
  }
  return 'OK';
}

const secondsUntil = (r: PasswordRecord, now: number) =>
  r.unlockAt === undefined ? undefined : Math.max(0, Math.ceil((r.unlockAt - now) / 1000));

function stateOf(
  user: User,
  r: PasswordRecord,
  policy: PasswordPolicy | undefined,
  now: number,
): PasswordState {
  const status = statusOf(r, policy, now);
  const failureCount = policy?.rules.lockout?.failureCount;
  const maxAge = policy?.rules.maxAgeDays;
  const expiresAt =
    maxAge !== undefined && r.lastChangedAt !== undefined ? r.lastChangedAt + maxAge * DAY_MS : undefined;
  return {
    environmentId: user.environmentId,
    userId: user.id,
    policy,
    status,
    lastChangedAt: r.hash !== undefined ? r.lastChangedAt : undefined,
    secondsUntilUnlock: status === 'PASSWORD_LOCKED_OUT' ? secondsUntil(r, now) : undefined,
    failuresRemaining:
      failureCount !== undefined && r.failedAttempts > 0 && status !== 'PASSWORD_LOCKED_OUT'
        ? Math.max(0, failureCount - r.failedAttempts)
        : undefined,
    expiresAt:
      expiresAt !== undefined &&
      status !== 'NO_PASSWORD' &&
      expiresAt > now &&
      expiresAt - now < EXPIRY_WARNING_MS
        ? expiresAt
        : undefined,
  };
}

/** Every string in the user's entry, for excludesProfileData. */
function profileValues(user: User): string[] {
  const out: string[] = [user.username];
  if (user.email) out.push(user.email);
  const walk = (value: JsonValue | undefined): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(user.profile);
  return out;
}

/** Users whose authoritative IdP is external cannot use the self-service password actions. */
function refuseExternal(user: User): void {
  if (user.identityProvider.id !== undefined && user.identityProvider.type !== 'PING_ONE') {
    throw requestFailed('ACCOUNT_NOT_USABLE', 'The user is authenticated by an external identity provider');
  }
}

/** A record after a new password (or none) replaced the current one; the old hash joins the history. */
function withNewHash(
  r: PasswordRecord,
  hash: string | undefined,
  mustChange: boolean,
  now: number,
): PasswordRecord {
  return {
    ...r,
    hash,
    mustChange: hash !== undefined && mustChange,
    lastChangedAt: hash !== undefined ? now : undefined,
    failedAttempts: 0,
    lockedAt: undefined,
    unlockAt: undefined,
    recoveryCodeHash: undefined,
    recoveryExpiresAt: undefined,
  };
}

export function createPasswordsService(deps: PasswordsServiceDeps) {
  const { store, clock, environments, users, policies } = deps;
  const metrics = deps.metrics ?? noMetrics;
  const hasher: Hasher = createHasher(deps.hashing, metrics);
  let common: Set<string> | undefined;
  /** The 49k common passwords of @zxcvbn-ts/language-common, lower-cased, loaded on first use. */
  const commonPasswords = (): ReadonlySet<string> =>
    (common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));

  interface Loaded {
    env: Environment;
    user: User;
    policy: PasswordPolicy | undefined;
    record: PasswordRecord;
  }

  /** Reads everything an operation needs, outside any transaction (slow hashing comes next). */
  async function load(
    environmentId: string,
    userId: string,
    actor?: Actor,
    permission?: string,
  ): Promise<Loaded> {
    const env = await environments.require(environmentId);
    const user = await users.requireUser(store.db, environmentId, userId);
    if (actor && permission) authorizeUser(actor, permission, env, user.populationId);
    const policy = await policies.effectivePolicy(store.db, environmentId, user.populationId);
    const record = normalize(
      (await findRecord(store.db, userId)) ?? emptyRecord(userId, environmentId),
      clock.now(),
    );
    return { env, user, policy, record };
  }

  /**
   * Runs `change` on the freshest record with the user's row locked (PostgreSQL; SQLite serialises
   * writers), saves what it returns and commits; an `error` it returns is thrown after the commit,
   * so counted failures persist.
   */
  async function write(
    environmentId: string,
    userId: string,
    change: (
      trx: Db,
      record: PasswordRecord,
      policy: PasswordPolicy | undefined,
      user: User,
      now: number,
    ) => Promise<{ record?: PasswordRecord; error?: DomainError }>,
  ): Promise<PasswordState> {
    const outcome = await store.transaction(async (trx) => {
      const user = await users.requireUser(trx, environmentId, userId, true);
      const now = clock.now();
      const policy = await policies.effectivePolicy(trx, environmentId, user.populationId);
      const current = normalize((await findRecord(trx, userId)) ?? emptyRecord(userId, environmentId), now);
      const result = await change(trx, current, policy, user, now);
      const record = result.record ?? current;
      if (result.record) await saveRecord(trx, record, now);
      return { ...result, state: stateOf(user, record, policy, now) };
    });
    if (outcome.error) throw outcome.error;
    return outcome.state;
  }

  /** Counts a failed attempt; the attempt reaching `lockout.failureCount` locks the password. */
  function failed(r: PasswordRecord, policy: PasswordPolicy | undefined, now: number) {
    const failureCount = policy?.rules.lockout?.failureCount;
    const failures = r.failedAttempts + 1;
    if (failureCount === undefined)
      return { record: { ...r, failedAttempts: failures }, remaining: undefined };
    if (failures >= failureCount) {
      metrics.lockout();
      const duration = policy?.rules.lockout?.durationSeconds;
      return {
        record: {
          ...r,
          failedAttempts: failures,
          lockedAt: now,
          unlockAt: duration !== undefined ? now + duration * 1000 : undefined,
        },
        remaining: 0,
      };
    }
    return { record: { ...r, failedAttempts: failures }, remaining: failureCount - failures };
  }

  /**
   * Policy check of a new cleartext (everything but the rules needing hashes is pure), then the
   * always-on "not the current password" and `history` (verified against stored hashes).
   */
  async function checkNewPassword(
    loaded: Loaded,
    plain: string,
    options: { target: 'password' | 'newPassword'; policy: boolean; currentPassword?: string },
  ): Promise<void> {
    const { policy, record, user } = loaded;
    const violations: Violation[] =
      options.policy && policy
        ? evaluatePolicy(policy.rules, plain, {
            commonPasswords: commonPasswords(),
            profileValues: profileValues(user),
            currentPassword: options.currentPassword,
          })
        : [];
    // Always on, whatever the policy (PingOne: "cannot be disabled").
    const sameAsCurrent =
      options.currentPassword !== undefined
        ? options.currentPassword === plain
        : record.hash !== undefined && (await hasher.verify(record.hash, plain)).match;
    if (sameAsCurrent) violations.push(CURRENT_VIOLATION);
    else if (options.policy && policy?.rules.history?.count !== undefined) {
      const { count, retentionDays } = policy.rules.history;
      const since = retentionDays !== undefined ? clock.now() - retentionDays * DAY_MS : -Infinity;
      const entries = (await listHistory(store.db, user.id, Math.min(count, HISTORY_KEPT))).filter(
        (h) => h.retiredAt >= since,
      );
      for (const entry of entries) {
        if ((await hasher.verify(entry.hash, plain)).match) {
          violations.push(HISTORY_VIOLATION);
          break;
        }
      }
    }
    if (violations.length > 0) throw policyViolation(options.target, violations);
  }

  /** Encodes a value for storage: a pre-encoded value as is (no policy), cleartext checked then hashed. */
  async function encodeForSet(loaded: Loaded, value: string, checkPolicy: boolean): Promise<string> {
    const encoded = parseEncoded(value, 'password');
    if (encoded) return encoded.value;
    if (checkPolicy) await checkNewPassword(loaded, value, { target: 'password', policy: true });
    return hasher.hash(value);
  }

  /** Replaces the password, keeping the old hash in the history, in one transaction. */
  async function replacePassword(
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
      return { record: withNewHash(current, hash, mustChange, now) };
    });
  }

  // ---- core operations without authorization (for other faces and for the user-import hook)

  /** Administrator set (PingOne password.set / setValue; UiPath admin set). */
  async function adminSet(
    environmentId: string,
    userId: string,
    input: SetPasswordInput,
  ): Promise<PasswordState> {
    const loaded = await load(environmentId, userId);
    if (input.value === undefined) return replacePassword(environmentId, userId, undefined, false);
    const hash = await encodeForSet(loaded, input.value, !input.bypassPolicy);
    return replacePassword(environmentId, userId, hash, input.forceChange ?? false);
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
    const hash = await encodeForSet(loaded, value, true);
    const expectedHash = loaded.record.hash ?? null;
    return async (trx) => {
      const now = clock.now();
      const current = normalize((await findRecord(trx, userId)) ?? emptyRecord(userId, environmentId), now);
      // Another change in between would make this set skip its history and policy checks.
      if ((current.hash ?? null) !== expectedHash) throw concurrentChange();
      if (current.hash !== undefined) await addHistory(trx, userId, current.hash, now);
      await saveRecord(trx, withNewHash(current, hash, false, now), now);
    };
  }

  /** Administrator temporary password: no policy, MUST_CHANGE_PASSWORD (PingOne reset without currentPassword). */
  async function adminReset(
    environmentId: string,
    userId: string,
    newPassword: string,
  ): Promise<PasswordState> {
    const loaded = await load(environmentId, userId);
    await checkNewPassword(loaded, newPassword, { target: 'newPassword', policy: false });
    return replacePassword(environmentId, userId, await hasher.hash(newPassword), true);
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
    if (isLocked(record, now)) throw lockedOut(secondsUntil(record, now));
    const verified = await hasher.verify(record.hash, input.currentPassword);
    if (!verified.match) {
      await write(environmentId, userId, async (_trx, current, p, _u, at) => {
        if (isLocked(current, at)) return { error: lockedOut(secondsUntil(current, at)) };
        const f = failed(current, p, at);
        return { record: f.record, error: wrongPassword('currentPassword', f.remaining) };
      });
    }
    const minAge = policy?.rules.minAgeDays;
    const status = statusOf(record, policy, now);
    if (
      minAge !== undefined &&
      status === 'OK' &&
      record.lastChangedAt !== undefined &&
      now < record.lastChangedAt + minAge * DAY_MS
    ) {
      throw tooYoung();
    }
    await checkNewPassword(loaded, input.newPassword, {
      target: 'newPassword',
      policy: true,
      currentPassword: input.currentPassword,
    });
    const hash = await hasher.hash(input.newPassword);
    return replacePassword(environmentId, userId, hash, false, record.hash);
  }

  /** password.check: a match answers the state; a mismatch counts toward lockout. */
  async function check(environmentId: string, userId: string, password: string): Promise<PasswordState> {
    const { record } = await load(environmentId, userId);
    const now = clock.now();
    if (record.hash === undefined) throw noPassword();
    if (isLocked(record, now)) {
      metrics.passwordCheck('locked_out');
      throw lockedOut(secondsUntil(record, now));
    }
    const verified = await hasher.verify(record.hash, password);
    metrics.passwordCheck(verified.match ? 'match' : 'mismatch');
    // Legacy encodings become argon2id on the first successful check (hashed before the transaction).
    const rehashed = verified.match && verified.rehash ? await hasher.hash(password) : undefined;
    return write(environmentId, userId, async (_trx, current, policy, _user, at) => {
      if (current.hash === undefined) return { error: noPassword() };
      // The lock may have been set by parallel checks while this one was verifying.
      if (isLocked(current, at)) return { error: lockedOut(secondsUntil(current, at)) };
      if (current.hash !== record.hash) return { error: wrongPassword('password', undefined) };
      if (verified.match) {
        if (current.failedAttempts === 0 && rehashed === undefined) return {};
        return { record: { ...current, failedAttempts: 0, hash: rehashed ?? current.hash } };
      }
      const f = failed(current, policy, at);
      return { record: f.record, error: wrongPassword('password', f.remaining) };
    });
  }

  async function forceChange(environmentId: string, userId: string): Promise<PasswordState> {
    return write(environmentId, userId, async (_trx, current) => {
      if (current.hash === undefined) return { error: noPassword() };
      // Also ends a password lockout (an account lock is separate and stays).
      return {
        record: { ...current, mustChange: true, failedAttempts: 0, lockedAt: undefined, unlockAt: undefined },
      };
    });
  }

  async function unlock(environmentId: string, userId: string): Promise<PasswordState> {
    return write(environmentId, userId, async (_trx, current) => ({
      record: { ...current, failedAttempts: 0, lockedAt: undefined, unlockAt: undefined },
    }));
  }

  async function sendRecoveryCode(environmentId: string, userId: string): Promise<PasswordState> {
    const { user, record } = await load(environmentId, userId);
    const now = clock.now();
    refuseExternal(user);
    if (!user.enabled) throw requestFailed('ACCOUNT_NOT_USABLE', 'The user is disabled');
    if (record.hash === undefined) throw noPassword();
    if (isLocked(record, now)) throw lockedOut(secondsUntil(record, now));
    if (!user.email)
      throw requestFailed('ACCOUNT_NOT_USABLE', 'The user has no email address to send a recovery code to');
    const sender = deps.notifications?.();
    if (!sender) throw requestFailed('NOTIFICATION_UNAVAILABLE', 'Notification delivery is not available');
    const code = Array.from(
      { length: RECOVERY_CODE_LENGTH },
      () => RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)],
    ).join('');
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
    if (!user.enabled) throw requestFailed('ACCOUNT_NOT_USABLE', 'The user is disabled');
    if (record.hash === undefined) throw noPassword();
    const codeOk =
      record.recoveryCodeHash !== undefined &&
      record.recoveryExpiresAt !== undefined &&
      record.recoveryExpiresAt > now &&
      (await hasher.verify(record.recoveryCodeHash, input.recoveryCode.trim().toUpperCase())).match;
    if (!codeOk) {
      await write(environmentId, userId, async (_trx, current, policy, _u, at) => {
        if (isLocked(current, at)) return { error: lockedOut(secondsUntil(current, at)) };
        const f = failed(current, policy, at);
        return { record: f.record, error: invalidRecoveryCode(f.remaining) };
      });
    }
    await checkNewPassword(loaded, input.newPassword, { target: 'newPassword', policy: true });
    const hash = await hasher.hash(input.newPassword);
    return write(environmentId, userId, async (trx, current, _policy, _user, at) => {
      if (current.recoveryCodeHash !== record.recoveryCodeHash)
        return { error: invalidRecoveryCode(undefined) };
      if (current.hash !== undefined) await addHistory(trx, userId, current.hash, at);
      return { record: withNewHash(current, hash, false, at) };
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
    let hash: string;
    const encoded = parseEncoded(input.value, 'password');
    if (encoded) hash = encoded.value;
    else {
      if (!input.bypassPolicy && policy) {
        const violations = evaluatePolicy(policy.rules, input.value, {
          commonPasswords: commonPasswords(),
          profileValues: profileValues(user),
        });
        if (violations.length > 0) throw policyViolation('password', violations);
      }
      hash = await hasher.hash(input.value);
    }
    await saveRecord(
      trx,
      withNewHash(emptyRecord(user.id, env.id), hash, input.forceChange ?? false, clock.now()),
      clock.now(),
    );
  }

  /** PingOne actions: authorize on the user's population, then run the core operation. */
  const as =
    <A extends unknown[]>(
      permission: string,
      op: (environmentId: string, userId: string, ...args: A) => Promise<PasswordState>,
    ) =>
    async (actor: Actor, environmentId: string, userId: string, ...args: A): Promise<PasswordState> => {
      await load(environmentId, userId, actor, permission);
      return op(environmentId, userId, ...args);
    };
  const READ = 'dir:read:userPassword';
  const UPDATE = 'dir:update:userPassword';

  return {
    hasher,
    // core, no authorization (UiPath face, imports, benchmarks)
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
    /** Users whose password is locked out now: `account.canAuthenticate` is false for them. */
    lockedOut: (userIds: readonly string[]) => findLockedOutUsers(store.db, userIds, clock.now()),
    async state(environmentId: string, userId: string): Promise<PasswordState> {
      const { user, record, policy } = await load(environmentId, userId);
      return stateOf(user, record, policy, clock.now());
    },

    // PingOne face
    async get(actor: Actor, environmentId: string, userId: string): Promise<PasswordState> {
      const { user, record, policy } = await load(environmentId, userId, actor, READ);
      return stateOf(user, record, policy, clock.now());
    },
    set: as(UPDATE, adminSet),
    reset: as(
      UPDATE,
      (environmentId, userId, input: { currentPassword?: string | undefined; newPassword: string }) =>
        input.currentPassword !== undefined
          ? change(environmentId, userId, {
              currentPassword: input.currentPassword,
              newPassword: input.newPassword,
            })
          : adminReset(environmentId, userId, input.newPassword),
    ),
    checkAs: as(UPDATE, check),
    forceChangeAs: as(UPDATE, forceChange),
    unlockAs: as(UPDATE, unlock),
    sendRecoveryCodeAs: as(UPDATE, sendRecoveryCode),
    recoverAs: as(UPDATE, recover),
  };
}
