import type { Selectable } from 'kysely';
import type { ApplicationsTable, Db } from '../../db/schema.js';
import type { Application, ApplicationCredentials, ApplicationInput } from './application.js';

const toApplication = (row: Selectable<ApplicationsTable>): Application => ({
  id: row.id,
  environmentId: row.environment_id,
  name: row.name,
  description: row.description ?? undefined,
  type: 'WORKER',
  protocol: 'OPENID_CONNECT',
  enabled: Boolean(row.enabled),
  tokenEndpointAuthMethod: row.token_endpoint_auth_method as Application['tokenEndpointAuthMethod'],
  grantTypes: JSON.parse(row.grant_types) as string[],
  scopes: JSON.parse(row.scopes) as string[],
  accessTokenTtlSeconds: row.access_token_ttl_seconds,
  secretRotatedAt: row.secret_rotated_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function findApplication(
  db: Db,
  environmentId: string,
  id: string,
): Promise<Application | undefined> {
  const row = await db
    .selectFrom('applications')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toApplication(row) : undefined;
}

export async function findApplicationWithCredentials(
  db: Db,
  environmentId: string,
  id: string,
): Promise<{ application: Application; credentials: ApplicationCredentials } | undefined> {
  const row = await db
    .selectFrom('applications')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row
    ? {
        application: toApplication(row),
        credentials: { secretHash: row.client_secret_hash, secretSealed: row.client_secret_encrypted },
      }
    : undefined;
}

export async function listApplications(db: Db, environmentId: string): Promise<Application[]> {
  const rows = await db
    .selectFrom('applications')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('id')
    .execute();
  return rows.map(toApplication);
}

export async function insertApplication(
  db: Db,
  app: {
    id: string;
    environmentId: string;
    now: number;
    credentials: ApplicationCredentials;
  } & ApplicationInput,
): Promise<void> {
  await db
    .insertInto('applications')
    .values({
      id: app.id,
      environment_id: app.environmentId,
      name: app.name,
      description: app.description ?? null,
      type: 'WORKER',
      protocol: 'OPENID_CONNECT',
      enabled: app.enabled ?? true,
      token_endpoint_auth_method: app.tokenEndpointAuthMethod ?? 'CLIENT_SECRET_BASIC',
      grant_types: JSON.stringify(['CLIENT_CREDENTIALS']),
      scopes: JSON.stringify(app.scopes ?? []),
      client_secret_hash: app.credentials.secretHash,
      client_secret_encrypted: app.credentials.secretSealed,
      secret_rotated_at: app.now,
      access_token_ttl_seconds: app.accessTokenTtlSeconds ?? 3600,
      created_at: app.now,
      updated_at: app.now,
    })
    .execute();
}

export async function updateApplication(
  db: Db,
  id: string,
  input: ApplicationInput,
  now: number,
): Promise<void> {
  await db
    .updateTable('applications')
    .set({
      name: input.name,
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      token_endpoint_auth_method: input.tokenEndpointAuthMethod ?? 'CLIENT_SECRET_BASIC',
      scopes: JSON.stringify(input.scopes ?? []),
      access_token_ttl_seconds: input.accessTokenTtlSeconds ?? 3600,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function updateApplicationCredentials(
  db: Db,
  id: string,
  credentials: ApplicationCredentials,
  now: number,
): Promise<void> {
  await db
    .updateTable('applications')
    .set({
      client_secret_hash: credentials.secretHash,
      client_secret_encrypted: credentials.secretSealed,
      secret_rotated_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteApplication(db: Db, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('actor_id', '=', id).execute();
  await db.deleteFrom('applications').where('id', '=', id).execute();
}

/** The environment of an application, by its (instance-wide unique) id. */
export async function findApplicationEnvironment(db: Db, applicationId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('applications')
    .select('environment_id')
    .where('id', '=', applicationId)
    .executeTakeFirst();
  return row?.environment_id;
}
