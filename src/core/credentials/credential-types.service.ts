import { authorize, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { invalidData, invalidValue, notFound, type ErrorDetail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { JsonObject, JsonValue } from '../shared/json.js';
import type { Store } from '../../db/store.js';
import { recordCredentialTypeActivity } from './credential-activities.js';
import {
  revokesOnDelete,
  type CredentialType,
  type CredentialTypeInput,
  type CredentialTypeVersion,
  type MetadataField,
} from './credential-type.js';
import {
  findCredentialType,
  findVersion,
  insertCredentialType,
  insertVersion,
  listCredentialTypes,
  listVersions,
  updateCredentialType,
} from './credential-types.repository.js';
import { deleteCredentialsOfType } from './user-credentials.repository.js';

export interface CredentialTypesServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
}

export type CredentialTypesService = ReturnType<typeof createCredentialTypesService>;

const FIELD_TYPES = ['Alphanumeric Text', 'Issued Timestamp', 'Directory Attribute'];

/** Validates metadata.fields and fills their defaults (required false, isVisible false). */
function normaliseFields(
  fields: readonly MetadataField[],
  mode: string,
): { fields: MetadataField[]; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const titles = new Set<string>();
  const normalised = fields.map((field, index) => {
    const target = `metadata.fields[${index}]`;
    if (!FIELD_TYPES.includes(field.type)) {
      problems.push({
        code: 'invalid_value',
        target: `${target}.type`,
        message: `type must be one of ${FIELD_TYPES.join(', ')}.`,
      });
    }
    if (field.type === 'Directory Attribute' && !field.attribute) {
      problems.push({
        code: 'required_value',
        target: `${target}.attribute`,
        message: 'attribute is required for a Directory Attribute field.',
      });
    }
    if (field.type === 'Issued Timestamp' && field.value !== undefined) {
      problems.push({
        code: 'invalid_value',
        target: `${target}.value`,
        message: 'value is not allowed for an Issued Timestamp field.',
      });
    }
    if (field.type === 'Alphanumeric Text' && mode === 'AUTOMATED' && field.value === undefined) {
      problems.push({
        code: 'required_value',
        target: `${target}.value`,
        message: 'value is required for an Alphanumeric Text field of an AUTOMATED type.',
      });
    }
    const key = field.title.toLowerCase();
    if (titles.has(key))
      problems.push({
        code: 'not_unique',
        target: `${target}.title`,
        message: 'Field titles must be unique.',
      });
    titles.add(key);
    return { ...field, required: field.required ?? false, isVisible: field.isVisible ?? false };
  });
  return { fields: normalised, problems };
}

/** The stored form of a request: defaults applied, AUTOMATED-only attributes checked. */
function normalise(input: CredentialTypeInput): { mode: CredentialType['mode']; document: JsonObject } {
  const mode = input.mode ?? 'AUTOMATED';
  const document: JsonObject = { ...input.document };
  if (document.expiration !== undefined && mode !== 'AUTOMATED') {
    throw invalidValue('expiration', 'expiration is only allowed when management.mode is AUTOMATED.');
  }
  const expiration = document.expiration as JsonObject | undefined;
  if (expiration) {
    const ways = ['after', 'timestamp', 'expression'].filter((k) => expiration[k] !== undefined);
    if (ways.length !== 1)
      throw invalidValue('expiration', 'expiration requires exactly one of after, timestamp or expression.');
    if (expiration.type === 'SOFT' && !expiration.fieldName)
      throw invalidValue('expiration.fieldName', 'fieldName is required for a SOFT expiration.');
  }
  const metadata = { ...((document.metadata as JsonObject | undefined) ?? {}) };
  const { fields, problems } = normaliseFields(
    (metadata.fields as unknown as MetadataField[] | undefined) ?? [],
    mode,
  );
  if (problems.length > 0) throw invalidData(problems);
  metadata.fields = fields as unknown as JsonValue;
  document.metadata = metadata;
  const onDelete = (document.onDelete as JsonObject | undefined) ?? {};
  document.onDelete = { ...onDelete, revokeIssuedCredentials: onDelete.revokeIssuedCredentials !== false };
  if (document.cardType === undefined) document.cardType = input.title;
  return { mode, document };
}

/** Canonical JSON (sorted keys), to tell a meaningful change from a no-op PUT. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function createCredentialTypesService({ store, clock, environments }: CredentialTypesServiceDeps) {
  async function context(actor: Actor, environmentId: string, permission: string) {
    const env = await environments.require(environmentId);
    authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
  }

  async function requireType(environmentId: string, id: string, live = false): Promise<CredentialType> {
    const type = await findCredentialType(store.db, environmentId, id);
    if (!type || (live && type.deletedAt !== undefined)) throw notFound();
    return type;
  }

  const snapshotOf = (type: CredentialType): CredentialTypeVersion => ({
    id: type.version.id,
    environmentId: type.environmentId,
    credentialTypeId: type.id,
    version: type.version.number,
    snapshot: type,
    createdAt: type.updatedAt,
  });

  return {
    async list(actor: Actor, environmentId: string): Promise<CredentialType[]> {
      await context(actor, environmentId, 'credentials:read:credentialType');
      return listCredentialTypes(store.db, environmentId);
    },

    /** Reads a type; a soft-deleted type is still readable and shows `deletedAt`. */
    async get(actor: Actor, environmentId: string, id: string): Promise<CredentialType> {
      await context(actor, environmentId, 'credentials:read:credentialType');
      return requireType(environmentId, id);
    },

    async create(actor: Actor, environmentId: string, input: CredentialTypeInput): Promise<CredentialType> {
      await context(actor, environmentId, 'credentials:create:credentialType');
      const { mode, document } = normalise(input);
      const now = clock.now();
      const type: CredentialType = {
        id: newId(),
        environmentId,
        title: input.title,
        mode,
        document,
        version: { number: 1, id: newId() },
        createdAt: now,
        updatedAt: now,
        deletedAt: undefined,
      };
      await store.transaction(async (trx) => {
        await insertCredentialType(trx, type);
        await insertVersion(trx, snapshotOf(type));
        await recordCredentialTypeActivity(trx, now, actor, type, 'CREATED');
      });
      return type;
    },

    /**
     * Replaces a type (PUT is a full replacement: omitted attributes are removed). `title` is
     * immutable. A change stores a new version snapshot and increments `version.number`.
     */
    async replace(
      actor: Actor,
      environmentId: string,
      id: string,
      input: CredentialTypeInput,
    ): Promise<CredentialType> {
      await context(actor, environmentId, 'credentials:update:credentialType');
      return store.transaction(async (trx) => {
        const existing = await findCredentialType(trx, environmentId, id);
        if (!existing || existing.deletedAt !== undefined) throw notFound();
        if (input.title !== existing.title) throw invalidValue('title', 'title cannot be changed.');
        const { mode, document } = normalise(input);
        if (canonical({ mode, document }) === canonical({ mode: existing.mode, document: existing.document }))
          return existing;
        const now = clock.now();
        const next: CredentialType = {
          ...existing,
          mode,
          document,
          version: { number: existing.version.number + 1, id: newId() },
          updatedAt: now,
        };
        await updateCredentialType(trx, next);
        await insertVersion(trx, snapshotOf(next));
        await recordCredentialTypeActivity(trx, now, actor, next, 'UPDATED');
        return next;
      });
    },

    /**
     * Soft delete: the type keeps answering Read One with `deletedAt`. Its credentials are
     * deleted when `onDelete.revokeIssuedCredentials` is true; PENDING ones always are.
     */
    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      await context(actor, environmentId, 'credentials:delete:credentialType');
      await store.transaction(async (trx) => {
        const existing = await findCredentialType(trx, environmentId, id);
        if (!existing || existing.deletedAt !== undefined) throw notFound();
        const now = clock.now();
        await updateCredentialType(trx, { ...existing, deletedAt: now, updatedAt: now });
        await deleteCredentialsOfType(trx, id, revokesOnDelete(existing) ? 'all' : 'pending');
        await recordCredentialTypeActivity(trx, now, actor, existing, 'DELETED');
      });
    },

    async listVersions(actor: Actor, environmentId: string, id: string): Promise<CredentialTypeVersion[]> {
      await context(actor, environmentId, 'credentials:read:credentialType');
      await requireType(environmentId, id);
      return listVersions(store.db, id);
    },

    async getVersion(
      actor: Actor,
      environmentId: string,
      id: string,
      versionId: string,
    ): Promise<CredentialTypeVersion> {
      await context(actor, environmentId, 'credentials:read:credentialType');
      await requireType(environmentId, id);
      const version = await findVersion(store.db, id, versionId);
      if (!version) throw notFound();
      return version;
    },
  };
}
