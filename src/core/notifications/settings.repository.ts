import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import { parseJsonObject } from '../shared/json.js';
import type {
  Address,
  CustomProviderRequest,
  EmailDeliverySettings,
  NotificationsSettings,
  PhoneDeliverySettings,
  SmtpProtocol,
} from './notification.js';

export interface NotificationSettingsTable {
  environment_id: string;
  document: string;
  updated_at: number;
}

export interface EmailDeliverySettingsTable {
  environment_id: string;
  document: string;
  password_sealed: string;
  updated_at: number;
}

export interface PhoneDeliverySettingsTable {
  id: string;
  environment_id: string;
  provider: string;
  document: string;
  secrets_sealed: string | null;
  created_at: number;
  updated_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    notification_settings: NotificationSettingsTable;
    email_delivery_settings: EmailDeliverySettingsTable;
    phone_delivery_settings: PhoneDeliverySettingsTable;
  }
}

// ---- /notificationsSettings

export async function findNotificationsSettings(
  db: Db,
  environmentId: string,
): Promise<NotificationsSettings | undefined> {
  const row = await db
    .selectFrom('notification_settings')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  if (!row) return undefined;
  const d = parseJsonObject(row.document) as unknown as Omit<
    NotificationsSettings,
    'environmentId' | 'updatedAt'
  >;
  return {
    environmentId,
    deliveryMode: d.deliveryMode ?? 'ALL',
    from: d.from,
    replyTo: d.replyTo,
    smsProvidersFallbackChain: d.smsProvidersFallbackChain ?? [],
    updatedAt: row.updated_at,
  };
}

export async function saveNotificationsSettings(
  db: Db,
  settings: NotificationsSettings,
  now: number,
): Promise<void> {
  const { environmentId, updatedAt: _ignored, ...rest } = settings;
  const document = JSON.stringify(rest);
  await db
    .insertInto('notification_settings')
    .values({ environment_id: environmentId, document, updated_at: now })
    .onConflict((oc) => oc.column('environment_id').doUpdateSet({ document, updated_at: now }))
    .execute();
}

export async function deleteNotificationsSettings(db: Db, environmentId: string): Promise<void> {
  await db.deleteFrom('notification_settings').where('environment_id', '=', environmentId).execute();
}

// ---- /notificationsSettings/emailDeliverySettings

interface EmailDocument {
  host: string;
  port: number;
  username: string;
  from?: Address;
  replyTo?: Address;
  protocolOverride?: SmtpProtocol;
}

export async function findEmailSettings(
  db: Db,
  environmentId: string,
): Promise<{ settings: EmailDeliverySettings; passwordSealed: string } | undefined> {
  const row = await db
    .selectFrom('email_delivery_settings')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  if (!row) return undefined;
  const d = parseJsonObject(row.document) as unknown as EmailDocument;
  return {
    settings: {
      environmentId,
      host: d.host,
      port: d.port,
      username: d.username,
      from: d.from,
      replyTo: d.replyTo,
      protocolOverride: d.protocolOverride,
      updatedAt: row.updated_at,
    },
    passwordSealed: row.password_sealed,
  };
}

export async function saveEmailSettings(
  db: Db,
  settings: EmailDeliverySettings,
  passwordSealed: string,
): Promise<void> {
  const document: EmailDocument = {
    host: settings.host,
    port: settings.port,
    username: settings.username,
    ...(settings.from ? { from: settings.from } : {}),
    ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
    ...(settings.protocolOverride ? { protocolOverride: settings.protocolOverride } : {}),
  };
  const values = {
    document: JSON.stringify(document),
    password_sealed: passwordSealed,
    updated_at: settings.updatedAt,
  };
  await db
    .insertInto('email_delivery_settings')
    .values({ environment_id: settings.environmentId, ...values })
    .onConflict((oc) => oc.column('environment_id').doUpdateSet(values))
    .execute();
}

export async function deleteEmailSettings(db: Db, environmentId: string): Promise<void> {
  await db.deleteFrom('email_delivery_settings').where('environment_id', '=', environmentId).execute();
}

// ---- /notificationsSettings/phoneDeliverySettings

const toPhone = (row: Selectable<PhoneDeliverySettingsTable>): PhoneDeliverySettings => {
  const d = parseJsonObject(row.document) as unknown as {
    name?: string;
    authentication?: PhoneDeliverySettings['authentication'];
    requests?: CustomProviderRequest[];
  };
  return {
    id: row.id,
    environmentId: row.environment_id,
    provider: 'CUSTOM_PROVIDER',
    name: d.name,
    authentication: d.authentication,
    requests: d.requests ?? [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

export async function listPhoneSettings(db: Db, environmentId: string) {
  const rows = await db
    .selectFrom('phone_delivery_settings')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ settings: toPhone(row), secretsSealed: row.secrets_sealed }));
}

export async function findPhoneSettings(db: Db, environmentId: string, id: string) {
  const row = await db
    .selectFrom('phone_delivery_settings')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { settings: toPhone(row), secretsSealed: row.secrets_sealed } : undefined;
}

export async function savePhoneSettings(
  db: Db,
  settings: PhoneDeliverySettings,
  secretsSealed: string | null,
  isNew: boolean,
): Promise<void> {
  const document = JSON.stringify({
    name: settings.name,
    authentication: settings.authentication,
    requests: settings.requests,
  });
  if (isNew) {
    await db
      .insertInto('phone_delivery_settings')
      .values({
        id: settings.id,
        environment_id: settings.environmentId,
        provider: settings.provider,
        document,
        secrets_sealed: secretsSealed,
        created_at: settings.createdAt,
        updated_at: settings.updatedAt,
      })
      .execute();
  } else {
    await db
      .updateTable('phone_delivery_settings')
      .set({ document, secrets_sealed: secretsSealed, updated_at: settings.updatedAt })
      .where('id', '=', settings.id)
      .execute();
  }
}

export async function deletePhoneSettings(db: Db, id: string): Promise<void> {
  await db.deleteFrom('phone_delivery_settings').where('id', '=', id).execute();
}
