import type { Selectable } from 'kysely';
import { mapStep, prepareQuery, type Step } from '../../db/prepared.js';
import type { Db, SchemaAttributesTable } from '../../db/schema.js';
import type { AttributeType, SchemaAttribute } from './schema.js';

const toAttribute = (row: Selectable<SchemaAttributesTable>): SchemaAttribute => ({
  id: row.id,
  environmentId: row.environment_id,
  schemaId: row.schema_id,
  name: row.name,
  displayName: row.display_name ?? undefined,
  description: row.description ?? undefined,
  type: row.type as AttributeType,
  enabled: Boolean(row.enabled),
  required: Boolean(row.required),
  unique: Boolean(row.unique_value),
  multiValued: Boolean(row.multi_valued),
  enumeratedValues: row.enumerated_values
    ? (JSON.parse(row.enumerated_values) as SchemaAttribute['enumeratedValues'])
    : undefined,
  regexValidation: row.regex_validation
    ? (JSON.parse(row.regex_validation) as SchemaAttribute['regexValidation'])
    : undefined,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (a: SchemaAttribute) => ({
  schema_id: a.schemaId,
  name: a.name,
  display_name: a.displayName ?? null,
  description: a.description ?? null,
  type: a.type,
  enabled: a.enabled,
  required: a.required,
  unique_value: a.unique,
  multi_valued: a.multiValued,
  enumerated_values: a.enumeratedValues ? JSON.stringify(a.enumeratedValues) : null,
  regex_validation: a.regexValidation ? JSON.stringify(a.regexValidation) : null,
  updated_at: a.updatedAt,
});

/** Every user create, update and list validates against these. */
const selectAttributes = prepareQuery(1, (db: Db, environmentId: string) =>
  db.selectFrom('schema_attributes').selectAll().where('environment_id', '=', environmentId).orderBy('id'),
);

export async function listAttributes(db: Db, environmentId: string): Promise<SchemaAttribute[]> {
  return (await selectAttributes(db, environmentId)).map(toAttribute);
}

/** `listAttributes` as a step, to be read with other statements in one round trip (inOneTrip). */
export const listAttributesStep = (db: Db, environmentId: string): Step<SchemaAttribute[]> =>
  mapStep(selectAttributes.step(db, environmentId), (rows) => rows.map(toAttribute));

export async function findAttribute(
  db: Db,
  environmentId: string,
  id: string,
): Promise<SchemaAttribute | undefined> {
  const row = await db
    .selectFrom('schema_attributes')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAttribute(row) : undefined;
}

export async function insertAttribute(db: Db, a: SchemaAttribute): Promise<void> {
  await db
    .insertInto('schema_attributes')
    .values({ id: a.id, environment_id: a.environmentId, created_at: a.createdAt, ...toRow(a) })
    .execute();
}

export async function updateAttribute(db: Db, a: SchemaAttribute): Promise<void> {
  await db.updateTable('schema_attributes').set(toRow(a)).where('id', '=', a.id).execute();
}

export async function deleteAttribute(db: Db, id: string): Promise<void> {
  await db.deleteFrom('schema_attributes').where('id', '=', id).execute();
}
