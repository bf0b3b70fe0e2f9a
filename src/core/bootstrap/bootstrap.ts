import { ROLE_IDS } from '../access/roles.js';
import { insertRoleAssignment, listRoleAssignments } from '../access/role-assignments.repository.js';
import type { Db } from '../../db/schema.js';
import { BOOTSTRAP_MARKER, findBootstrapFacts } from './bootstrap.repository.js';
import { newId } from '../shared/ids.js';
import type { Services } from '../services.js';

export interface BootstrapRequest {
  readonly environmentId?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
}

export interface BootstrapResult {
  readonly created: boolean;
  readonly organizationId: string;
  readonly environmentId: string;
  readonly clientId: string;
  /** Only when created with a generated secret: shown once, never logged. */
  readonly clientSecret?: string;
}

const MARKER = BOOTSTRAP_MARKER;

export const ADMINISTRATORS = {
  name: 'Administrators',
  description: 'Administrators environment',
  type: 'PRODUCTION',
  region: 'NA',
  licenseId: '7e550000-0000-4000-8000-000000000001',
} as const;

export const WORKER = { name: 'Tessera bootstrap worker', description: 'Created at first start' } as const;

/** Environment Admin and Identity Data Admin at organization scope, each unless already held. */
export async function grantWorkerRoles(trx: Db, facts: Omit<StoredBootstrap, 'clientSecret'>, now: number) {
  const held = await listRoleAssignments(trx, facts.clientId);
  for (const roleId of [ROLE_IDS.environmentAdmin, ROLE_IDS.identityDataAdmin]) {
    if (held.some((a) => a.roleId === roleId && a.scopeType === 'ORGANIZATION')) continue;
    await insertRoleAssignment(trx, {
      id: newId(),
      environmentId: facts.environmentId,
      actorType: 'application',
      actorId: facts.clientId,
      roleId,
      scopeType: 'ORGANIZATION',
      scopeId: facts.organizationId,
      readOnly: false,
      createdAt: now,
    });
  }
}

/** TESSERA_BOOTSTRAP_* name another bootstrap than the one the store holds. */
export class BootstrapMismatchError extends Error {
  override name = 'BootstrapMismatchError';
}

type StoredBootstrap = Omit<BootstrapResult, 'created'>;

export const storedBootstrap = (services: Services): Promise<StoredBootstrap | undefined> =>
  findBootstrapFacts(services.store.db);

/**
 * Refuses a start whose TESSERA_BOOTSTRAP_* disagree with the stored bootstrap: they would be
 * silently ignored, and the caller would get invalid_client on the first token request.
 */
async function requireMatching(services: Services, stored: StoredBootstrap, request: BootstrapRequest) {
  const fix =
    'Unset TESSERA_BOOTSTRAP_* to keep the stored credentials, run `tessera admin reset-credentials` ' +
    '(with TESSERA_BOOTSTRAP_CLIENT_SECRET set to the secret you want) against this store, or start with a fresh store.';
  const differs = (name: string, given: string | undefined, actual: string) => {
    if (given !== undefined && given.toLowerCase() !== actual.toLowerCase())
      throw new BootstrapMismatchError(
        `This store was bootstrapped with other credentials: ${name}=${given}, but the store's is ${actual}. ${fix}`,
      );
  };
  differs('TESSERA_BOOTSTRAP_ENVIRONMENT_ID', request.environmentId, stored.environmentId);
  differs('TESSERA_BOOTSTRAP_CLIENT_ID', request.clientId, stored.clientId);
  if (
    request.clientSecret !== undefined &&
    !(await services.applications.secretIs(stored.environmentId, stored.clientId, request.clientSecret))
  )
    throw new BootstrapMismatchError(
      `This store was bootstrapped with other credentials: TESSERA_BOOTSTRAP_CLIENT_SECRET is not the ` +
        `secret of the bootstrap worker ${stored.clientId} (or that worker is gone). ${fix}`,
    );
}

/**
 * On the first start against an empty store, creates the organization, the Administrators
 * environment and a worker holding Environment Admin and Identity Data Admin at organization
 * scope. The marker row makes it happen once, even when several processes start together.
 */
export async function bootstrap(services: Services, request: BootstrapRequest): Promise<BootstrapResult> {
  const { store, clock } = services;
  const existing = await storedBootstrap(services);
  if (existing) {
    await requireMatching(services, existing, request);
    return { created: false, ...existing };
  }
  try {
    return await store.transaction(async (trx) => {
      const organizationId = newId();
      const environmentId = request.environmentId ?? newId();
      const clientId = request.clientId ?? newId();
      const facts = { organizationId, environmentId, clientId };
      // Written first: a second process racing here fails on this key and rolls back.
      await trx
        .insertInto('instance_settings')
        .values({ name: MARKER, value: JSON.stringify(facts) })
        .execute();
      const now = clock.now();
      await trx
        .insertInto('organizations')
        .values({ id: organizationId, name: 'Tessera', created_at: now })
        .execute();
      await services.environments.createWithin(trx, organizationId, ADMINISTRATORS, { id: environmentId });
      const { secret } = await services.applications.createWithin(trx, environmentId, WORKER, {
        id: clientId,
        secret: request.clientSecret,
      });
      await grantWorkerRoles(trx, facts, now);
      return {
        created: true,
        ...facts,
        ...(request.clientSecret === undefined ? { clientSecret: secret } : {}),
      };
    });
  } catch (error) {
    if (!store.dialect.isUniqueViolation(error)) throw error;
    const row = await store.db
      .selectFrom('instance_settings')
      .select('value')
      .where('name', '=', MARKER)
      .executeTakeFirstOrThrow();
    return { created: false, ...(JSON.parse(row.value) as Omit<BootstrapResult, 'created'>) };
  }
}
