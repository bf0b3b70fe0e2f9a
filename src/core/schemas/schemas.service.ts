import { authorize, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Environment } from '../environments/environment.js';
import type { Clock } from '../shared/clock.js';
import {
  invalidData,
  invalidValue,
  notFound,
  uniquenessViolation,
  type ErrorDetail,
} from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { RESERVED_ATTRIBUTE_NAMES } from '../users/user-profile.js';
import { removeProfileAttribute } from '../users/users.repository.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { recordChange, type ChangeVerb } from '../activities/record-change.js';
import { compilePattern } from './attribute-values.js';
import { userSchema, type SchemaAttribute, type SchemaAttributeInput, type UserSchema } from './schema.js';
import {
  deleteAttribute,
  findAttribute,
  insertAttribute,
  listAttributes,
  updateAttribute,
} from './schemas.repository.js';

export interface SchemasServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
}

export type SchemasService = ReturnType<typeof createSchemasService>;

export type SchemaAttributePatch = {
  readonly [K in keyof SchemaAttributeInput]?: SchemaAttributeInput[K] | null;
};

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

/** Checks an attribute definition as a whole (after PUT or PATCH merging). */
function checkDefinition(a: SchemaAttribute): void {
  const details: ErrorDetail[] = [];
  const bad = (target: string, message: string) => details.push({ code: 'invalid_value', target, message });
  if (!NAME.test(a.name))
    bad('name', 'must start with a letter and contain only letters, digits and underscores (at most 100)');
  if (RESERVED_ATTRIBUTE_NAMES.has(a.name.toLowerCase())) bad('name', 'is the name of a built-in attribute');
  if (a.type !== 'STRING') {
    if (a.unique) bad('unique', 'only STRING attributes can be unique');
    if (a.enumeratedValues?.length)
      bad('enumeratedValues', 'only STRING attributes can have enumerated values');
    if (a.regexValidation) bad('regexValidation', 'only STRING attributes can have a regex validation');
  }
  if (a.enumeratedValues && a.regexValidation)
    bad('regexValidation', 'cannot be combined with enumeratedValues');
  const values = a.enumeratedValues?.map((e) => e.value) ?? [];
  if (new Set(values).size !== values.length)
    bad('enumeratedValues', 'must not contain the same value twice');
  if (a.regexValidation) {
    const regex =
      a.regexValidation.pattern.length <= 1024 ? compilePattern(a.regexValidation.pattern) : undefined;
    if (!regex)
      bad('regexValidation.pattern', 'must be a valid regular expression of at most 1024 characters');
    else {
      for (const sample of a.regexValidation.valuesPatternShouldMatch ?? []) {
        if (!regex.test(sample))
          bad('regexValidation.valuesPatternShouldMatch', `"${sample}" does not match the pattern`);
      }
      for (const sample of a.regexValidation.valuesPatternShouldNotMatch ?? []) {
        if (regex.test(sample))
          bad('regexValidation.valuesPatternShouldNotMatch', `"${sample}" matches the pattern`);
      }
    }
  }
  if (details.length) throw invalidData(details);
}

export function createSchemasService({ store, clock, environments }: SchemasServiceDeps) {
  async function context(
    actor: Actor,
    environmentId: string,
    permission: string,
    schemaId?: string,
  ): Promise<Environment> {
    const env = await environments.require(environmentId);
    authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
    if (schemaId !== undefined && schemaId !== userSchema(env.id).id) throw notFound();
    return env;
  }

  async function requireAttribute(db: Db, environmentId: string, id: string): Promise<SchemaAttribute> {
    const attribute = await findAttribute(db, environmentId, id);
    if (!attribute) throw notFound();
    return attribute;
  }

  /** SCHEMA_ATTRIBUTE.* (reference more §3.5) about the attribute, then its schema. */
  const audit = (trx: Db, actor: Actor, attribute: SchemaAttribute, verb: ChangeVerb) =>
    recordChange(trx, clock.now(), {
      environmentId: attribute.environmentId,
      actor,
      type: `SCHEMA_ATTRIBUTE.${verb}`,
      resource: { type: 'SCHEMA_ATTRIBUTE', id: attribute.id, name: attribute.name },
      related: [{ type: 'SCHEMA', id: attribute.schemaId, name: 'User' }],
    });

  async function save(
    actor: Actor,
    attribute: SchemaAttribute,
    isNew: boolean,
    trx: Db,
  ): Promise<SchemaAttribute> {
    checkDefinition(attribute);
    try {
      if (isNew) await insertAttribute(trx, attribute);
      else await updateAttribute(trx, attribute);
    } catch (error) {
      if (store.dialect.isUniqueViolation(error)) throw uniquenessViolation('name');
      throw error;
    }
    await audit(trx, actor, attribute, isNew ? 'CREATED' : 'UPDATED');
    return attribute;
  }

  /** PUT and PATCH: the type and multiplicity are fixed once values may exist. */
  async function change(
    actor: Actor,
    environmentId: string,
    schemaId: string,
    id: string,
    build: (current: SchemaAttribute) => SchemaAttribute,
  ): Promise<SchemaAttribute> {
    await context(actor, environmentId, 'dir:update:schema', schemaId);
    return store.transaction(async (trx) => {
      const current = await requireAttribute(trx, environmentId, id);
      const next = {
        ...build(current),
        id,
        environmentId,
        schemaId: current.schemaId,
        createdAt: current.createdAt,
        updatedAt: clock.now(),
      };
      if (next.type !== current.type)
        throw invalidValue('type', 'The type of an attribute cannot be changed.');
      if (next.multiValued !== current.multiValued) {
        throw invalidValue('multiValued', 'Whether an attribute is multi-valued cannot be changed.');
      }
      if (next.name !== current.name)
        throw invalidValue('name', 'The name of an attribute cannot be changed.');
      return save(actor, next, false, trx);
    });
  }

  const fromInput = (input: SchemaAttributeInput, base: Partial<SchemaAttribute> = {}) => ({
    name: input.name,
    displayName: input.displayName,
    description: input.description,
    type: input.type ?? base.type ?? 'STRING',
    enabled: input.enabled ?? true,
    required: input.required ?? false,
    unique: input.unique ?? false,
    multiValued: input.multiValued ?? base.multiValued ?? false,
    enumeratedValues: input.enumeratedValues,
    regexValidation: input.regexValidation,
  });

  return {
    /** The environment's custom attributes, without authorization (user validation reads them). */
    customAttributes: (db: Db, environmentId: string) => listAttributes(db, environmentId),

    async listSchemas(actor: Actor, environmentId: string): Promise<UserSchema[]> {
      const env = await context(actor, environmentId, 'dir:read:schema');
      return [userSchema(env.id)];
    },

    async getSchema(actor: Actor, environmentId: string, schemaId: string): Promise<UserSchema> {
      const env = await context(actor, environmentId, 'dir:read:schema', schemaId);
      return userSchema(env.id);
    },

    async listAttributes(actor: Actor, environmentId: string, schemaId: string): Promise<SchemaAttribute[]> {
      await context(actor, environmentId, 'dir:read:schema', schemaId);
      return listAttributes(store.db, environmentId);
    },

    async getAttribute(
      actor: Actor,
      environmentId: string,
      schemaId: string,
      id: string,
    ): Promise<SchemaAttribute> {
      await context(actor, environmentId, 'dir:read:schema', schemaId);
      return requireAttribute(store.db, environmentId, id);
    },

    async createAttribute(
      actor: Actor,
      environmentId: string,
      schemaId: string,
      input: SchemaAttributeInput,
    ) {
      const env = await context(actor, environmentId, 'dir:update:schema', schemaId);
      const now = clock.now();
      const attribute: SchemaAttribute = {
        id: newId(),
        environmentId: env.id,
        schemaId,
        ...fromInput(input),
        createdAt: now,
        updatedAt: now,
      };
      return store.transaction((trx) => save(actor, attribute, true, trx));
    },

    replaceAttribute(
      actor: Actor,
      environmentId: string,
      schemaId: string,
      id: string,
      input: SchemaAttributeInput,
    ) {
      return change(actor, environmentId, schemaId, id, (current) => ({
        ...current,
        ...fromInput(input, current),
      }));
    },

    /** PATCH: omitted properties are kept, null clears an optional one. */
    patchAttribute(
      actor: Actor,
      environmentId: string,
      schemaId: string,
      id: string,
      input: SchemaAttributePatch,
    ) {
      return change(actor, environmentId, schemaId, id, (current) => {
        const given = Object.entries(input).filter(([, v]) => v !== undefined);
        const defined = Object.fromEntries(given.map(([k, v]) => [k, v === null ? undefined : v]));
        return { ...current, ...defined };
      });
    },

    /** Deletes the attribute and its values from every user of the environment, in one transaction. */
    async deleteAttribute(actor: Actor, environmentId: string, schemaId: string, id: string): Promise<void> {
      await context(actor, environmentId, 'dir:update:schema', schemaId);
      await store.transaction(async (trx) => {
        const attribute = await requireAttribute(trx, environmentId, id);
        await removeProfileAttribute(trx, store.dialect, environmentId, attribute.name, clock.now());
        await deleteAttribute(trx, id);
        await audit(trx, actor, attribute, 'DELETED');
      });
    },
  };
}
