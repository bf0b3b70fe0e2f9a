// Over 300 lines: the directory is one service (users with attributes, groups and passwords in
// one transaction); its operations share the closures above them.
import { authorize, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Environment } from '../environments/environment.js';
import type { GroupsService } from '../groups/groups.service.js';
import { groupIdsOfUsers } from '../groups/groups.repository.js';
import type { PasswordsService } from '../passwords/passwords.service.js';
import { hasReason, invalidData, invalidValue, type ErrorDetail } from '../shared/errors.js';
import type { JsonObject } from '../shared/json.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import {
  DEFAULT_USER_ATTRIBUTES,
  findAttributes,
  listDirectoryPage,
  lockDirectoryWrites,
  nextLegacyId,
  upsertAttributes,
  type DirectorySortKey,
  type UserAttributes,
} from './user-attributes.repository.js';
import type { User } from './user.js';
import { checkEmail, checkUsername } from './user-profile.js';
import {
  deleteMembershipsOfUser,
  deleteUser,
  emailTaken,
  findUser,
  usernameTaken,
} from './users.repository.js';
import type { UsersService } from './users.service.js';

/*
 * Over 300 lines: the directory's batch create and partial update each check names, emails,
 * attributes, groups and passwords in one transaction, and read best in one place.
 */

/** A user with its extended attributes and its groups. */
export interface DirectoryUser {
  readonly user: User;
  readonly attributes: UserAttributes;
  readonly groupIds: readonly string[];
}

export interface PersonName {
  readonly given?: string | undefined;
  readonly family?: string | undefined;
  readonly formatted?: string | undefined;
}

/** A first password given with a new user: pre-encoded, or cleartext checked against the policy when asked. */
export interface InitialPassword {
  readonly value: string;
  readonly checkPolicy: boolean;
}

export interface NewDirectoryUser {
  readonly id?: string | undefined;
  readonly username: string;
  readonly email?: string | undefined;
  readonly name: PersonName;
  readonly userType?: number | undefined;
  readonly bypassBasicAuthRestriction?: boolean | undefined;
  readonly legacyId?: number | undefined;
  readonly invitationAccepted?: boolean | undefined;
  readonly password?: InitialPassword | undefined;
}

/** A partial change: undefined means "leave as is". */
export interface DirectoryUserChange {
  readonly name?: PersonName | undefined;
  /** '' removes the email. */
  readonly email?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly bypassBasicAuthRestriction?: boolean | undefined;
  readonly invitationAccepted?: boolean | undefined;
  readonly extensionSet?: Readonly<Record<string, string>> | undefined;
  readonly extensionRemove?: readonly string[] | undefined;
  readonly groupsToAdd?: readonly string[] | undefined;
  readonly groupsToRemove?: readonly string[] | undefined;
  /** An administrator set of the password (the policy applies), in the same transaction. */
  readonly password?: string | undefined;
}

export interface DirectoryPageRequest {
  readonly searchTerm?: string | undefined;
  readonly sortBy: DirectorySortKey;
  readonly descending: boolean;
  readonly skip: number;
  readonly top: number;
}

export interface DirectoryDeps {
  readonly store: Store;
  readonly environments: EnvironmentsService;
  readonly users: UsersService;
  readonly groups: GroupsService;
  readonly passwords: PasswordsService;
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;

const READ = 'dir:read:user';
const CREATE = 'dir:create:user';
const UPDATE = 'dir:update:user';
const DELETE = 'dir:delete:user';
const UPDATE_PASSWORD = 'dir:update:userPassword';

/** The directory's rules for user names and emails are the users feature's (one directory). */
const invalid = (
  target: 'username' | 'email',
  value: string,
  problem: ErrorDetail | undefined,
): ErrorDetail[] =>
  problem ? [{ code: 'invalid_value', target, message: problem.message, innerError: { value } }] : [];

const duplicate = (target: 'username' | 'email', value: string): ErrorDetail => ({
  code: 'not_unique',
  target,
  message: 'is unique but a non-unique value is provided',
  innerError: { value },
});

const withName = (profile: JsonObject, name: PersonName | undefined): JsonObject => {
  if (!name) return profile;
  const current =
    typeof profile.name === 'object' && profile.name !== null && !Array.isArray(profile.name)
      ? profile.name
      : {};
  const next: JsonObject = { ...current };
  for (const [key, value] of [
    ['given', name.given],
    ['family', name.family],
    ['formatted', name.formatted],
  ] as const) {
    if (value === undefined) continue;
    if (value === '') delete next[key];
    else next[key] = value;
  }
  const { name: _old, ...rest } = profile;
  return Object.keys(next).length > 0 ? { ...rest, name: next } : rest;
};

const distinctIds = (ids: readonly string[]) => [...new Set(ids.map((id) => id.toLowerCase()))];

/**
 * Directory operations over the users: offset-paged search, batch creation (all or none), partial
 * updates of a user with its extended attributes, groups and password in one transaction. Callers
 * are authorized with `authorize()` in the environment (role grants or OAuth scopes).
 */
export function createDirectoryService({ store, environments, users, groups, passwords }: DirectoryDeps) {
  /** Password work for the actor: once its connection closes, its queued hashing is dropped. */
  const passwordsFor = (actor: Actor) => passwords.on(actor.connection);
  async function environmentFor(
    actor: Actor,
    environmentId: string,
    ...permissions: string[]
  ): Promise<Environment> {
    const env = await environments.require(environmentId);
    for (const permission of permissions)
      authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
    return env;
  }

  async function hydrate(db: Db, list: readonly User[]): Promise<DirectoryUser[]> {
    const ids = list.map((u) => u.id);
    const [attributes, groupIds] = await Promise.all([findAttributes(db, ids), groupIdsOfUsers(db, ids)]);
    return list.map((user) => ({
      user,
      attributes: attributes.get(user.id) ?? DEFAULT_USER_ATTRIBUTES,
      groupIds: groupIds.get(user.id) ?? [],
    }));
  }

  /** Adds memberships under the groups feature's rule (one rule, and activity, for every face). */
  async function addToGroups(trx: Db, actor: Actor, env: Environment, user: User, ids: readonly string[]) {
    for (const groupId of distinctIds(ids)) {
      const joined = await groups.joinWithin(trx, actor, env, user, groupId);
      if (joined.refused === 'unknown_group')
        throw invalidValue('groupIDs', 'A group does not exist in this organization.');
      if (joined.refused === 'foreign_population') {
        throw invalidValue(
          'groupIDs',
          "A population group can only contain users of the group's population.",
        );
      }
    }
  }

  /** Problems of a batch: invalid names and emails, and conflicts with the directory and within the batch. */
  async function batchProblems(trx: Db, env: Environment, inputs: readonly NewDirectoryUser[]) {
    const problems: ErrorDetail[] = [];
    const names = new Set<string>();
    const emails = new Set<string>();
    for (const input of inputs) {
      problems.push(...invalid('username', input.username, checkUsername(input.username)));
      if (input.email) problems.push(...invalid('email', input.email, checkEmail(input.email)));
      const name = input.username.toLowerCase();
      if (names.has(name) || (await usernameTaken(trx, env.id, input.username)))
        problems.push(duplicate('username', input.username));
      names.add(name);
      if (input.email) {
        const email = input.email.toLowerCase();
        if (emails.has(email) || (await emailTaken(trx, env.id, input.email)))
          problems.push(duplicate('email', input.email));
        emails.add(email);
      }
    }
    return problems;
  }

  async function insertOne(trx: Db, env: Environment, input: NewDirectoryUser, legacyId: number) {
    if (input.id !== undefined && (await findUser(trx, env.id, input.id)))
      throw invalidValue('id', 'A user with this id already exists.');
    let user: User;
    try {
      user = await users.insertWithin(trx, env, {
        id: input.id,
        username: input.username,
        email: input.email || undefined,
        profile: withName({}, input.name),
      });
    } catch (error) {
      // A concurrent writer took the name between the check and the insert.
      if (hasReason(error, 'uniqueness')) throw invalidData([duplicate('username', input.username)]);
      throw error;
    }
    await upsertAttributes(trx, env.id, user.id, {
      legacyId,
      userType: input.userType ?? 0,
      bypassBasicAuthRestriction: input.bypassBasicAuthRestriction ?? false,
      invitationAccepted: input.invitationAccepted ?? false,
      extensionAttributes: {},
    });
    return user;
  }

  return {
    async get(actor: Actor, environmentId: string, id: string): Promise<DirectoryUser> {
      await environmentFor(actor, environmentId, READ);
      const user = await users.requireUser(store.db, environmentId, id);
      return (await hydrate(store.db, [user]))[0]!;
    },

    async list(
      actor: Actor,
      environmentId: string,
      query: DirectoryPageRequest,
    ): Promise<{ total: number; items: DirectoryUser[] }> {
      await environmentFor(actor, environmentId, READ);
      const page = await listDirectoryPage(store.db, store.dialect, { environmentId, ...query });
      return { total: page.total, items: await hydrate(store.db, page.users) };
    },

    /**
     * Creates every user, with its groups and first password, or none (one transaction). All name
     * and email conflicts, with the directory and within the batch, are reported together.
     */
    async createMany(
      actor: Actor,
      environmentId: string,
      inputs: readonly NewDirectoryUser[],
      options: { groupIds?: readonly string[] | undefined } = {},
    ): Promise<DirectoryUser[]> {
      const env = await environmentFor(actor, environmentId, CREATE);
      // First passwords are hashed for this caller: if it goes, its queued hashing is dropped.
      const callerPasswords = passwordsFor(actor);
      return store.transaction(async (trx) => {
        await lockDirectoryWrites(trx, env.id);
        const problems = await batchProblems(trx, env, inputs);
        if (problems.length > 0) throw invalidData(problems);
        let legacy = await nextLegacyId(trx, env.id);
        const created: User[] = [];
        for (const input of inputs) {
          const user = await insertOne(trx, env, input, input.legacyId ?? legacy++);
          await addToGroups(trx, actor, env, user, options.groupIds ?? []);
          if (input.password) {
            await callerPasswords.importWithin(trx, env, user, {
              value: input.password.value,
              bypassPolicy: !input.password.checkPolicy,
            });
          }
          created.push(user);
        }
        return hydrate(trx, created);
      });
    },

    /**
     * Applies a partial update in one transaction: user, attributes, groups and password change
     * together or not at all. A new password is checked and hashed first (a refused one leaves
     * the user unchanged).
     */
    async update(
      actor: Actor,
      environmentId: string,
      id: string,
      change: DirectoryUserChange,
    ): Promise<DirectoryUser> {
      const permissions = change.password === undefined ? [UPDATE] : [UPDATE, UPDATE_PASSWORD];
      const env = await environmentFor(actor, environmentId, ...permissions);
      const password = change.password;
      const writePassword =
        password === undefined ? undefined : await passwordsFor(actor).prepareAdminSet(env.id, id, password);
      const saved = await users.modify(env.id, id, async (trx, user) => {
        await lockDirectoryWrites(trx, env.id);
        let email = user.email;
        if (change.email !== undefined) {
          if (change.email === '') email = undefined;
          else if (change.email.toLowerCase() !== user.email?.toLowerCase()) {
            const problem = invalid('email', change.email, checkEmail(change.email));
            if (problem.length > 0) throw invalidData(problem);
            if (await emailTaken(trx, env.id, change.email, user.id))
              throw invalidData([duplicate('email', change.email)]);
            email = change.email;
          } else email = change.email;
        }
        const current = (await findAttributes(trx, [user.id])).get(user.id) ?? DEFAULT_USER_ATTRIBUTES;
        const extensions: Record<string, string> = {
          ...current.extensionAttributes,
          ...(change.extensionSet ?? {}),
        };
        for (const key of change.extensionRemove ?? []) delete extensions[key];
        await upsertAttributes(trx, env.id, user.id, {
          legacyId: current === DEFAULT_USER_ATTRIBUTES ? await nextLegacyId(trx, env.id) : current.legacyId,
          userType: current.userType,
          bypassBasicAuthRestriction: change.bypassBasicAuthRestriction ?? current.bypassBasicAuthRestriction,
          invitationAccepted: change.invitationAccepted ?? current.invitationAccepted,
          extensionAttributes: extensions,
        });
        await groups.leaveWithin(trx, actor, env, user, distinctIds(change.groupsToRemove ?? []));
        await addToGroups(trx, actor, env, user, change.groupsToAdd ?? []);
        if (writePassword) await writePassword(trx);
        return {
          ...user,
          email,
          enabled: change.enabled ?? user.enabled,
          profile: withName(user.profile, change.name),
        };
      });
      return (await hydrate(store.db, [await users.requireUser(store.db, env.id, saved.id)]))[0]!;
    },

    /** Self-service change: the current password must match (a mismatch counts toward lockout). */
    async changePassword(
      actor: Actor,
      environmentId: string,
      id: string,
      input: { currentPassword: string; newPassword: string },
    ): Promise<void> {
      await environmentFor(actor, environmentId, UPDATE_PASSWORD);
      await passwordsFor(actor).change(environmentId, id, input);
    },

    /** Deletes one user (404 when unknown). */
    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      const env = await environmentFor(actor, environmentId, DELETE);
      await store.transaction(async (trx) => {
        await users.requireUser(trx, env.id, id, true);
        await deleteMembershipsOfUser(trx, id);
        await deleteUser(trx, id);
      });
    },

    /** Deletes every listed user of the environment in one transaction; unknown ids are skipped. */
    async deleteMany(actor: Actor, environmentId: string, ids: readonly string[]): Promise<void> {
      const env = await environmentFor(actor, environmentId, DELETE);
      await store.transaction(async (trx) => {
        for (const id of distinctIds(ids)) {
          if (!(await findUser(trx, env.id, id, { forUpdate: true }))) continue;
          await deleteMembershipsOfUser(trx, id);
          await deleteUser(trx, id);
        }
      });
    },
  };
}
