import type { Selectable } from 'kysely';
import type { Db, DbBool } from '../../db/schema.js';
import type { DigitalWallet, WalletApplication, WalletStatus } from './wallet.js';

export interface DigitalWalletApplicationsTable {
  id: string;
  environment_id: string;
  application_id: string;
  name: string;
  app_open_url: string;
  uses_sdk: DbBool;
  created_at: number;
  updated_at: number;
}

export interface DigitalWalletsTable {
  id: string;
  environment_id: string;
  user_id: string;
  wallet_application_id: string;
  status: string;
  application_instance_id: string | null;
  pairing_session: string | null;
  notification: string | null;
  created_at: number;
  updated_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    digital_wallet_applications: DigitalWalletApplicationsTable;
    digital_wallets: DigitalWalletsTable;
  }
}

const toApp = (row: Selectable<DigitalWalletApplicationsTable>): WalletApplication => ({
  id: row.id,
  environmentId: row.environment_id,
  applicationId: row.application_id,
  name: row.name,
  appOpenUrl: row.app_open_url,
  usesPingOneWalletSDK: Boolean(row.uses_sdk),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function findWalletApp(db: Db, environmentId: string, id: string) {
  const row = await db
    .selectFrom('digital_wallet_applications')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toApp(row) : undefined;
}

export async function listWalletApps(db: Db, environmentId: string) {
  const rows = await db
    .selectFrom('digital_wallet_applications')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('id')
    .execute();
  return rows.map(toApp);
}

export async function saveWalletApp(db: Db, app: WalletApplication, isNew: boolean): Promise<void> {
  const values = {
    application_id: app.applicationId,
    name: app.name,
    app_open_url: app.appOpenUrl,
    uses_sdk: app.usesPingOneWalletSDK,
    updated_at: app.updatedAt,
  };
  if (isNew) {
    await db
      .insertInto('digital_wallet_applications')
      .values({ id: app.id, environment_id: app.environmentId, created_at: app.createdAt, ...values })
      .execute();
  } else {
    await db.updateTable('digital_wallet_applications').set(values).where('id', '=', app.id).execute();
  }
}

/** Deletes a wallet application; its users' wallets become DISABLED (their credentials stay). */
export async function deleteWalletApp(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('digital_wallets')
    .set({ status: 'DISABLED', updated_at: now })
    .where('wallet_application_id', '=', id)
    .execute();
  await db.deleteFrom('digital_wallet_applications').where('id', '=', id).execute();
}

const toWallet = (row: Selectable<DigitalWalletsTable>): DigitalWallet => ({
  id: row.id,
  environmentId: row.environment_id,
  userId: row.user_id,
  walletApplicationId: row.wallet_application_id,
  status: row.status as WalletStatus,
  applicationInstanceId: row.application_instance_id ?? undefined,
  pairingSession: row.pairing_session
    ? (JSON.parse(row.pairing_session) as DigitalWallet['pairingSession'])
    : undefined,
  notification: row.notification
    ? (JSON.parse(row.notification) as DigitalWallet['notification'])
    : undefined,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function findWallet(db: Db, environmentId: string, userId: string, id: string) {
  const row = await db
    .selectFrom('digital_wallets')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toWallet(row) : undefined;
}

export async function listWallets(db: Db, environmentId: string, userId: string) {
  const rows = await db
    .selectFrom('digital_wallets')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map(toWallet);
}

export async function hasActiveWallet(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('digital_wallets')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', '=', 'ACTIVE')
    .executeTakeFirst();
  return row !== undefined;
}

export async function saveWallet(db: Db, wallet: DigitalWallet, isNew: boolean): Promise<void> {
  const values = {
    status: wallet.status,
    application_instance_id: wallet.applicationInstanceId ?? null,
    pairing_session: wallet.pairingSession ? JSON.stringify(wallet.pairingSession) : null,
    notification: wallet.notification ? JSON.stringify(wallet.notification) : null,
    updated_at: wallet.updatedAt,
  };
  if (isNew) {
    await db
      .insertInto('digital_wallets')
      .values({
        id: wallet.id,
        environment_id: wallet.environmentId,
        user_id: wallet.userId,
        wallet_application_id: wallet.walletApplicationId,
        created_at: wallet.createdAt,
        ...values,
      })
      .execute();
  } else {
    await db.updateTable('digital_wallets').set(values).where('id', '=', wallet.id).execute();
  }
}

export async function deleteWallet(db: Db, id: string): Promise<void> {
  await db.deleteFrom('digital_wallets').where('id', '=', id).execute();
}
