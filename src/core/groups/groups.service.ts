// Over 300 lines: group CRUD and direct membership share one set of access and population rules; splitting them would duplicate those checks.
import { sql } from 'kysely';
import { authorize, permittedPopulations, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Environment } from '../environments/environment.js';
import { findPopulation } from '../populations/populations.repository.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, requestFailed, uniquenessViolation } from '../shared/errors.js';
import { compileFilter, parseFilter } from '../shared/filter.js';
import { newId } from '../shared/ids.js';
import { toPage, type Page, type PageRequest } from '../shared/paging.js';
import { deleteRoleAssignmentsOfActor } from '../access/role-assignments.repository.js';
import { findUser } from '../users/users.repository.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { Group, GroupInput, GroupWithCount, Membership } from './group.js';
import {
  countDirectMembers,
  deleteGroup,
  deleteMembership,
  findGroup,
  insertGroup,
  insertMembership,
  listGroups,
  membershipExists,
  updateGroup,
} from './groups.repository.js';
import { countTotalMembers, effectiveGroupsOfUser } from './nesting.repository.js';
import { recordGroupActivity, recordMembershipActivity } from './group-activities.js';

/** The user a membership change is about (named in its activity). */
export interface MembershipUser {
  readonly id: string;
  readonly username?: string;
  readonly populationId: string;
}

/** What adding a user to a group did: joined (or already a member), or why it was refused. */
export type JoinOutcome =
  | { readonly group: Group; readonly refused?: undefined; readonly added: boolean }
  | { readonly refused: 'unknown_group' | 'foreign_population' };

const FILTERS = {
  id: ['eq'],
  name: ['eq', 'sw'],
  'population.id': ['eq'],
  externalId: ['eq', 'sw'],
} as const;
const COLUMNS: Record<string, string> = {
  id: 'id',
  name: 'name',
  'population.id': 'population_id',
  externalId: 'external_id',
};

export interface GroupsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
}

export type GroupsService = ReturnType<typeof createGroupsService>;

const targetOf = (env: Environment, populationId?: string) => ({
  environmentId: env.id,
  organizationId: env.organizationId,
  populationId,
});

export function createGroupsService({ store, clock, environments }: GroupsServiceDeps) {
  async function requireGroup(db: Db, environmentId: string, id: string): Promise<Group> {
    const group = await findGroup(db, environmentId, id);
    if (!group) throw notFound();
    return group;
  }

  const withCount = async (db: Db, group: Group): Promise<GroupWithCount> => ({
    ...group,
    directUserCount: await countDirectMembers(db, group.id),
  });

  async function checkPopulation(db: Db, environmentId: string, populationId: string | undefined) {
    if (populationId !== undefined && !(await findPopulation(db, environmentId, populationId))) {
      throw invalidValue('population.id', 'The population does not exist in this environment.');
    }
  }

  async function write(trx: Db, actor: Actor, group: Group, isNew: boolean): Promise<GroupWithCount> {
    await checkPopulation(trx, group.environmentId, group.populationId);
    try {
      if (isNew) await insertGroup(trx, group);
      else await updateGroup(trx, group);
    } catch (error) {
      if (store.dialect.isUniqueViolation(error)) throw uniquenessViolation('name');
      throw error;
    }
    await recordGroupActivity(trx, clock.now(), actor, group, isNew ? 'GROUP.CREATED' : 'GROUP.UPDATED');
    return withCount(trx, group);
  }

  /** Loads the user and group of a membership call and checks the caller may change the user. */
  async function membershipContext(
    trx: Db,
    actor: Actor,
    env: Environment,
    userId: string,
    permission: string,
  ) {
    const user = await findUser(trx, env.id, userId);
    if (!user) throw notFound();
    authorize(actor, permission, targetOf(env, user.populationId));
    return user;
  }

  /**
   * The membership rule, for every caller: the group must exist in the user's environment and a
   * population group holds only users of its population. Adding an existing membership again
   * succeeds (and records nothing), also when a concurrent identical request wins the race. A
   * new membership is MEMBER_OF_GROUP.CREATED by `actor` (undefined: the system), whichever face
   * asked (groups API or a directory user's group list). `inspect` sees the group before the rule applies (e.g. to
   * authorize reading it).
   */
  async function joinWithin(
    trx: Db,
    actor: Actor | undefined,
    env: Environment,
    user: MembershipUser,
    groupId: string,
    inspect?: (group: Group) => void,
  ): Promise<JoinOutcome> {
    const group = await findGroup(trx, env.id, groupId);
    if (!group) return { refused: 'unknown_group' };
    inspect?.(group);
    if (group.populationId !== undefined && group.populationId !== user.populationId)
      return { refused: 'foreign_population' };
    if (await membershipExists(trx, group.id, user.id)) return { group, added: false };
    await insertMembership(trx, group.id, user.id, clock.now());
    const change = { environmentId: env.id, group, user };
    await recordMembershipActivity(trx, clock.now(), actor, change, 'MEMBER_OF_GROUP.CREATED');
    return { group, added: true };
  }

  const membership = (
    env: Environment,
    userId: string,
    group: { id: string; name: string; direct?: boolean },
  ): Membership => ({
    userId,
    environmentId: env.id,
    groupId: group.id,
    groupName: group.name,
    type: group.direct === false ? 'INDIRECT' : 'DIRECT',
  });

  return {
    joinWithin,

    /**
     * Removes memberships inside the caller's transaction, each MEMBER_OF_GROUP.DELETED by
     * `actor`; absent ones are skipped (and record nothing).
     */
    async leaveWithin(
      trx: Db,
      actor: Actor,
      env: Environment,
      user: MembershipUser,
      groupIds: readonly string[],
    ) {
      for (const groupId of groupIds) {
        const group = await findGroup(trx, env.id, groupId);
        if (!group || !(await deleteMembership(trx, group.id, user.id))) continue;
        const change = { environmentId: env.id, group, user };
        await recordMembershipActivity(trx, clock.now(), actor, change, 'MEMBER_OF_GROUP.DELETED');
      }
    },

    async list(
      actor: Actor,
      environmentId: string,
      request: PageRequest & { filter?: string | undefined },
    ): Promise<Page<GroupWithCount>> {
      const env = await environments.require(environmentId);
      const visible = permittedPopulations(actor, 'dir:read:group', targetOf(env));
      if (visible !== 'all' && visible.length === 0) authorize(actor, 'dir:read:group', targetOf(env));
      const filter = parseFilter(request.filter, FILTERS);
      const where = filter
        ? compileFilter(filter, {
            column: (attribute) => ({ expression: sql.ref(COLUMNS[attribute]!), type: 'text' }),
          })
        : undefined;
      const rows = await listGroups(store.db, {
        environmentId,
        populationIds: visible === 'all' ? undefined : visible,
        where,
        after: request.after,
        limit: request.limit,
      });
      const page = toPage(rows, request.limit);
      return { ...page, items: await Promise.all(page.items.map((g) => withCount(store.db, g))) };
    },

    /** `includeTotal`: also `totalMemberCounts` (members through nested groups included). */
    async get(
      actor: Actor,
      environmentId: string,
      id: string,
      options: { includeTotal?: boolean } = {},
    ): Promise<GroupWithCount> {
      const env = await environments.require(environmentId);
      const group = await requireGroup(store.db, environmentId, id);
      authorize(actor, 'dir:read:group', targetOf(env, group.populationId));
      const counted = await withCount(store.db, group);
      if (!options.includeTotal) return counted;
      return { ...counted, totalUserCount: await countTotalMembers(store.db, group.id) };
    },

    async create(actor: Actor, environmentId: string, input: GroupInput): Promise<GroupWithCount> {
      const env = await environments.require(environmentId);
      authorize(actor, 'dir:create:group', targetOf(env, input.populationId));
      const now = clock.now();
      const group: Group = {
        id: newId(),
        environmentId: env.id,
        populationId: input.populationId,
        name: input.name,
        description: input.description,
        externalId: input.externalId,
        customData: input.customData,
        createdAt: now,
        updatedAt: now,
      };
      return store.transaction((trx) => write(trx, actor, group, true));
    },

    /** PUT: omitted attributes are cleared. A group cannot move to another population. */
    async replace(
      actor: Actor,
      environmentId: string,
      id: string,
      input: GroupInput,
    ): Promise<GroupWithCount> {
      const env = await environments.require(environmentId);
      return store.transaction(async (trx) => {
        const current = await requireGroup(trx, environmentId, id);
        authorize(actor, 'dir:update:group', targetOf(env, current.populationId));
        if (input.populationId !== undefined && input.populationId !== current.populationId) {
          throw invalidValue('population.id', 'The population of a group cannot be changed.');
        }
        const next: Group = {
          ...current,
          name: input.name,
          description: input.description,
          externalId: input.externalId,
          customData: input.customData,
          updatedAt: clock.now(),
        };
        return write(trx, actor, next, false);
      });
    },

    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      const env = await environments.require(environmentId);
      await store.transaction(async (trx) => {
        const group = await requireGroup(trx, environmentId, id);
        authorize(actor, 'dir:delete:group', targetOf(env, group.populationId));
        await deleteRoleAssignmentsOfActor(trx, id);
        await deleteGroup(trx, id);
        await recordGroupActivity(trx, clock.now(), actor, group, 'GROUP.DELETED');
      });
    },

    /** Adds a user to a group; adding an existing membership again succeeds (idempotent). */
    async addMember(
      actor: Actor,
      environmentId: string,
      userId: string,
      groupId: string,
    ): Promise<Membership> {
      const env = await environments.require(environmentId);
      return store.transaction(async (trx) => {
        const user = await membershipContext(trx, actor, env, userId, 'dir:update:user');
        const joined = await joinWithin(trx, actor, env, user, groupId, (group) =>
          authorize(actor, 'dir:read:group', targetOf(env, group.populationId)),
        );
        if (joined.refused !== undefined) {
          throw joined.refused === 'unknown_group'
            ? invalidValue('id', 'The group does not exist in this environment.')
            : invalidValue('id', "A population group can only contain users of the group's population.");
        }
        return membership(env, userId, joined.group);
      });
    },

    async listMemberships(actor: Actor, environmentId: string, userId: string): Promise<Membership[]> {
      const env = await environments.require(environmentId);
      await membershipContext(store.db, actor, env, userId, 'dir:read:user');
      return (await effectiveGroupsOfUser(store.db, userId)).map((g) => membership(env, userId, g));
    },

    async getMembership(
      actor: Actor,
      environmentId: string,
      userId: string,
      groupId: string,
    ): Promise<Membership> {
      const env = await environments.require(environmentId);
      await membershipContext(store.db, actor, env, userId, 'dir:read:user');
      const group = (await effectiveGroupsOfUser(store.db, userId)).find((g) => g.id === groupId);
      if (!group) throw notFound();
      return membership(env, userId, group);
    },

    async removeMember(actor: Actor, environmentId: string, userId: string, groupId: string): Promise<void> {
      const env = await environments.require(environmentId);
      await store.transaction(async (trx) => {
        const user = await membershipContext(trx, actor, env, userId, 'dir:update:user');
        const group = await findGroup(trx, env.id, groupId);
        if (group && (await deleteMembership(trx, groupId, userId))) {
          const change = { environmentId: env.id, group, user };
          await recordMembershipActivity(trx, clock.now(), actor, change, 'MEMBER_OF_GROUP.DELETED');
          return;
        }
        // Reference more §1.2: only direct members can be removed; an indirect one is named as such.
        if ((await effectiveGroupsOfUser(trx, userId)).some((g) => g.id === groupId)) {
          throw requestFailed(
            'invalid_value',
            'The user is a member of the group only through a nested group; only a direct membership can be removed.',
          );
        }
        throw notFound();
      });
    },
  };
}
