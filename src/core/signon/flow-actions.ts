import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { PasswordPoliciesService } from '../password-policies/password-policies.service.js';
import { parseEncoded } from '../passwords/encodings.js';
import type { PasswordOperations } from '../passwords/passwords.service.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, hasReason, invalidData, invalidValue, type ErrorDetail } from '../shared/errors.js';
import { isAccountLocked, type User } from '../users/user.js';
import { checkEmail, checkUsername } from '../users/user-profile.js';
import type { UsersService } from '../users/users.service.js';
import type { FlowAction, FlowStatus } from './flow.js';
import {
  invalidCredentials,
  invalidRecoveryCode,
  passwordLockedOut,
  toFlowError,
  wrongFlowUser,
} from './flow-errors.js';
import { findUserIdByUsername } from '../users/users.repository.js';
import type { FlowInternals, StoredFlow } from './flows.repository.js';
import type { DenialReason } from './signon-activities.js';

export interface FlowActionDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly users: UsersService;
  readonly passwords: PasswordOperations;
  readonly passwordPolicies: PasswordPoliciesService;
  /** Spends one password verification on nothing, so a missing user costs what a real one does. */
  readonly wasteVerification: (password: string) => Promise<void>;
}

export interface BoundUser {
  readonly id: string | undefined;
  readonly username: string;
}

/** What an action decided; the service commits it in one transaction (then throws `error`, if any). */
export interface Next {
  readonly status?: FlowStatus;
  /** The flow's user from now on; null unbinds it; absent keeps it. */
  readonly user?: BoundUser | null;
  readonly internals?: FlowInternals;
  /** The user signed on with a password: the flow COMPLETES and the SSO session is (re)issued. */
  readonly complete?: boolean;
  /** Runs first in the commit transaction (registration creates its user there). */
  readonly within?: (trx: Db) => Promise<BoundUser>;
  readonly error?: DomainError;
  /** A refused sign-on of a known user, recorded as USER.ACCESS_DENIED with the commit. */
  readonly denial?: SignOnDenial;
}

export interface SignOnDenial {
  readonly user: User;
  readonly reason: DenialReason;
}

type Handler<T extends FlowAction['type']> = (
  stored: StoredFlow,
  action: Extract<FlowAction, { type: T }>,
) => Promise<Next>;

/** Runs a passwords-service call, answering its failures as flow errors. */
async function asFlowError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw toFlowError(error);
  }
}

export function createFlowActions(deps: FlowActionDeps) {
  const { store, clock, users, passwords, passwordPolicies } = deps;

  /** The user a username names, and why it may not sign on (disabled, account locked), if so. */
  async function candidate(
    environmentId: string,
    username: string,
  ): Promise<{ user: User; refusal?: DenialReason } | undefined> {
    const id = await findUserIdByUsername(store.db, environmentId, username);
    if (id === undefined) return undefined;
    const user = await users.requireUser(store.db, environmentId, id).catch(() => undefined);
    if (!user) return undefined;
    if (!user.enabled) return { user, refusal: 'disabled' };
    if (isAccountLocked(user, clock.now())) return { user, refusal: 'account_locked' };
    return { user };
  }

  /** A user that may sign on (exists, enabled, no account lock), else undefined. */
  async function usableUser(environmentId: string, username: string): Promise<User | undefined> {
    const found = await candidate(environmentId, username);
    return found && !found.refusal ? found.user : undefined;
  }

  /**
   * The answer for a username that cannot sign on (unknown, disabled, account locked, no
   * password): exactly what a wrong password says, after the same verification work. The
   * `failuresRemaining` count runs per flow against the environment's default password policy.
   */
  async function phantomFailure(
    stored: StoredFlow,
    secret: string,
    error: (remaining: number | undefined) => DomainError = invalidCredentials,
    denial?: SignOnDenial,
  ): Promise<Next> {
    await deps.wasteVerification(secret);
    const policy = await passwordPolicies.effectivePolicy(store.db, stored.flow.environmentId, '');
    const lockout = policy?.rules.lockout;
    const seen = stored.internals.phantomFailures;
    if (lockout?.failureCount !== undefined && seen >= lockout.failureCount) {
      return { error: passwordLockedOut(lockout.durationSeconds), denial };
    }
    const failures = seen + 1;
    const remaining =
      lockout?.failureCount !== undefined ? Math.max(0, lockout.failureCount - failures) : undefined;
    return { internals: { phantomFailures: failures }, error: error(remaining), denial };
  }

  const check: Handler<'usernamePassword.check'> = async (stored, action) => {
    const { flow } = stored;
    if (flow.username !== undefined && flow.username.toLowerCase() !== action.username.toLowerCase()) {
      throw wrongFlowUser();
    }
    const found = await candidate(flow.environmentId, action.username);
    if (!found) return phantomFailure(stored, action.password);
    const { user, refusal } = found;
    if (refusal)
      return phantomFailure(stored, action.password, invalidCredentials, { user, reason: refusal });
    let status;
    try {
      status = (await passwords.check(flow.environmentId, user.id, action.password)).status;
    } catch (error) {
      if (hasReason(error, 'no_password'))
        return phantomFailure(stored, action.password, invalidCredentials, { user, reason: 'no_password' });
      // A refused password is a refused sign-on: the commit records it (USER.ACCESS_DENIED).
      if (hasReason(error, 'wrong_password'))
        return { error: toFlowError(error), denial: { user, reason: 'wrong_password' } };
      if (hasReason(error, 'password_locked_out'))
        return { error: toFlowError(error), denial: { user, reason: 'locked_out' } };
      throw toFlowError(error);
    }
    const bound = { id: user.id, username: user.username };
    if (status === 'MUST_CHANGE_PASSWORD' || status === 'PASSWORD_EXPIRED') return { status, user: bound };
    return { user: bound, complete: true };
  };

  const reset: Handler<'password.reset'> = async (stored, action) => {
    const { flow } = stored;
    if (flow.userId === undefined) throw new Error('a flow asking for a password change has a user');
    await asFlowError(
      passwords.change(flow.environmentId, flow.userId, {
        currentPassword: action.currentPassword,
        newPassword: action.newPassword,
      }),
    );
    return { complete: true };
  };

  /**
   * Recovery never tells whether the username exists: an unknown one (or a user who cannot
   * recover) reaches RECOVERY_CODE_REQUIRED too, and no code is sent.
   */
  async function sendCode(environmentId: string, userId: string | undefined): Promise<void> {
    if (userId === undefined) {
      await deps.wasteVerification('');
      return;
    }
    try {
      await passwords.sendRecoveryCode(environmentId, userId);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }

  const forgot: Handler<'password.forgot'> = async (stored, action) => {
    const { flow } = stored;
    if (flow.username !== undefined && flow.username.toLowerCase() !== action.username.toLowerCase()) {
      throw wrongFlowUser();
    }
    const user = await usableUser(flow.environmentId, action.username);
    await sendCode(flow.environmentId, user?.id);
    return {
      status: 'RECOVERY_CODE_REQUIRED',
      user: user ? { id: user.id, username: user.username } : { id: undefined, username: action.username },
    };
  };

  const resend: Handler<'password.sendRecoveryCode'> = async (stored) => {
    await sendCode(stored.flow.environmentId, stored.flow.userId);
    return {};
  };

  const recover: Handler<'password.recover'> = async (stored, action) => {
    const { flow } = stored;
    if (flow.userId === undefined) return phantomFailure(stored, action.recoveryCode, invalidRecoveryCode);
    try {
      await passwords.recover(flow.environmentId, flow.userId, {
        recoveryCode: action.recoveryCode,
        newPassword: action.newPassword,
      });
    } catch (error) {
      // A user who cannot recover (disabled since, no password) is told what an unknown one is.
      if (
        error instanceof DomainError &&
        error.kind === 'request_failed' &&
        !hasReason(error, 'password_locked_out')
      ) {
        return phantomFailure(stored, '', invalidRecoveryCode);
      }
      throw toFlowError(error);
    }
    return { complete: true };
  };

  const register: Handler<'user.register'> = async (stored, action) => {
    const { flow } = stored;
    const details: ErrorDetail[] = [];
    const usernameProblem = checkUsername(action.username);
    if (usernameProblem) details.push(usernameProblem);
    const emailProblem = checkEmail(action.email);
    if (emailProblem) details.push(emailProblem);
    if (details.length > 0) throw invalidData(details);
    // A self-registering user chooses a password, never a stored hash (`{SSHA}…` would be imported as one).
    let encoded = true;
    try {
      encoded = parseEncoded(action.password) !== undefined;
    } catch {
      encoded = true;
    }
    if (encoded) throw invalidValue('password', 'The password cannot start with a password-encoding prefix');
    return {
      within: async (trx) => {
        const env = await deps.environments.require(flow.environmentId, trx);
        const user = await users.insertWithin(trx, env, {
          username: action.username,
          email: action.email,
          populationId: flow.policy.registrationPopulationId,
        });
        await asFlowError(passwords.importWithin(trx, env, user, { value: action.password }));
        return { id: user.id, username: user.username };
      },
      complete: true,
    };
  };

  const sessionReset: Handler<'session.reset'> = async () => ({
    status: 'USERNAME_PASSWORD_REQUIRED',
    user: null,
  });

  return {
    run(stored: StoredFlow, action: FlowAction): Promise<Next> {
      switch (action.type) {
        case 'usernamePassword.check':
          return check(stored, action);
        case 'password.reset':
          return reset(stored, action);
        case 'password.forgot':
          return forgot(stored, action);
        case 'password.sendRecoveryCode':
          return resend(stored, action);
        case 'password.recover':
          return recover(stored, action);
        case 'user.register':
          return register(stored, action);
        case 'session.reset':
          return sessionReset(stored, action);
      }
    },
  };
}
