import { ROLE_IDS } from '../access/roles.js';
import { insertRoleAssignment } from '../access/role-assignments.repository.js';
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

const MARKER = 'bootstrap';

/**
 * On the first start against an empty store, creates the organization, the Administrators
 * environment and a worker holding Environment Admin and Identity Data Admin at organization
 * scope. The marker row makes it happen once, even when several processes start together.
 */
export async function bootstrap(services: Services, request: BootstrapRequest): Promise<BootstrapResult> {
  const { store, clock } = services;
  const existing = await store.db
    .selectFrom('instance_settings')
    .select('value')
    .where('name', '=', MARKER)
    .executeTakeFirst();
  if (existing)
    return { created: false, ...(JSON.parse(existing.value) as Omit<BootstrapResult, 'created'>) };
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
      await services.environments.createWithin(
        trx,
        organizationId,
        {
          name: 'Administrators',
          description: 'Administrators environment',
          type: 'PRODUCTION',
          region: 'NA',
          licenseId: '7e550000-0000-4000-8000-000000000001',
        },
        { id: environmentId },
      );
      const { secret } = await services.applications.createWithin(
        trx,
        environmentId,
        { name: 'Tessera bootstrap worker', description: 'Created at first start' },
        { id: clientId, secret: request.clientSecret },
      );
      for (const roleId of [ROLE_IDS.environmentAdmin, ROLE_IDS.identityDataAdmin]) {
        await insertRoleAssignment(trx, {
          id: newId(),
          environmentId,
          actorType: 'application',
          actorId: clientId,
          roleId,
          scopeType: 'ORGANIZATION',
          scopeId: organizationId,
          readOnly: false,
          createdAt: now,
        });
      }
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
