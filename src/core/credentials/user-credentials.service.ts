// Over 300 lines: one service for a user's credentials (issue, update, revoke, delete, expiry),
// each with its notification and audit activity in the same transaction.
import type { Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { iso, type Clock } from '../shared/clock.js';
import { invalidData, invalidValue, notFound, requestFailed, type ErrorDetail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { UsersService } from '../users/users.service.js';
import type { User } from '../users/user.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { fieldsOf, type CredentialType, type MetadataField } from './credential-type.js';
import { findCredentialType } from './credential-types.repository.js';
import {
  effectiveStatus,
  type CredentialInput,
  type CredentialNotification,
  type UserCredential,
} from './user-credential.js';
import {
  deleteCredential,
  findCredential,
  insertCredential,
  listCredentials,
  lockExpired,
  markRevoked,
  updateCredential,
} from './user-credentials.repository.js';
import { hasActiveWallet } from './wallets.repository.js';
import { recordUserCredentialActivity } from './credential-activities.js';
import type { EnvironmentScope } from '../shared/environment-scope.js';

export interface UserCredentialsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly users: UsersService;
  readonly notifications: NotificationsService;
}

export type UserCredentialsService = ReturnType<typeof createUserCredentialsService>;

/** A Directory Attribute: `name.formatted` or a `${user.name.formatted}` expression. */
function directoryValue(user: User, attribute: string | undefined): string {
  if (!attribute) return '';
  const path = /^\$\{\s*user\.(.+?)\s*\}$/.exec(attribute)?.[1] ?? attribute;
  const top: Record<string, unknown> = {
    id: user.id,
    username: user.username,
    email: user.email,
    ...user.profile,
  };
  let value: unknown = top;
  for (const part of path.split('.'))
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

function missingRequired(
  fields: readonly MetadataField[],
  data: Readonly<Record<string, string | null>>,
): ErrorDetail[] {
  return fields
    .filter(
      (f) => f.required && (data[f.title] === null || data[f.title] === undefined || data[f.title] === ''),
    )
    .map((f) => ({
      code: 'required_value',
      target: `data.${f.title}`,
      message: `${f.title} is required by the credential type.`,
    }));
}

export function createUserCredentialsService({
  store,
  clock,
  users,
  notifications,
}: UserCredentialsServiceDeps) {
  const context = users.requireAuthorized;

  async function requireManagedType(db: Db, environmentId: string, id: string): Promise<CredentialType> {
    const type = await findCredentialType(db, environmentId, id);
    if (!type || type.deletedAt !== undefined)
      throw invalidValue('credentialType.id', 'The credential type does not exist in this environment.');
    if (type.mode !== 'MANAGED') {
      throw invalidValue(
        'credentialType.id',
        'User credentials can only be created for credential types with management.mode MANAGED.',
      );
    }
    return type;
  }

  /** Sends `template` about a credential when it carries notification methods; returns the results. */
  async function notify(
    trx: Db,
    actor: Actor | undefined,
    credential: UserCredential,
    template: string,
    notification: CredentialNotification | undefined,
  ) {
    if (!notification || notification.methods.length === 0) return undefined;
    return notifications.enqueue(trx, {
      actor,
      environmentId: credential.environmentId,
      userId: credential.userId,
      template,
      methods: notification.methods,
      locale: notification.template?.locale,
      variant: notification.template?.variant,
      variables: { ...(notification.template?.variables ?? {}), 'credential.name': credential.title },
    });
  }

  const requestedNotification = (
    input: CredentialInput,
    stored?: CredentialNotification,
  ): CredentialNotification | undefined =>
    input.notification
      ? {
          methods: input.notification.methods ?? ['EMAIL'],
          template: input.notification.template ?? stored?.template,
        }
      : undefined;

  /** Revokes inside `trx`; only the caller that flips the status sends `credential_revoked`. */
  async function revokeWithin(
    trx: Db,
    credential: UserCredential,
    expiresAt: number,
    by: { actor: Actor; user: User } | undefined,
  ): Promise<boolean> {
    const now = clock.now();
    if (!(await markRevoked(trx, credential.id, { expiresAt, updatedAt: now }))) return false;
    await recordUserCredentialActivity(trx, now, by?.actor, credential, by?.user ?? {}, 'REVOKED');
    const results = await notify(
      trx,
      by?.actor,
      { ...credential, status: 'REVOKED' },
      'credential_revoked',
      credential.notification,
    );
    if (results) {
      const fresh = await findCredential(trx, credential.environmentId, credential.userId, credential.id);
      if (fresh)
        await updateCredential(trx, { ...fresh, notification: { ...credential.notification!, results } });
    }
    return true;
  }

  async function requireCredential(
    db: Db,
    environmentId: string,
    userId: string,
    id: string,
    forUpdate = false,
  ) {
    const credential = await findCredential(db, environmentId, userId, id, forUpdate);
    if (!credential) throw notFound();
    return credential;
  }

  return {
    effectiveStatus: (c: UserCredential) => effectiveStatus(c, clock.now()),

    async create(
      actor: Actor,
      environmentId: string,
      userId: string,
      input: CredentialInput,
    ): Promise<UserCredential> {
      return store.transaction(async (trx) => {
        const user = await context(actor, environmentId, userId, 'credentials:create:userCredential', trx);
        const type = await requireManagedType(trx, environmentId, input.credentialTypeId);
        const now = clock.now();
        const fields = fieldsOf(type);
        // Every field of the type is present; a field without a value is issued empty ("").
        const data: Record<string, string | null> = { ...(input.data ?? {}) };
        for (const field of fields) {
          if (data[field.title] !== undefined && data[field.title] !== null) continue;
          if (field.type === 'Directory Attribute')
            data[field.title] = directoryValue(user, field.attribute) || (field.default ?? '');
          else if (field.type === 'Issued Timestamp') data[field.title] = iso(now);
          else data[field.title] = field.value ?? field.default ?? '';
        }
        const missing = missingRequired(fields, data);
        if (missing.length > 0) throw invalidData(missing);
        if (typeof input.expiresAt === 'number' && input.expiresAt <= now)
          throw invalidValue('expiresAt', 'expiresAt must be in the future.');
        const notification = requestedNotification(input);
        let credential: UserCredential = {
          id: newId(),
          environmentId,
          userId,
          credentialTypeId: type.id,
          typeVersion: type.version,
          title: type.title,
          data,
          status: (await hasActiveWallet(trx, userId)) ? 'ISSUED' : 'PENDING',
          expiresAt: input.expiresAt ?? undefined,
          notification,
          createdAt: now,
          updatedAt: now,
        };
        await insertCredential(trx, credential);
        await recordUserCredentialActivity(
          trx,
          now,
          actor,
          credential,
          user,
          credential.status === 'PENDING' ? 'PENDING' : 'ISSUED',
        );
        const results = await notify(trx, actor, credential, 'credential_issued', notification);
        if (results) {
          credential = { ...credential, notification: { ...notification!, results } };
          await updateCredential(trx, credential);
        }
        return credential;
      });
    },

    async get(actor: Actor, environmentId: string, userId: string, id: string): Promise<UserCredential> {
      await context(actor, environmentId, userId, 'credentials:read:userCredential');
      return requireCredential(store.db, environmentId, userId, id);
    },

    async list(actor: Actor, environmentId: string, userId: string): Promise<UserCredential[]> {
      await context(actor, environmentId, userId, 'credentials:read:userCredential');
      return listCredentials(store.db, environmentId, userId);
    },

    /**
     * PUT: `data` replaces the stored data (fields left out become null; a required field left
     * out is a 400). `credentialType.id` is immutable. `expiresAt` schedules revocation (omitted
     * keeps the schedule, null removes it). A `notification` sends `credential_updated`.
     */
    async replace(
      actor: Actor,
      environmentId: string,
      userId: string,
      id: string,
      input: CredentialInput,
    ): Promise<UserCredential> {
      return store.transaction(async (trx) => {
        const user = await context(actor, environmentId, userId, 'credentials:update:userCredential', trx);
        const existing = await requireCredential(trx, environmentId, userId, id, true);
        if (input.credentialTypeId !== existing.credentialTypeId)
          throw invalidValue('credentialType.id', 'credentialType.id cannot be changed.');
        const now = clock.now();
        if (effectiveStatus(existing, now) === 'REVOKED')
          throw requestFailed('invalid_value', 'A revoked credential cannot be updated.', 'status');
        const type = await findCredentialType(trx, environmentId, existing.credentialTypeId);
        if (!type) throw notFound();
        const fields = fieldsOf(type);
        const data: Record<string, string | null> = { ...(input.data ?? {}) };
        for (const field of fields) if (data[field.title] === undefined) data[field.title] = null;
        const missing = missingRequired(fields, data);
        if (missing.length > 0) throw invalidData(missing);
        const expiresAt = input.expiresAt === undefined ? existing.expiresAt : (input.expiresAt ?? undefined);
        const requested = requestedNotification(input, existing.notification);
        let credential: UserCredential = {
          ...existing,
          typeVersion: type.deletedAt === undefined ? type.version : existing.typeVersion,
          title: type.title,
          data,
          expiresAt,
          notification: requested ?? existing.notification,
          updatedAt: now,
        };
        await updateCredential(trx, credential);
        // The reference lists no USER_CREDENTIAL.UPDATED: an update re-issues (docs/audit.md).
        const event = effectiveStatus(credential, now) === 'PENDING' ? 'PENDING' : 'ISSUED';
        await recordUserCredentialActivity(
          trx,
          now,
          actor,
          credential,
          user,
          event,
          `Updated User Credential ${credential.title}`,
        );
        const results = await notify(trx, actor, credential, 'credential_updated', requested);
        if (results) {
          credential = { ...credential, notification: { ...requested!, results } };
          await updateCredential(trx, credential);
        }
        return credential;
      });
    },

    /** Revokes at once: status REVOKED, `expiresAt` set to the revocation time. Idempotent. */
    async revoke(actor: Actor, environmentId: string, userId: string, id: string): Promise<UserCredential> {
      return store.transaction(async (trx) => {
        const user = await context(actor, environmentId, userId, 'credentials:update:userCredential', trx);
        const existing = await requireCredential(trx, environmentId, userId, id, true);
        const now = clock.now();
        // An expired credential keeps its expiry instant as its revocation time.
        const at = existing.expiresAt !== undefined && existing.expiresAt <= now ? existing.expiresAt : now;
        await revokeWithin(trx, existing, at, { actor, user });
        return requireCredential(trx, environmentId, userId, id);
      });
    },

    async delete(actor: Actor, environmentId: string, userId: string, id: string): Promise<void> {
      await store.transaction(async (trx) => {
        const user = await context(actor, environmentId, userId, 'credentials:delete:userCredential', trx);
        const credential = await requireCredential(trx, environmentId, userId, id, true);
        await deleteCredential(trx, id);
        await recordUserCredentialActivity(trx, clock.now(), actor, credential, user, 'DELETED');
      });
    },

    /**
     * Scheduler job: persists REVOKED for credentials whose `expiresAt` has passed and sends
     * `credential_revoked` when the credential asked for notifications. Rows are locked with
     * SKIP LOCKED and flipped by a conditional update, so each expiry is processed once.
     */
    async expireDue(scope?: EnvironmentScope, limit = 100): Promise<number> {
      return store.transaction(async (trx) => {
        const due = await lockExpired(trx, clock.now(), limit, scope);
        let count = 0;
        for (const credential of due)
          if (await revokeWithin(trx, credential, credential.expiresAt!, undefined)) count += 1;
        return count;
      });
    },
  };
}
