import { authorize, permittedPopulations, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, requestFailed, uniquenessViolation } from '../shared/errors.js';
import { invalidFilter, parseFilter, type FilterNode } from '../shared/filter.js';
import { newId } from '../shared/ids.js';
import { toPage, type Page, type PageRequest } from '../shared/paging.js';
import type { Store } from '../../db/store.js';
import { recordActivity } from '../activities/activities.repository.js';
import type { Db } from '../../db/schema.js';
import type { Population, PopulationInput } from './population.js';
import {
  clearDefaultPopulation,
  countUsersInPopulation,
  deletePopulation,
  findPopulation,
  insertPopulation,
  listPopulations,
  updatePopulation,
} from './populations.repository.js';

const FILTERS = { id: ['eq'], name: ['eq', 'sw'] } as const;

export interface PopulationsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
}

export type PopulationsService = ReturnType<typeof createPopulationsService>;

export interface PopulationWithCount extends Population {
  readonly userCount: number;
}

export function createPopulationsService({ store, clock, environments }: PopulationsServiceDeps) {
  async function context(actor: Actor, environmentId: string, permission: string, populationId?: string) {
    const env = await environments.require(environmentId);
    const target = { environmentId: env.id, organizationId: env.organizationId, populationId };
    authorize(actor, permission, target);
    return env;
  }

  async function checkPolicy(db: Db, environmentId: string, policyId: string | undefined) {
    if (policyId === undefined) return;
    const policy = await db
      .selectFrom('password_policies')
      .select('id')
      .where('environment_id', '=', environmentId)
      .where('id', '=', policyId)
      .executeTakeFirst();
    if (!policy)
      throw invalidValue('passwordPolicy.id', 'The password policy does not exist in this environment.');
  }

  async function withCount(db: Db, population: Population): Promise<PopulationWithCount> {
    return { ...population, userCount: await countUsersInPopulation(db, population.id) };
  }

  async function save(
    actor: Actor,
    environmentId: string,
    id: string,
    input: PopulationInput,
    isNew: boolean,
  ) {
    return store.transaction(async (trx) => {
      await checkPolicy(trx, environmentId, input.passwordPolicyId);
      const existing = isNew ? undefined : await findPopulation(trx, environmentId, id);
      if (!isNew && !existing) throw notFound();
      // Exactly one default: setting it here clears it elsewhere; the last default cannot be unset.
      const isDefault = input.isDefault ?? existing?.isDefault ?? false;
      if (existing?.isDefault && !isDefault) {
        throw invalidValue(
          'default',
          'The default population cannot be unset; make another population the default.',
        );
      }
      try {
        if (isNew) {
          await insertPopulation(trx, { ...input, id, environmentId, isDefault, now: clock.now() });
        } else {
          await updatePopulation(trx, id, { ...input, isDefault }, clock.now());
        }
      } catch (error) {
        if (store.dialect.isUniqueViolation(error)) throw uniquenessViolation('name');
        throw error;
      }
      if (isDefault) await clearDefaultPopulation(trx, environmentId, id);
      await recordActivity(trx, clock.now(), {
        environmentId,
        type: isNew ? 'POPULATION.CREATED' : 'POPULATION.UPDATED',
        actor,
        resources: [{ type: 'POPULATION', id, name: input.name }],
      });
      return withCount(trx, (await findPopulation(trx, environmentId, id))!);
    });
  }

  return {
    async list(
      actor: Actor,
      environmentId: string,
      request: PageRequest & { filter?: string | undefined },
    ): Promise<Page<PopulationWithCount>> {
      const env = await environments.require(environmentId);
      const visible = permittedPopulations(actor, 'dir:read:population', {
        environmentId: env.id,
        organizationId: env.organizationId,
      });
      if (visible !== 'all' && visible.length === 0) {
        authorize(actor, 'dir:read:population', {
          environmentId: env.id,
          organizationId: env.organizationId,
        });
      }
      const filter = parseFilter(request.filter, FILTERS);
      const query: { id?: string; name?: { op: 'eq' | 'sw'; value: string } } = {};
      const flatten = (node: FilterNode): void => {
        if (node.kind === 'and') return node.nodes.forEach(flatten);
        if (node.kind !== 'compare')
          throw invalidFilter('Populations can be filtered with eq, sw and and only.', FILTERS);
        if (node.attribute === 'id') query.id = String(node.value);
        else query.name = { op: node.op as 'eq' | 'sw', value: String(node.value) };
      };
      if (filter) flatten(filter);
      const rows = await listPopulations(store.db, {
        environmentId,
        ids: visible === 'all' ? undefined : visible,
        ...query,
        after: request.after,
        limit: request.limit,
      });
      const page = toPage(rows, request.limit);
      return { ...page, items: await Promise.all(page.items.map((p) => withCount(store.db, p))) };
    },

    async get(actor: Actor, environmentId: string, id: string): Promise<PopulationWithCount> {
      await context(actor, environmentId, 'dir:read:population', id);
      const population = await findPopulation(store.db, environmentId, id);
      if (!population) throw notFound();
      return withCount(store.db, population);
    },

    async create(actor: Actor, environmentId: string, input: PopulationInput): Promise<PopulationWithCount> {
      await context(actor, environmentId, 'dir:create:population');
      return save(actor, environmentId, newId(), input, true);
    },

    async replace(actor: Actor, environmentId: string, id: string, input: PopulationInput) {
      await context(actor, environmentId, 'dir:update:population', id);
      return save(actor, environmentId, id, input, false);
    },

    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      await context(actor, environmentId, 'dir:delete:population', id);
      await store.transaction(async (trx) => {
        const population = await findPopulation(trx, environmentId, id);
        if (!population) throw notFound();
        if (population.isDefault) {
          throw requestFailed('constraint_violation', 'The default population cannot be deleted.', 'default');
        }
        if ((await countUsersInPopulation(trx, id)) > 0) {
          throw requestFailed(
            'constraint_violation',
            'The population cannot be deleted while it contains users.',
          );
        }
        await deletePopulation(trx, id);
        await recordActivity(trx, clock.now(), {
          environmentId,
          type: 'POPULATION.DELETED',
          actor,
          resources: [{ type: 'POPULATION', id, name: population.name }],
        });
      });
    },
  };
}
