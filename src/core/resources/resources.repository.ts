import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { ApplicationGrant, Resource, ResourceScope } from './resource.js';

export interface ResourcesTable {
  id: string;
  environment_id: string;
  name: string;
  type: string;
  description: string | null;
  audience: string | null;
  access_token_validity_seconds: number;
  created_at: number;
  updated_at: number;
}

export interface ResourceScopesTable {
  id: string;
  environment_id: string;
  resource_id: string;
  name: string;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface ApplicationGrantsTable {
  id: string;
  environment_id: string;
  application_id: string;
  resource_id: string;
  /** JSON array of resource_scopes ids. */
  scope_ids: string;
  created_at: number;
  updated_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    resources: ResourcesTable;
    resource_scopes: ResourceScopesTable;
    application_grants: ApplicationGrantsTable;
  }
}

const toResource = (row: Selectable<ResourcesTable>): Resource => ({
  id: row.id,
  environmentId: row.environment_id,
  name: row.name,
  type: row.type as Resource['type'],
  description: row.description ?? undefined,
  audience: row.audience ?? undefined,
  accessTokenValiditySeconds: row.access_token_validity_seconds,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

const toScope = (row: Selectable<ResourceScopesTable>): ResourceScope => ({
  id: row.id,
  environmentId: row.environment_id,
  resourceId: row.resource_id,
  name: row.name,
  description: row.description ?? undefined,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

const toGrant = (row: Selectable<ApplicationGrantsTable>): ApplicationGrant => ({
  id: row.id,
  environmentId: row.environment_id,
  applicationId: row.application_id,
  resourceId: row.resource_id,
  scopeIds: JSON.parse(row.scope_ids) as string[],
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

export async function insertResource(db: Db, resource: Resource): Promise<void> {
  await db
    .insertInto('resources')
    .values({
      id: resource.id,
      environment_id: resource.environmentId,
      name: resource.name,
      type: resource.type,
      description: resource.description ?? null,
      audience: resource.audience ?? null,
      access_token_validity_seconds: resource.accessTokenValiditySeconds,
      created_at: resource.createdAt,
      updated_at: resource.updatedAt,
    })
    .execute();
}

export async function insertScope(db: Db, scope: ResourceScope): Promise<void> {
  await db
    .insertInto('resource_scopes')
    .values({
      id: scope.id,
      environment_id: scope.environmentId,
      resource_id: scope.resourceId,
      name: scope.name,
      description: scope.description ?? null,
      created_at: scope.createdAt,
      updated_at: scope.updatedAt,
    })
    .execute();
}

export async function listResources(db: Db, environmentId: string): Promise<Resource[]> {
  const rows = await db
    .selectFrom('resources')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('id')
    .execute();
  return rows.map(toResource);
}

export async function findResource(db: Db, environmentId: string, id: string): Promise<Resource | undefined> {
  const row = await db
    .selectFrom('resources')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toResource(row) : undefined;
}

export async function listScopes(db: Db, resourceId: string): Promise<ResourceScope[]> {
  const rows = await db
    .selectFrom('resource_scopes')
    .selectAll()
    .where('resource_id', '=', resourceId)
    .orderBy('id')
    .execute();
  return rows.map(toScope);
}

export async function listGrants(db: Db, applicationId: string): Promise<ApplicationGrant[]> {
  const rows = await db
    .selectFrom('application_grants')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('id')
    .execute();
  return rows.map(toGrant);
}

export async function findGrant(
  db: Db,
  applicationId: string,
  id: string,
): Promise<ApplicationGrant | undefined> {
  const row = await db
    .selectFrom('application_grants')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toGrant(row) : undefined;
}

export async function insertGrant(db: Db, grant: ApplicationGrant): Promise<void> {
  await db
    .insertInto('application_grants')
    .values({
      id: grant.id,
      environment_id: grant.environmentId,
      application_id: grant.applicationId,
      resource_id: grant.resourceId,
      scope_ids: JSON.stringify(grant.scopeIds),
      created_at: grant.createdAt,
      updated_at: grant.updatedAt,
    })
    .execute();
}

export async function updateGrant(
  db: Db,
  id: string,
  change: { resourceId: string; scopeIds: readonly string[]; now: number },
): Promise<void> {
  await db
    .updateTable('application_grants')
    .set({
      resource_id: change.resourceId,
      scope_ids: JSON.stringify(change.scopeIds),
      updated_at: change.now,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteGrant(db: Db, id: string): Promise<void> {
  await db.deleteFrom('application_grants').where('id', '=', id).execute();
}

/** Every scope of every resource an application was granted, with its resource. */
export async function grantedScopeRows(db: Db, environmentId: string, applicationId: string) {
  const grants = await listGrants(db, applicationId);
  if (grants.length === 0) return [];
  const resources = await db
    .selectFrom('resources')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where(
      'id',
      'in',
      grants.map((g) => g.resourceId),
    )
    .execute();
  const scopeIds = grants.flatMap((g) => g.scopeIds);
  const scopes =
    scopeIds.length === 0
      ? []
      : await db.selectFrom('resource_scopes').selectAll().where('id', 'in', scopeIds).execute();
  return grants.flatMap((grant) => {
    const resource = resources.find((r) => r.id === grant.resourceId);
    if (!resource) return [];
    const names = scopes
      .filter((s) => s.resource_id === resource.id && grant.scopeIds.includes(s.id))
      .map((s) => s.name);
    return [{ resource: toResource(resource), scopes: names }];
  });
}
