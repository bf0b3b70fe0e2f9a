import { authorize, type Actor } from '../access/actor.js';
import { recordGrantActivity } from '../applications/application-activities.js';
import { findApplication } from '../applications/applications.repository.js';
import type { EnvironmentSeeder, EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, requiredValue, uniquenessViolation } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import {
  BUILT_IN_RESOURCES,
  DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS,
  type ApplicationGrant,
  type Resource,
  type ResourceScope,
} from './resource.js';
import {
  deleteGrant,
  findGrant,
  findResource,
  insertGrant,
  insertResource,
  insertScope,
  listGrants,
  listResources,
  listScopes,
  updateGrant,
} from './resources.repository.js';

export interface ResourcesServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
}

export type ResourcesService = ReturnType<typeof createResourcesService>;

/** What a grant names: a resource and some of its scopes (by id). */
export interface GrantInput {
  readonly resourceId: string;
  readonly scopeIds: readonly string[];
}

// Resources are read with the application permissions: they exist to be granted to applications.
const READ = 'apps:read:application';
const UPDATE = 'apps:update:application';

/** Resources with their scopes, and application grants (PingOne's `/resources` and `…/grants`). */
export function createResourcesService({ store, clock, environments }: ResourcesServiceDeps) {
  async function context(actor: Actor, environmentId: string, permission: string) {
    const env = await environments.require(environmentId);
    authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
  }

  async function requireResource(environmentId: string, id: string): Promise<Resource> {
    const resource = await findResource(store.db, environmentId, id);
    if (!resource) throw notFound();
    return resource;
  }

  async function requireApplication(actor: Actor, environmentId: string, id: string, permission: string) {
    await context(actor, environmentId, permission);
    const app = await findApplication(store.db, environmentId, id);
    if (!app) throw notFound();
    return app;
  }

  /** A grant's activity, in its transaction, named after the granted resource. */
  async function audit(
    trx: Db,
    actor: Actor,
    app: { id: string; name: string },
    grant: { id: string; environmentId: string; resourceId: string },
    verb: 'CREATED' | 'UPDATED' | 'DELETED',
  ) {
    const resource = await findResource(trx, grant.environmentId, grant.resourceId);
    const resourceName = resource?.name ?? grant.resourceId;
    await recordGrantActivity(trx, clock.now(), actor, { ...grant, resourceName }, app, verb);
  }

  /** Checks that the resource exists here and every scope is one of its own. */
  async function checkGrant(environmentId: string, input: GrantInput): Promise<readonly string[]> {
    const resource = await findResource(store.db, environmentId, input.resourceId);
    if (!resource) throw invalidValue('resource.id', 'The resource does not exist.');
    const scopeIds = [...new Set(input.scopeIds)];
    if (scopeIds.length === 0) throw requiredValue('scopes');
    const own = new Set((await listScopes(store.db, resource.id)).map((s) => s.id));
    const foreign = scopeIds.filter((id) => !own.has(id));
    if (foreign.length > 0) {
      throw invalidValue('scopes', `Not scopes of resource ${resource.name}: ${foreign.join(', ')}.`);
    }
    return scopeIds;
  }

  const duplicate = (error: unknown): unknown =>
    store.dialect.isUniqueViolation(error) ? uniquenessViolation('resource.id') : error;

  /** Every new environment gets the built-in resources, in its create transaction. */
  const seeder: EnvironmentSeeder = async (trx, environment) => {
    const now = clock.now();
    for (const builtIn of BUILT_IN_RESOURCES) {
      const resourceId = newId();
      await insertResource(trx, {
        id: resourceId,
        environmentId: environment.id,
        name: builtIn.name,
        type: builtIn.type,
        description: builtIn.description,
        audience: undefined,
        accessTokenValiditySeconds: DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS,
        createdAt: now,
        updatedAt: now,
      });
      for (const [name, description] of builtIn.scopes) {
        await insertScope(trx, {
          id: newId(),
          environmentId: environment.id,
          resourceId,
          name,
          description,
          createdAt: now,
          updatedAt: now,
        });
      }
    }
  };

  return {
    seeder,

    async listResources(actor: Actor, environmentId: string): Promise<Resource[]> {
      await context(actor, environmentId, READ);
      return listResources(store.db, environmentId);
    },

    async getResource(actor: Actor, environmentId: string, id: string): Promise<Resource> {
      await context(actor, environmentId, READ);
      return requireResource(environmentId, id);
    },

    async listScopes(actor: Actor, environmentId: string, resourceId: string): Promise<ResourceScope[]> {
      await context(actor, environmentId, READ);
      return listScopes(store.db, (await requireResource(environmentId, resourceId)).id);
    },

    async getScope(
      actor: Actor,
      environmentId: string,
      resourceId: string,
      id: string,
    ): Promise<ResourceScope> {
      await context(actor, environmentId, READ);
      const scopes = await listScopes(store.db, (await requireResource(environmentId, resourceId)).id);
      const scope = scopes.find((s) => s.id === id);
      if (!scope) throw notFound();
      return scope;
    },

    async listGrants(
      actor: Actor,
      environmentId: string,
      applicationId: string,
    ): Promise<ApplicationGrant[]> {
      await requireApplication(actor, environmentId, applicationId, READ);
      return listGrants(store.db, applicationId);
    },

    async getGrant(actor: Actor, environmentId: string, applicationId: string, id: string) {
      await requireApplication(actor, environmentId, applicationId, READ);
      const grant = await findGrant(store.db, applicationId, id);
      if (!grant) throw notFound();
      return grant;
    },

    async createGrant(
      actor: Actor,
      environmentId: string,
      applicationId: string,
      input: GrantInput,
    ): Promise<ApplicationGrant> {
      const app = await requireApplication(actor, environmentId, applicationId, UPDATE);
      const now = clock.now();
      const grant: ApplicationGrant = {
        id: newId(),
        environmentId,
        applicationId,
        resourceId: input.resourceId,
        scopeIds: await checkGrant(environmentId, input),
        createdAt: now,
        updatedAt: now,
      };
      await store
        .transaction(async (trx) => {
          await insertGrant(trx, grant);
          await audit(trx, actor, app, grant, 'CREATED');
        })
        .catch((error: unknown) => {
          throw duplicate(error);
        });
      return grant;
    },

    async replaceGrant(
      actor: Actor,
      environmentId: string,
      applicationId: string,
      id: string,
      input: GrantInput,
    ): Promise<ApplicationGrant> {
      const app = await requireApplication(actor, environmentId, applicationId, UPDATE);
      if (!(await findGrant(store.db, applicationId, id))) throw notFound();
      const scopeIds = await checkGrant(environmentId, input);
      await store
        .transaction(async (trx) => {
          await updateGrant(trx, id, { resourceId: input.resourceId, scopeIds, now: clock.now() });
          await audit(trx, actor, app, { id, environmentId, resourceId: input.resourceId }, 'UPDATED');
        })
        .catch((error: unknown) => {
          throw duplicate(error);
        });
      return (await findGrant(store.db, applicationId, id))!;
    },

    async deleteGrant(actor: Actor, environmentId: string, applicationId: string, id: string): Promise<void> {
      const app = await requireApplication(actor, environmentId, applicationId, UPDATE);
      const grant = await findGrant(store.db, applicationId, id);
      if (!grant) throw notFound();
      await store.transaction(async (trx) => {
        await deleteGrant(trx, id);
        await audit(trx, actor, app, grant, 'DELETED');
      });
    },
  };
}
