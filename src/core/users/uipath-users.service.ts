import type { Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Environment } from '../environments/environment.js';
import {
  deleteMembership,
  findGroup,
  insertMembership,
  membershipExists,
} from '../groups/groups.repository.js';
import type { Clock } from '../shared/clock.js';
import {
  DomainError,
  forbidden,
  invalidData,
  invalidValue,
  MESSAGES,
  type ErrorDetail,
} from '../shared/errors.js';
import type { JsonObject } from '../shared/json.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import {
  DEFAULT_UIPATH_ATTRIBUTES,
  emailTaken,
  findAttributes,
  groupIdsOf,
  listUsersPage,
  lockUiPathWrites,
  nextLegacyId,
  upsertAttributes,
  usernameTaken,
  type SortField,
  type UiPathAttributes,
} from './uipath-attributes.repository.js';
import { environmentIdsNamed, environmentOfApplication } from './uipath-lookup.repository.js';
import type { User } from './user.js';
import { checkEmail, checkUsername } from './user-profile.js';
import { deleteMembershipsOfUser, deleteUser, findUser } from './users.repository.js';
import type { UsersService } from './users.service.js';

/** A user as the UiPath face sees it: the shared user, its UiPath-only attributes and its groups. */
export interface DirectoryUser {
  readonly user: User;
  readonly attributes: UiPathAttributes;
  readonly groupIds: readonly string[];
}

export interface PersonName {
  readonly given?: string | undefined;
  readonly family?: string | undefined;
  readonly formatted?: string | undefined;
}

export interface UiPathNewUser {
  readonly id?: string | undefined;
  readonly username: string;
  readonly email?: string | undefined;
  readonly name: PersonName;
  readonly userType?: number | undefined;
  readonly bypassBasicAuthRestriction?: boolean | undefined;
  readonly legacyId?: number | undefined;
  readonly invitationAccepted?: boolean | undefined;
}

/** A partial change: undefined means "leave as is". */
export interface UiPathUserChange {
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
}

export type ScopeAccess = 'read' | 'write';

/** The scopes that allow each kind of access (UiPath: `PM.User` or the narrower one). */
export const USER_SCOPES: Record<ScopeAccess, readonly [string, string]> = {
  read: ['PM.User', 'PM.User.Read'],
  write: ['PM.User', 'PM.User.Write'],
};

/** Hook run inside the creating transaction, e.g. to set the new user's password. */
export type AfterInsert = (trx: Db, user: User, index: number) => Promise<void>;

export interface UiPathUsersDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly users: UsersService;
}

export type UiPathUsersService = ReturnType<typeof createUiPathUsersService>;

/** The PingOne face's rules for user names and emails hold for UiPath users too (one directory). */
const invalid = (
  target: 'username' | 'email',
  value: string,
  problem: ErrorDetail | undefined,
): ErrorDetail[] =>
  problem ? [{ code: 'INVALID_VALUE', target, message: problem.message, innerError: { value } }] : [];

const duplicate = (target: 'username' | 'email', value: string): ErrorDetail => ({
  code: 'UNIQUENESS_VIOLATION',
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

/**
 * The UiPath Identity user operations over the shared directory. Callers are applications
 * authorized by OAuth scopes (`PM.User*`) in their own environment, the UiPath organization.
 */
export function createUiPathUsersService({ store, clock, environments, users }: UiPathUsersDeps) {
  /** Checks the token's environment and scopes; throws 403 with the scope facts for the face. */
  function authorizeScopes(actor: Actor, env: Environment, access: ScopeAccess): void {
    if (actor.environmentId !== env.id) throw forbidden();
    const allowed = USER_SCOPES[access];
    if (!actor.scopes.some((s) => allowed.includes(s))) {
      throw new DomainError(
        'forbidden',
        MESSAGES.accessFailed,
        [{ code: 'INSUFFICIENT_SCOPE', message: `Requires ${allowed.join(' or ')}.` }],
        { grantedScopes: [...actor.scopes], expectedScopes: [...allowed] },
      );
    }
  }

  async function environmentFor(
    actor: Actor,
    environmentId: string,
    access: ScopeAccess,
  ): Promise<Environment> {
    const env = await environments.require(environmentId);
    authorizeScopes(actor, env, access);
    return env;
  }

  async function hydrate(db: Db, list: readonly User[]): Promise<DirectoryUser[]> {
    const ids = list.map((u) => u.id);
    const [attributes, groups] = await Promise.all([findAttributes(db, ids), groupIdsOf(db, ids)]);
    return list.map((user) => ({
      user,
      attributes: attributes.get(user.id) ?? DEFAULT_UIPATH_ATTRIBUTES,
      groupIds: groups.get(user.id) ?? [],
    }));
  }

  /** Adds memberships with the groups feature's repository and its rule: a population group holds only its population. */
  async function addToGroups(
    trx: Db,
    env: Environment,
    user: User,
    groupIds: readonly string[],
  ): Promise<void> {
    for (const groupId of new Set(groupIds.map((g) => g.toLowerCase()))) {
      const group = await findGroup(trx, env.id, groupId);
      if (!group) throw invalidValue('groupIDs', 'A group does not exist in this organization.');
      if (group.populationId !== undefined && group.populationId !== user.populationId) {
        throw invalidValue(
          'groupIDs',
          "A population group can only contain users of the group's population.",
        );
      }
      if (!(await membershipExists(trx, groupId, user.id)))
        await insertMembership(trx, groupId, user.id, clock.now());
    }
  }

  async function removeFromGroups(trx: Db, userId: string, groupIds: readonly string[]): Promise<void> {
    for (const groupId of new Set(groupIds.map((g) => g.toLowerCase())))
      await deleteMembership(trx, groupId, userId);
  }

  return {
    authorizeScopes,

    /**
     * The environments an organization name in a URL can denote: an environment id, else the
     * environment name compared case-insensitively (several when names repeat across organizations).
     */
    environmentsNamed: (name: string): Promise<string[]> => environmentIdsNamed(store.db, name),

    /** The environment of an application, for token requests that name no organization. */
    environmentOfApplication: (clientId: string): Promise<string | undefined> =>
      environmentOfApplication(store.db, clientId),

    async get(actor: Actor, environmentId: string, id: string): Promise<DirectoryUser> {
      await environmentFor(actor, environmentId, 'read');
      const user = await users.requireUser(store.db, environmentId, id);
      return (await hydrate(store.db, [user]))[0]!;
    },

    async list(
      actor: Actor,
      environmentId: string,
      query: {
        searchTerm?: string | undefined;
        sortBy: SortField;
        descending: boolean;
        skip: number;
        top: number;
      },
    ): Promise<{ total: number; items: DirectoryUser[] }> {
      await environmentFor(actor, environmentId, 'read');
      const page = await listUsersPage(store.db, store.dialect, { environmentId, ...query });
      return { total: page.total, items: await hydrate(store.db, page.users) };
    },

    /**
     * Creates every user or none (one transaction). All name and email conflicts, with the
     * directory and within the batch, are reported together.
     */
    async createMany(
      actor: Actor,
      environmentId: string,
      inputs: readonly UiPathNewUser[],
      options: { groupIds?: readonly string[] | undefined; afterInsert?: AfterInsert | undefined } = {},
    ): Promise<DirectoryUser[]> {
      const env = await environmentFor(actor, environmentId, 'write');
      return store.transaction(async (trx) => {
        await lockUiPathWrites(trx, env.id);
        const problems: ErrorDetail[] = [];
        const names = new Set<string>();
        const emails = new Set<string>();
        for (const input of inputs) {
          problems.push(...invalid('username', input.username, checkUsername(input.username)));
          if (input.email) problems.push(...invalid('email', input.email, checkEmail(input.email)));
          const name = input.username.toLowerCase();
          if (names.has(name) || (await usernameTaken(trx, env.id, input.username))) {
            problems.push(duplicate('username', input.username));
          }
          names.add(name);
          if (input.email) {
            const email = input.email.toLowerCase();
            if (emails.has(email) || (await emailTaken(trx, env.id, input.email)))
              problems.push(duplicate('email', input.email));
            emails.add(email);
          }
        }
        if (problems.length > 0) throw invalidData(problems);
        let legacy = await nextLegacyId(trx, env.id);
        const created: User[] = [];
        for (const [index, input] of inputs.entries()) {
          if (input.id !== undefined && (await findUser(trx, env.id, input.id))) {
            throw invalidValue('id', 'A user with this id already exists.');
          }
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
            if (error instanceof DomainError && error.details[0]?.code === 'UNIQUENESS_VIOLATION') {
              throw invalidData([duplicate('username', input.username)]);
            }
            throw error;
          }
          await upsertAttributes(trx, env.id, user.id, {
            legacyId: input.legacyId ?? legacy++,
            userType: input.userType ?? 0,
            bypassBasicAuthRestriction: input.bypassBasicAuthRestriction ?? false,
            invitationAccepted: input.invitationAccepted ?? false,
            extensionAttributes: {},
          });
          await addToGroups(trx, env, user, options.groupIds ?? []);
          if (options.afterInsert) await options.afterInsert(trx, user, index);
          created.push(user);
        }
        return hydrate(trx, created);
      });
    },

    /** Applies a partial UiPath update in one transaction (user, attributes, groups). */
    async update(
      actor: Actor,
      environmentId: string,
      id: string,
      change: UiPathUserChange,
      afterChange?: (trx: Db, user: User) => Promise<void>,
    ): Promise<DirectoryUser> {
      const env = await environmentFor(actor, environmentId, 'write');
      const saved = await users.modify(env.id, id, async (trx, user) => {
        await lockUiPathWrites(trx, env.id);
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
        const current = (await findAttributes(trx, [user.id])).get(user.id) ?? DEFAULT_UIPATH_ATTRIBUTES;
        const extensions: Record<string, string> = {
          ...current.extensionAttributes,
          ...(change.extensionSet ?? {}),
        };
        for (const key of change.extensionRemove ?? []) delete extensions[key];
        const attributes: UiPathAttributes = {
          legacyId:
            current === DEFAULT_UIPATH_ATTRIBUTES ? await nextLegacyId(trx, env.id) : current.legacyId,
          userType: current.userType,
          bypassBasicAuthRestriction: change.bypassBasicAuthRestriction ?? current.bypassBasicAuthRestriction,
          invitationAccepted: change.invitationAccepted ?? current.invitationAccepted,
          extensionAttributes: extensions,
        };
        await upsertAttributes(trx, env.id, user.id, attributes);
        await removeFromGroups(trx, user.id, change.groupsToRemove ?? []);
        await addToGroups(trx, env, user, change.groupsToAdd ?? []);
        const next: User = {
          ...user,
          email,
          enabled: change.enabled ?? user.enabled,
          profile: withName(user.profile, change.name),
        };
        if (afterChange) await afterChange(trx, next);
        return next;
      });
      return (await hydrate(store.db, [await users.requireUser(store.db, env.id, saved.id)]))[0]!;
    },

    /** Deletes one user (404 when unknown). */
    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      const env = await environmentFor(actor, environmentId, 'write');
      await store.transaction(async (trx) => {
        await users.requireUser(trx, env.id, id, true);
        await deleteMembershipsOfUser(trx, id);
        await deleteUser(trx, id);
      });
    },

    /** Deletes every listed user of the environment in one transaction; unknown ids are skipped. */
    async deleteMany(actor: Actor, environmentId: string, ids: readonly string[]): Promise<void> {
      const env = await environmentFor(actor, environmentId, 'write');
      await store.transaction(async (trx) => {
        for (const id of new Set(ids.map((i) => i.toLowerCase()))) {
          if (!(await findUser(trx, env.id, id, { forUpdate: true }))) continue;
          await deleteMembershipsOfUser(trx, id);
          await deleteUser(trx, id);
        }
      });
    },
  };
}
