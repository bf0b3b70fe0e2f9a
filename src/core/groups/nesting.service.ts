import { authorize, type Actor } from '../access/actor.js';
import type { Environment } from '../environments/environment.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound } from '../shared/errors.js';
import { toPage, type Page, type PageRequest } from '../shared/paging.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { Group } from './group.js';
import { findGroup, findGroupsHeld } from './groups.repository.js';
import { deleteNesting, findParent, insertNesting, parentsOf } from './nesting.repository.js';
import { recordNestingActivity } from './group-activities.js';

/** "The child group is a member of this parent group" (PingOne's GroupNesting). */
export interface GroupNesting {
  readonly environmentId: string;
  readonly childId: string;
  readonly parentId: string;
  readonly parentName: string;
  /** Always DIRECT: an edge is added explicitly. Transitive parents are not listed here. */
  readonly type: 'DIRECT';
}

export interface GroupNestingServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
}

export type GroupNestingService = ReturnType<typeof createGroupNestingService>;

const targetOf = (env: Environment, group: Group) => ({
  environmentId: env.id,
  organizationId: env.organizationId,
  populationId: group.populationId,
});

/**
 * Nested groups (reference more §1.3–1.4): `/groups/{child}/memberOfGroups`. The URL group is the
 * child: its members become members of the parent. Cycles are allowed (membership is resolved by
 * a walk with a visited set, see nesting.repository.ts).
 */
export function createGroupNestingService({ store, clock, environments }: GroupNestingServiceDeps) {
  async function requireChild(db: Db, actor: Actor, env: Environment, childId: string, permission: string) {
    const child = await findGroup(db, env.id, childId);
    if (!child) throw notFound();
    authorize(actor, permission, targetOf(env, child));
    return child;
  }

  const nesting = (
    env: Environment,
    childId: string,
    parent: { id: string; name: string },
  ): GroupNesting => ({
    environmentId: env.id,
    childId,
    parentId: parent.id,
    parentName: parent.name,
    type: 'DIRECT',
  });

  return {
    async listParents(
      actor: Actor,
      environmentId: string,
      childId: string,
      request: PageRequest,
    ): Promise<Page<GroupNesting>> {
      const env = await environments.require(environmentId);
      await requireChild(store.db, actor, env, childId, 'dir:read:group');
      const rows = await parentsOf(store.db, childId, { after: request.after, limit: request.limit });
      const page = toPage(rows, request.limit);
      return { ...page, items: page.items.map((parent) => nesting(env, childId, parent)) };
    },

    async getParent(
      actor: Actor,
      environmentId: string,
      childId: string,
      parentId: string,
    ): Promise<GroupNesting> {
      const env = await environments.require(environmentId);
      await requireChild(store.db, actor, env, childId, 'dir:read:group');
      const parent = await findParent(store.db, childId, parentId);
      if (!parent) throw notFound();
      return nesting(env, childId, parent);
    },

    /**
     * Nests the child in the parent. Refused: an unknown parent, the group itself, an
     * environment-level group into a population group (reference §1.4), a population group into
     * another population's group (its members could never join that group directly), and an
     * existing edge (reference's guess: 400). Both groups are held against deletion until the edge is
     * written; a group deleted afterwards takes its edges with it (ON DELETE CASCADE).
     */
    async nest(
      actor: Actor,
      environmentId: string,
      childId: string,
      parentId: string,
    ): Promise<GroupNesting> {
      const env = await environments.require(environmentId);
      return store.transaction(async (trx) => {
        const held = await findGroupsHeld(trx, env.id, [childId, parentId]);
        const child = held.find((g) => g.id === childId);
        if (!child) throw notFound();
        authorize(actor, 'dir:update:group', targetOf(env, child));
        const parent = held.find((g) => g.id === parentId);
        if (!parent) throw invalidValue('id', 'The group does not exist in this environment.');
        authorize(actor, 'dir:update:group', targetOf(env, parent));
        if (parent.id === child.id) throw invalidValue('id', 'A group cannot be nested in itself.');
        if (parent.populationId !== undefined && child.populationId === undefined) {
          throw invalidValue(
            'id',
            'An environment-level group cannot be nested inside a population-level group.',
          );
        }
        if (parent.populationId !== undefined && parent.populationId !== child.populationId) {
          throw invalidValue('id', "A group cannot be nested inside another population's group.");
        }
        const added = await insertNesting(trx, {
          childId: child.id,
          parentId: parent.id,
          environmentId: env.id,
          now: clock.now(),
        });
        if (!added) throw invalidValue('id', 'The group is already nested in that group.');
        await recordNestingActivity(trx, clock.now(), actor, child, parent, 'nested');
        return nesting(env, child.id, parent);
      });
    },

    async unnest(actor: Actor, environmentId: string, childId: string, parentId: string): Promise<void> {
      const env = await environments.require(environmentId);
      await store.transaction(async (trx) => {
        const child = await requireChild(trx, actor, env, childId, 'dir:update:group');
        const parent = await findGroup(trx, env.id, parentId);
        if (!parent || !(await deleteNesting(trx, childId, parentId))) throw notFound();
        await recordNestingActivity(trx, clock.now(), actor, child, parent, 'unnested');
      });
    },
  };
}
