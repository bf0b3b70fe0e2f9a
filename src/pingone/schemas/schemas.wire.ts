import { Type, type Static } from '@sinclair/typebox';
import type { SchemaAttributePatch } from '../../core/schemas/schemas.service.js';
import type { SchemaAttribute, SchemaAttributeInput, UserSchema } from '../../core/schemas/schema.js';
import { iso } from '../../core/shared/clock.js';
import type { Hal } from '../../pingone-common/hal.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

const AttributeType = Type.Union([Type.Literal('STRING'), Type.Literal('JSON'), Type.Literal('BOOLEAN')]);
const EnumeratedValue = Type.Object({
  value: Type.String({ minLength: 1 }),
  archived: Type.Optional(Type.Boolean()),
  description: Type.Optional(Type.String()),
});
const RegexValidation = Type.Object({
  pattern: Type.String({ minLength: 1 }),
  requirements: Type.String(),
  valuesPatternShouldMatch: Type.Optional(Type.Array(Type.String())),
  valuesPatternShouldNotMatch: Type.Optional(Type.Array(Type.String())),
});

const fields = {
  displayName: Type.String({ maxLength: 256 }),
  description: Type.String({ maxLength: 1024 }),
  type: AttributeType,
  enabled: Type.Boolean(),
  required: Type.Boolean(),
  unique: Type.Boolean(),
  multiValued: Type.Boolean(),
  enumeratedValues: Type.Array(EnumeratedValue, { maxItems: 1000 }),
  regexValidation: RegexValidation,
  // Read-only; clients echo it back on PUT. Ignored.
  schemaType: Type.String(),
};

export const AttributeBody = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    displayName: Type.Optional(fields.displayName),
    description: Type.Optional(fields.description),
    type: Type.Optional(fields.type),
    enabled: Type.Optional(fields.enabled),
    required: Type.Optional(fields.required),
    unique: Type.Optional(fields.unique),
    multiValued: Type.Optional(fields.multiValued),
    enumeratedValues: Type.Optional(fields.enumeratedValues),
    regexValidation: Type.Optional(fields.regexValidation),
    schemaType: Type.Optional(fields.schemaType),
  },
  { additionalProperties: true },
);
export type AttributeBody = Static<typeof AttributeBody>;

/** PATCH: every property optional, null clears an optional one. */
export const AttributePatchBody = Type.Object(
  Object.fromEntries(
    Object.entries({ name: Type.String({ minLength: 1 }), ...fields }).map(([k, schema]) => [
      k,
      Type.Optional(Type.Union([schema, Type.Null()])),
    ]),
  ),
  { additionalProperties: true },
);

export const AttributeSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  schema: IdRef,
  name: Type.String(),
  displayName: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  type: Type.String(),
  schemaType: Type.String(),
  enabled: Type.Boolean(),
  required: Type.Boolean(),
  unique: Type.Boolean(),
  multiValued: Type.Boolean(),
  enumeratedValues: Type.Optional(Type.Array(EnumeratedValue)),
  regexValidation: Type.Optional(RegexValidation),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const SchemaSchema = Type.Object({
  _links: LinksSchema,
  id: Type.String(),
  environment: IdRef,
  name: Type.String(),
  description: Type.String(),
});

export const toAttributeInput = (body: AttributeBody): SchemaAttributeInput => ({
  name: body.name,
  displayName: body.displayName,
  description: body.description,
  type: body.type,
  enabled: body.enabled,
  required: body.required,
  unique: body.unique,
  multiValued: body.multiValued,
  enumeratedValues: body.enumeratedValues,
  regexValidation: body.regexValidation,
});

const PATCHABLE = [
  'name',
  'displayName',
  'description',
  'type',
  'enabled',
  'required',
  'unique',
  'multiValued',
  'enumeratedValues',
  'regexValidation',
] as const;

export const toAttributePatch = (body: Record<string, unknown>): SchemaAttributePatch =>
  Object.fromEntries(PATCHABLE.filter((k) => k in body).map((k) => [k, body[k]]));

const schemaPath = (environmentId: string, schemaId: string) =>
  `/environments/${environmentId}/schemas/${schemaId}`;

export function schemaWire(hal: Hal, s: UserSchema): Static<typeof SchemaSchema> {
  const self = schemaPath(s.environmentId, s.id);
  return {
    _links: {
      self: hal.link(self),
      environment: hal.link(hal.env(s.environmentId)),
      attributes: hal.link(`${self}/attributes`),
    },
    id: s.id,
    environment: { id: s.environmentId },
    name: s.name,
    description: s.description,
  };
}

export function attributeWire(hal: Hal, a: SchemaAttribute): Static<typeof AttributeSchema> {
  const schema = schemaPath(a.environmentId, a.schemaId);
  return {
    _links: {
      self: hal.link(`${schema}/attributes/${a.id}`),
      environment: hal.link(hal.env(a.environmentId)),
      schema: hal.link(schema),
    },
    id: a.id,
    environment: { id: a.environmentId },
    schema: { id: a.schemaId },
    name: a.name,
    ...(a.displayName !== undefined ? { displayName: a.displayName } : {}),
    ...(a.description !== undefined ? { description: a.description } : {}),
    type: a.type,
    schemaType: 'CUSTOM',
    enabled: a.enabled,
    required: a.required,
    unique: a.unique,
    multiValued: a.multiValued,
    ...(a.enumeratedValues ? { enumeratedValues: a.enumeratedValues.map((e) => ({ ...e })) } : {}),
    ...(a.regexValidation
      ? {
          regexValidation: {
            ...a.regexValidation,
            valuesPatternShouldMatch: a.regexValidation.valuesPatternShouldMatch && [
              ...a.regexValidation.valuesPatternShouldMatch,
            ],
            valuesPatternShouldNotMatch: a.regexValidation.valuesPatternShouldNotMatch && [
              ...a.regexValidation.valuesPatternShouldNotMatch,
            ],
          },
        }
      : {}),
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}
