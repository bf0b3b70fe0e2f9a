// Over 300 lines: every user read and write (create, import, replace, merge, state changes) shares
// the `modify` transaction helper, the audit and the access checks of this one closure.
import type { Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Environment } from '../environments/environment.js';
import { deleteForeignPopulationMemberships } from '../groups/groups.repository.js';
import { effectiveGroupsOfUser } from '../groups/nesting.repository.js';
import {
  countUsersInPopulation,
  findDefaultPopulation,
  findPopulation,
} from '../populations/populations.repository.js';
import type { PopulationWithCount } from '../populations/populations.service.js';
import type { Clock } from '../shared/clock.js';
import { conflict, invalidValue, notFound, uniquenessViolation, type ErrorDetail } from '../shared/errors.js';
import { recordActivity, recordingActivity } from '../activities/activities.repository.js';
import type { ActivityInput } from '../activities/activity.js';
import { listAttributesStep } from '../schemas/schemas.repository.js';
import type { SchemaAttribute } from '../schemas/schema.js';
import { inOneTrip } from '../../db/prepared.js';
import { newUserRecord, nextProfile, required, userResource, type UserActivity } from './user-writes.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { ImportedPassword, ImportedPasswordWriter, NewUser, User, UserChanges } from './user.js';
import { authorizeUser } from './user-access.js';
import { WarmUsers, type UserRead } from './warm-users.js';
import { createUserLister } from './user-lister.js';
import { checkEmail, checkUsername } from './user-profile.js';
import {
  deleteMembershipsOfUser,
  deleteUser,
  findUser,
  findUserWithLockout,
  insertUser,
  lockedUserWithLockoutStep,
  updateUserStep,
} from './users.repository.js';

/*
 * Over 300 lines: every user write (create, PUT, PATCH, state changes, population moves, delete)
 * shares the one optimistic, row-locked `modify` loop and the profile validation kept here.
 */

export interface UsersServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  /** Resolved lazily: the passwords feature is composed after this service (it reads users). */
  readonly passwords?: () => ImportedPasswordWriter;
  /** How long a list's count may be reused (Config.accessCacheMs; user-lister.ts). */
  readonly cacheMs?: number;
}

export type UsersService = ReturnType<typeof createUsersService>;

export { USER_PAGE_CAP } from './user-lister.js';

export { authorizeUser } from './user-access.js';

export interface ModifyOptions {
  /** The locked read also tells whether the user's password is locked out. */
  readonly readLockout?: boolean;
  /** With `readLockout`: the environment's schema attributes are read in the same round trip. */
  readonly readAttributes?: boolean;
  /** An activity about the saved user, recorded with its UPDATE (see `write`). */
  readonly audit?: { readonly actor: Actor; readonly activity: UserActivity };
}

/** Thrown when a row changed between read and write; `modify` retries on fresh data. */
class RevisionConflict extends Error {}
const MAX_ATTEMPTS = 5;

export function createUsersService(deps: UsersServiceDeps) {
  const { store, clock, environments, passwords } = deps;
  const warm = WarmUsers.forStore(store);
  const list = createUserLister({ store, clock, environments, cacheMs: deps.cacheMs ?? 0 });
  const auditInput = (actor: Actor, user: User, activity: UserActivity): ActivityInput => ({
    environmentId: user.environmentId,
    type: activity.type,
    actor,
    resources: [userResource(user)],
    description: activity.description?.(user),
  });
  const audit = (trx: Db, actor: Actor, user: User, activity: UserActivity) =>
    recordActivity(trx, clock.now(), auditInput(actor, user, activity));

  /** Loads a user of the environment or throws 404. */
  async function requireUser(db: Db, environmentId: string, id: string, forUpdate = false): Promise<User> {
    const user = await findUser(db, environmentId, id, { forUpdate });
    if (!user) throw notFound();
    return user;
  }

  /** Inserts a user inside a transaction, without authorization (callers check it). */
  async function insertWithin(trx: Db, env: Environment, input: NewUser): Promise<User> {
    const population = input.populationId
      ? await findPopulation(trx, env.id, input.populationId)
      : await findDefaultPopulation(trx, env.id);
    if (!population)
      throw invalidValue('population.id', 'The population does not exist in this environment.');
    const user = newUserRecord(env, population.id, input, clock.now());
    try {
      await insertUser(trx, user);
    } catch (error) {
      if (store.dialect.isUniqueViolation(error, 'users_username_unique'))
        throw uniquenessViolation('username');
      if (store.dialect.isUniqueViolation(error))
        throw invalidValue('id', 'A user with this id already exists.');
      throw error;
    }
    return user;
  }

  /**
   * Applies `change` to the freshest copy of a user inside one transaction. The row is locked on
   * PostgreSQL and the revision is checked everywhere, so concurrent writers never lose updates;
   * a writer that loses the race (e.g. to a bulk profile rewrite) starts again on fresh data.
   */
  async function modify(
    environmentId: string,
    id: string,
    change: (
      trx: Db,
      user: User,
      passwordLockedOut: boolean | undefined,
      attributes: SchemaAttribute[] | undefined,
    ) => Promise<User> | User,
    options: ModifyOptions = {},
  ): Promise<User> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.transaction(async (trx) => {
          // With `readLockout`, the locked read also tells whether the password is locked out;
          // with `readAttributes`, the environment's schema attributes come in the same trip.
          let current: User;
          let passwordLockedOut: boolean | undefined;
          let attributes: SchemaAttribute[] | undefined;
          if (options.readLockout) {
            const locked = lockedUserWithLockoutStep(trx, environmentId, id, clock.now());
            let found;
            if (options.readAttributes) {
              [found, attributes] = await inOneTrip(locked, listAttributesStep(trx, environmentId));
            } else found = await locked.run();
            if (!found) throw notFound();
            ({ user: current, passwordLockedOut } = found);
          } else current = await requireUser(trx, environmentId, id, true);
          const next = await change(trx, current, passwordLockedOut, attributes);
          const saved = { ...next, updatedAt: clock.now(), revision: current.revision + 1 };
          try {
            if (!(await write(trx, saved, current, options.audit))) throw new RevisionConflict();
          } catch (error) {
            if (store.dialect.isUniqueViolation(error, 'users_username_unique'))
              throw uniquenessViolation('username');
            throw error;
          }
          return saved;
        });
      } catch (error) {
        if (!(error instanceof RevisionConflict)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw conflict();
      }
    }
  }

  /**
   * Writes `saved` over `current` (revision check) and records `audit` about it, if given, in the
   * same transaction: on PostgreSQL the activity's statement and the UPDATE share one round trip
   * (recordingActivity, inOneTrip); elsewhere the activity is recorded first, then the UPDATE.
   */
  async function write(trx: Db, saved: User, current: User, audited?: ModifyOptions['audit']) {
    const update = updateUserStep(trx, saved, current.revision, current);
    if (!audited) return update.run();
    const now = clock.now();
    const input = auditInput(audited.actor, saved, audited.activity);
    const recording = recordingActivity(trx, now, input);
    if (!recording) {
      await recordActivity(trx, now, input);
      return update.run();
    }
    const [subscriptions, written] = await inOneTrip(recording.step, update);
    await recording.queue(subscriptions);
    return written;
  }

  /**
   * Replaces or merges a user's profile. Answers the saved user and whether its password is
   * locked out, read inside the same transaction by the statement that locks the user (a read
   * after it would wait on SQLite's one connection for the next group commit, and a statement of
   * its own costs PostgreSQL a round trip).
   */
  async function update(
    actor: Actor,
    environmentId: string,
    id: string,
    changes: UserChanges,
    mode: 'replace' | 'merge',
  ): Promise<{ user: User; passwordLockedOut: boolean }> {
    const env = await environments.require(environmentId);
    let passwordLockedOut = false;
    const user = await modify(
      environmentId,
      id,
      async (trx, current, lockedOut, attributes) => {
        authorizeUser(actor, 'dir:update:user', env, current.populationId);
        const details: ErrorDetail[] = [];
        let { username, email } = current;
        if (mode === 'replace' || changes.username !== undefined) {
          if (changes.username === null || changes.username === undefined) details.push(required('username'));
          else {
            const problem = checkUsername(changes.username);
            if (problem) details.push(problem);
            username = changes.username;
          }
        }
        if (mode === 'replace' || changes.email !== undefined) {
          email = changes.email ?? undefined;
          const problem = email === undefined ? undefined : checkEmail(email);
          if (problem) details.push(problem);
        }
        const profile = await nextProfile(
          trx,
          store.dialect,
          env,
          id,
          current.profile,
          changes.profile,
          mode,
          details,
          attributes,
        );
        passwordLockedOut = lockedOut === true;
        // Recorded by `modify` with the UPDATE (USER.UPDATED describes the saved user).
        return { ...current, username, email, profile };
      },
      { readLockout: true, readAttributes: true, audit: { actor, activity: { type: 'USER.UPDATED' } } },
    );
    return { user, passwordLockedOut };
  }

  /** Changes server-managed state of a user the caller may update (enabled, lock, MFA...). */
  async function change(
    actor: Actor,
    environmentId: string,
    id: string,
    apply: (user: User) => User,
    activity: UserActivity,
  ): Promise<User> {
    const env = await environments.require(environmentId);
    return modify(environmentId, id, async (trx, current) => {
      authorizeUser(actor, 'dir:update:user', env, current.populationId);
      const next = apply(current);
      await audit(trx, actor, next, activity);
      return next;
    });
  }

  return {
    requireUser,

    /** Loads a user and checks `permission` on it (scoped by its population), or throws 404/403. */
    requireAuthorized: async (
      actor: Actor,
      environmentId: string,
      userId: string,
      permission: string,
      db: Db = store.db,
    ) => {
      const env = await environments.require(environmentId, db);
      const user = await requireUser(db, environmentId, userId);
      authorizeUser(actor, permission, env, user.populationId);
      return user;
    },
    insertWithin,
    modify,

    async get(actor: Actor, environmentId: string, id: string): Promise<User> {
      const env = await environments.require(environmentId);
      const user = await requireUser(store.db, environmentId, id);
      authorizeUser(actor, 'dir:read:user', env, user.populationId);
      return user;
    },

    /** `get` and the password lockout in one statement, or from warm users (warm-users.ts). */
    async getWithLockout(actor: Actor, environmentId: string, id: string): Promise<UserRead> {
      const env = await environments.require(environmentId);
      const now = clock.now();
      const found = warm
        ? (warm.peek(environmentId, id, now) ?? (await warm.load(environmentId, id, now)))
        : await findUserWithLockout(store.db, environmentId, id, now).then(
            (cold) => cold && { ...cold, warm: false },
          );
      if (!found) throw notFound();
      authorizeUser(actor, 'dir:read:user', env, found.user.populationId);
      return found;
    },

    /**
     * `getWithLockout` without a promise when it can answer from memory alone: the environment
     * cached and the user warm (SQLite); undefined otherwise, and the caller awaits
     * `getWithLockout`. The same checks, in the same order, authorization included.
     */
    peekWithLockout(actor: Actor, environmentId: string, id: string): UserRead | undefined {
      const env = warm && environments.cached(environmentId);
      if (!env) return undefined;
      const found = warm.peek(environmentId, id, clock.now());
      if (!found) return undefined;
      authorizeUser(actor, 'dir:read:user', env, found.user.populationId);
      return found;
    },

    /** The groups (direct and through nesting) of a user already authorized for reading. */
    groupsOf: (user: User) => effectiveGroupsOfUser(store.db, user.id),

    /** The population of a user already authorized for reading (`expand=population`). */
    async populationOf(user: User): Promise<PopulationWithCount> {
      const population = await findPopulation(store.db, user.environmentId, user.populationId);
      if (!population) throw notFound();
      return { ...population, userCount: await countUsersInPopulation(store.db, population.id) };
    },

    /** One page of the users the caller may read (user-lister.ts). */
    list,

    /** Creates a user; with `password` (an import), the user and its password commit together. */
    async create(
      actor: Actor,
      environmentId: string,
      input: NewUser,
      options: { password?: ImportedPassword | undefined } = {},
    ): Promise<User> {
      const env = await environments.require(environmentId);
      return store.transaction(async (trx) => {
        const population = input.populationId ?? (await findDefaultPopulation(trx, env.id))?.id;
        authorizeUser(actor, 'dir:create:user', env, population ?? '');
        const details: ErrorDetail[] = [];
        const usernameProblem = checkUsername(input.username);
        if (usernameProblem) details.push(usernameProblem);
        const emailProblem = input.email === undefined ? undefined : checkEmail(input.email);
        if (emailProblem) details.push(emailProblem);
        const profile = await nextProfile(
          trx,
          store.dialect,
          env,
          '',
          {},
          input.profile ?? {},
          'replace',
          details,
        );
        const user = await insertWithin(trx, env, { ...input, profile });
        await audit(trx, actor, user, { type: 'USER.CREATED' });
        if (options.password) {
          const writer = passwords?.();
          if (!writer) throw new Error('users service composed without the passwords feature');
          await writer.importWithin(trx, env, user, options.password);
        }
        return user;
      });
    },

    replaceWithLockout: (actor: Actor, environmentId: string, id: string, changes: UserChanges) =>
      update(actor, environmentId, id, changes, 'replace'),

    patchWithLockout: (actor: Actor, environmentId: string, id: string, changes: UserChanges) =>
      update(actor, environmentId, id, changes, 'merge'),

    setEnabled: (actor: Actor, environmentId: string, id: string, enabled: boolean) =>
      change(actor, environmentId, id, (user) => ({ ...user, enabled }), {
        type: 'USER.UPDATED',
        description: (user) => `Updated enabled for User ${user.username}`,
      }),

    setMfaEnabled: (actor: Actor, environmentId: string, id: string, mfaEnabled: boolean) =>
      change(actor, environmentId, id, (user) => ({ ...user, mfaEnabled }), {
        type: 'USER.UPDATED',
        description: (user) => `Updated mfaEnabled for User ${user.username}`,
      }),

    /** Locks the account, until `unlockAt` when given (it must be in the future). */
    lock(actor: Actor, environmentId: string, id: string, unlockAt?: number): Promise<User> {
      const now = clock.now();
      if (unlockAt !== undefined && unlockAt <= now) throw invalidValue('unlockAt', 'must be in the future');
      return change(
        actor,
        environmentId,
        id,
        (user) => ({ ...user, account: { locked: true, lockedAt: now, unlockAt } }),
        { type: 'USER.LOCKED' },
      );
    },

    unlock: (actor: Actor, environmentId: string, id: string) =>
      change(actor, environmentId, id, (user) => ({ ...user, account: { locked: false } }), {
        type: 'USER.UNLOCKED',
      }),

    /**
     * Moves a user to another population: the caller must be allowed to update users in both.
     * Memberships of population groups of the old population end with the move.
     */
    async setPopulation(
      actor: Actor,
      environmentId: string,
      id: string,
      populationId: string,
    ): Promise<User> {
      const env = await environments.require(environmentId);
      return modify(environmentId, id, async (trx, current) => {
        authorizeUser(actor, 'dir:update:user', env, current.populationId);
        if (!(await findPopulation(trx, env.id, populationId))) {
          throw invalidValue('id', 'The population does not exist in this environment.');
        }
        authorizeUser(actor, 'dir:update:user', env, populationId);
        if (populationId !== current.populationId)
          await deleteForeignPopulationMemberships(trx, id, populationId);
        const moved = { ...current, populationId };
        await audit(trx, actor, moved, {
          type: 'USER.MOVED',
          description: (user) => `Moved User ${user.username} to population ${populationId}`,
        });
        return moved;
      });
    },

    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      const env = await environments.require(environmentId);
      await store.transaction(async (trx) => {
        const user = await requireUser(trx, environmentId, id, true);
        authorizeUser(actor, 'dir:delete:user', env, user.populationId);
        await deleteMembershipsOfUser(trx, id);
        await deleteUser(trx, id);
        await audit(trx, actor, user, { type: 'USER.DELETED' });
      });
    },
  };
}
