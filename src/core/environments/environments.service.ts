import { authorize, can, type Actor } from '../access/actor.js';
import { ROLE_IDS } from '../access/roles.js';
import { recordRoleAssignmentActivity } from '../access/role-assignment-activities.js';
import {
  deleteRoleAssignmentsScopedToEnvironment,
  insertRoleAssignment,
} from '../access/role-assignments.repository.js';
import { insertPopulation } from '../populations/populations.repository.js';
import type { Clock } from '../shared/clock.js';
import { ReadCache } from '../shared/read-cache.js';
import { notFound, requestFailed, uniquenessViolation } from '../shared/errors.js';
import { findBootstrapFacts } from '../bootstrap/bootstrap.repository.js';
import { equalityValue, invalidFilter, parseFilter, type FilterNode } from '../shared/filter.js';
import { newId } from '../shared/ids.js';
import { toPage, type Page, type PageRequest } from '../shared/paging.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { recordEnvironmentActivity } from './environment-activities.js';
import type { Environment, EnvironmentInput } from './environment.js';
import {
  deleteEnvironment,
  findEnvironment,
  findEnvironmentIdsNamed,
  insertEnvironment,
  listEnvironments,
  updateEnvironment,
  findOrganization,
  licenseInUse,
} from './environments.repository.js';

/** Seeds a new environment inside the transaction that creates it (policies, templates...). */
export type EnvironmentSeeder = (trx: Db, environment: Environment) => Promise<void>;

const FILTERS = { name: ['sw'], id: ['eq'], 'organization.id': ['eq'] } as const;

export interface EnvironmentsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly seeders: readonly EnvironmentSeeder[];
  /** See Config.accessCacheMs. */
  readonly cacheMs: number;
}

export type EnvironmentsService = ReturnType<typeof createEnvironmentsService>;

export function createEnvironmentsService({ store, clock, seeders, cacheMs }: EnvironmentsServiceDeps) {
  const cache = new ReadCache<Environment | undefined>({
    ttlMs: cacheMs,
    tables: ['environments'],
    writes: store.writes,
  });
  const targetOf = (env: Environment) => ({ environmentId: env.id, organizationId: env.organizationId });

  /** Loads an environment or throws 404; callers authorize against it. */
  async function require(id: string, db: Db = store.db): Promise<Environment> {
    // Inside a transaction the row is read afresh: the transaction may rely on what it sees.
    const env =
      db === store.db ? await cache.get(id, () => findEnvironment(db, id)) : await findEnvironment(db, id);
    if (!env) throw notFound();
    return env;
  }

  async function createWithin(
    trx: Db,
    organizationId: string,
    input: EnvironmentInput,
    options: { id?: string; creator?: Actor } = {},
  ): Promise<Environment> {
    const now = clock.now();
    const id = options.id ?? newId();
    try {
      await insertEnvironment(trx, { id, organizationId, now, ...input });
    } catch (error) {
      if (store.dialect.isUniqueViolation(error)) throw uniquenessViolation('name');
      throw error;
    }
    await insertPopulation(trx, {
      id: newId(),
      environmentId: id,
      isDefault: true,
      now,
      name: 'Default',
      description: 'The default population of the environment',
    });
    const environment = (await findEnvironment(trx, id))!;
    for (const seed of seeders) await seed(trx, environment);
    await recordEnvironmentActivity(trx, now, options.creator, environment, 'CREATED');
    if (options.creator) {
      // PingOne gives the creating worker (or admin user) Identity Data Admin and Client
      // Application Developer on the new environment. Each is recorded like any other role
      // assignment: in the holder's own environment, where the assignment lives.
      const creator = options.creator;
      for (const roleId of [ROLE_IDS.identityDataAdmin, ROLE_IDS.clientApplicationDeveloper]) {
        const assignment = {
          id: newId(),
          environmentId: creator.environmentId,
          actorType: creator.kind,
          actorId: creator.id,
          roleId,
          scopeType: 'ENVIRONMENT',
          scopeId: id,
          readOnly: false,
          createdAt: now,
        } as const;
        await insertRoleAssignment(trx, assignment);
        await recordRoleAssignmentActivity(trx, now, creator, assignment, creator, 'CREATED');
      }
    }
    return environment;
  }

  return {
    require,
    /** The environment when the cache holds it now, without a promise (a hot path's first try). */
    cached: (id: string): Environment | undefined => cache.peek(id),
    /**
     * The environments a name can denote: an environment id, else the environment name compared
     * case-insensitively (several when names repeat across organizations).
     */
    idsNamed: (name: string): Promise<string[]> => findEnvironmentIdsNamed(store.db, name),
    createWithin,

    /**
     * The caller's own organization (the target of every environment's `organization` link);
     * another organization is not found. Every token belongs to exactly one organization.
     */
    async organization(actor: Actor, id: string) {
      const organization = actor.organizationId === id ? await findOrganization(store.db, id) : undefined;
      if (!organization) throw notFound();
      return organization;
    },

    /** A license an environment of the caller's organization names (its `license` link). */
    async license(actor: Actor, organizationId: string, licenseId: string) {
      const organization =
        actor.organizationId === organizationId
          ? await findOrganization(store.db, organizationId)
          : undefined;
      if (!organization) throw notFound();
      if (!(await licenseInUse(store.db, organization.id, licenseId))) throw notFound();
      return { id: licenseId, organizationId: organization.id };
    },

    async get(actor: Actor, id: string): Promise<Environment> {
      const env = await require(id);
      authorize(actor, 'orgmgt:read:environment', targetOf(env));
      return env;
    },

    async list(
      actor: Actor,
      request: PageRequest & { filter?: string | undefined },
    ): Promise<Page<Environment>> {
      const filter: FilterNode | undefined = parseFilter(request.filter, FILTERS);
      const query = environmentQuery(filter);
      const orgWide = can(actor, 'orgmgt:read:environment', {
        environmentId: '',
        organizationId: actor.organizationId,
      });
      const ids = orgWide
        ? undefined
        : actor.grants.filter((g) => g.scopeType === 'ENVIRONMENT').map((g) => g.scopeId);
      const visible = ids?.filter((id) =>
        can(actor, 'orgmgt:read:environment', { environmentId: id, organizationId: actor.organizationId }),
      );
      if (query.organizationId !== undefined && query.organizationId !== actor.organizationId) {
        return { items: [], count: 0 };
      }
      const rows = await listEnvironments(store.db, {
        organizationId: actor.organizationId,
        ids: visible,
        id: query.id,
        nameStartsWith: query.nameStartsWith,
        after: request.after,
        limit: request.limit,
      });
      return toPage(rows, request.limit);
    },

    async create(actor: Actor, input: EnvironmentInput): Promise<Environment> {
      authorize(actor, 'orgmgt:create:environment', {
        environmentId: '',
        organizationId: actor.organizationId,
      });
      return store.transaction((trx) => createWithin(trx, actor.organizationId, input, { creator: actor }));
    },

    async replace(actor: Actor, id: string, input: EnvironmentInput): Promise<Environment> {
      const env = await require(id);
      authorize(actor, 'orgmgt:update:environment', targetOf(env));
      try {
        await store.transaction(async (trx) => {
          await updateEnvironment(trx, id, input, clock.now());
          await recordEnvironmentActivity(trx, clock.now(), actor, { id, name: input.name }, 'UPDATED');
        });
      } catch (error) {
        if (store.dialect.isUniqueViolation(error)) throw uniquenessViolation('name');
        throw error;
      }
      return require(id);
    },

    async delete(actor: Actor, id: string): Promise<void> {
      const env = await require(id);
      authorize(actor, 'orgmgt:delete:environment', targetOf(env));
      // Deleting it would lock every operator out for good (the worker is the way in).
      if ((await findBootstrapFacts(store.db))?.environmentId === id)
        throw requestFailed(
          'invalid_value',
          'This environment holds the bootstrap worker (the administrative client of this Tessera instance) and cannot be deleted.',
          'id',
        );
      await store.transaction(async (trx) => {
        await deleteRoleAssignmentsScopedToEnvironment(trx, id);
        await deleteEnvironment(trx, id);
        // Recorded in the caller's environment unless the caller deletes its own.
        if (actor.environmentId !== id)
          await recordEnvironmentActivity(trx, clock.now(), actor, env, 'DELETED');
      });
    },
  };
}

function environmentQuery(filter: FilterNode | undefined): {
  id?: string;
  nameStartsWith?: string;
  organizationId?: string;
} {
  const result: { id?: string; nameStartsWith?: string; organizationId?: string } = {};
  const flatten = (node: FilterNode): FilterNode[] => {
    if (node.kind === 'and') return node.nodes.flatMap(flatten);
    if (node.kind === 'compare') return [node];
    throw invalidFilter('Environments can be filtered with eq, sw and and only.', FILTERS);
  };
  for (const node of filter === undefined ? [] : flatten(filter)) {
    if (node.kind !== 'compare') continue;
    if (node.attribute === 'name') result.nameStartsWith = String(node.value);
    if (node.attribute === 'id') result.id = equalityValue(node, 'id');
    if (node.attribute === 'organization.id') result.organizationId = String(node.value);
  }
  return result;
}
