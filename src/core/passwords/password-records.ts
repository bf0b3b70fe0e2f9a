import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { Actor } from '../access/actor.js';
import type { Environment } from '../environments/environment.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { PasswordPoliciesService } from '../password-policies/password-policies.service.js';
import type { PasswordPolicy } from '../password-policies/password-policy.js';
import type { Clock } from '../shared/clock.js';
import type { DomainError } from '../shared/errors.js';
import type { User } from '../users/user.js';
import { authorizeUser, type UsersService } from '../users/users.service.js';
import type { PasswordState } from './password.js';
import { normalize, stateOf } from './password-state.js';
import { emptyRecord, findRecord, saveRecord, type PasswordRecord } from './passwords.repository.js';
import { recordPasswordActivities, type PasswordActivityType } from './password-activities.js';

/** What every password operation starts from: the user, their environment, policy and record. */
export interface LoadedPassword {
  readonly env: Environment;
  readonly user: User;
  readonly policy: PasswordPolicy | undefined;
  readonly record: PasswordRecord;
}

/** How the passwords service reads a user's password record and writes it in a transaction. */
export function createPasswordRecords(deps: {
  store: Store;
  clock: Clock;
  environments: EnvironmentsService;
  users: UsersService;
  policies: PasswordPoliciesService;
  /** The actor of the operation running now, for its activities. */
  callerOf: () => Actor | undefined;
}) {
  const { store, clock, environments, users, policies, callerOf } = deps;

  /** Reads everything an operation needs, outside any transaction (slow hashing comes next). */
  async function load(
    environmentId: string,
    userId: string,
    actor?: Actor,
    permission?: string,
  ): Promise<LoadedPassword> {
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
    ) => Promise<{
      record?: PasswordRecord;
      error?: DomainError;
      activities?: readonly PasswordActivityType[];
    }>,
  ): Promise<PasswordState> {
    const outcome = await store.transaction(async (trx) => {
      const user = await users.requireUser(trx, environmentId, userId, true);
      const now = clock.now();
      const policy = await policies.effectivePolicy(trx, environmentId, user.populationId);
      const current = normalize((await findRecord(trx, userId)) ?? emptyRecord(userId, environmentId), now);
      const result = await change(trx, current, policy, user, now);
      const record = result.record ?? current;
      if (result.record) await saveRecord(trx, record, now);
      // In the same transaction: counted failures commit with their activity even when refused.
      const types = result.activities ?? [];
      await recordPasswordActivities(trx, now, {
        user,
        before: current,
        after: record,
        types,
        actor: callerOf(),
      });
      return { ...result, state: stateOf(user, record, policy, now) };
    });
    if (outcome.error) throw outcome.error;
    return outcome.state;
  }

  /**
   * Records `activities` for an operation that changes no state (a successful check with no
   * failures to clear): one transaction that re-reads the record, since a parallel operation may
   * have changed it meanwhile, and writes the activities only, without the user's row lock or a
   * second read of the user and policy. Answers undefined, writing nothing, when `unchanged` says
   * the fresh record needs more: the caller then takes `write`.
   */
  async function recordUnchanged(
    loaded: LoadedPassword,
    activities: readonly PasswordActivityType[],
    unchanged: (current: PasswordRecord, now: number) => boolean,
  ): Promise<PasswordState | undefined> {
    const { user, policy } = loaded;
    return store.transaction(async (trx) => {
      const now = clock.now();
      const current = normalize(
        (await findRecord(trx, user.id)) ?? emptyRecord(user.id, user.environmentId),
        now,
      );
      if (!unchanged(current, now)) return undefined;
      const change = { user, before: current, after: current, types: activities, actor: callerOf() };
      await recordPasswordActivities(trx, now, change);
      return stateOf(user, current, policy, now);
    });
  }

  return { load, write, recordUnchanged };
}
