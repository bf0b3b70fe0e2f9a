import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import { parseJsonObject } from '../shared/json.js';
import type { CredentialType, CredentialTypeVersion, ManagementMode } from './credential-type.js';

export interface CredentialTypesTable {
  id: string;
  environment_id: string;
  title: string;
  management_mode: string;
  document: string;
  version_number: number;
  version_id: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface CredentialTypeVersionsTable {
  id: string;
  environment_id: string;
  credential_type_id: string;
  version: number;
  snapshot: string;
  created_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    credential_types: CredentialTypesTable;
    credential_type_versions: CredentialTypeVersionsTable;
  }
}

const toType = (row: Selectable<CredentialTypesTable>): CredentialType => ({
  id: row.id,
  environmentId: row.environment_id,
  title: row.title,
  mode: row.management_mode as ManagementMode,
  document: parseJsonObject(row.document),
  version: { number: row.version_number, id: row.version_id },
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deletedAt: row.deleted_at ?? undefined,
});

export async function findCredentialType(
  db: Db,
  environmentId: string,
  id: string,
): Promise<CredentialType | undefined> {
  const row = await db
    .selectFrom('credential_types')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toType(row) : undefined;
}

/** Live (not soft-deleted) credential types of an environment, in creation order. */
export async function listCredentialTypes(db: Db, environmentId: string): Promise<CredentialType[]> {
  const rows = await db
    .selectFrom('credential_types')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toType);
}

const columns = (type: CredentialType) => ({
  title: type.title,
  management_mode: type.mode,
  document: JSON.stringify(type.document),
  version_number: type.version.number,
  version_id: type.version.id,
  updated_at: type.updatedAt,
  deleted_at: type.deletedAt ?? null,
});

export async function insertCredentialType(db: Db, type: CredentialType): Promise<void> {
  await db
    .insertInto('credential_types')
    .values({ id: type.id, environment_id: type.environmentId, created_at: type.createdAt, ...columns(type) })
    .execute();
}

export async function updateCredentialType(db: Db, type: CredentialType): Promise<void> {
  await db.updateTable('credential_types').set(columns(type)).where('id', '=', type.id).execute();
}

export async function insertVersion(db: Db, version: CredentialTypeVersion): Promise<void> {
  await db
    .insertInto('credential_type_versions')
    .values({
      id: version.id,
      environment_id: version.environmentId,
      credential_type_id: version.credentialTypeId,
      version: version.version,
      snapshot: JSON.stringify(version.snapshot),
      created_at: version.createdAt,
    })
    .execute();
}

const toVersion = (row: Selectable<CredentialTypeVersionsTable>): CredentialTypeVersion => ({
  id: row.id,
  environmentId: row.environment_id,
  credentialTypeId: row.credential_type_id,
  version: row.version,
  snapshot: JSON.parse(row.snapshot) as CredentialType,
  createdAt: row.created_at,
});

export async function listVersions(db: Db, credentialTypeId: string): Promise<CredentialTypeVersion[]> {
  const rows = await db
    .selectFrom('credential_type_versions')
    .selectAll()
    .where('credential_type_id', '=', credentialTypeId)
    .orderBy('version')
    .execute();
  return rows.map(toVersion);
}

export async function findVersion(
  db: Db,
  credentialTypeId: string,
  id: string,
): Promise<CredentialTypeVersion | undefined> {
  const row = await db
    .selectFrom('credential_type_versions')
    .selectAll()
    .where('credential_type_id', '=', credentialTypeId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toVersion(row) : undefined;
}
