import { randomBytes } from 'node:crypto';
import { authorize, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { UsersService } from '../users/users.service.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import {
  recordUserCredentialActivity,
  recordWalletActivity,
  recordWalletApplicationActivity,
} from './credential-activities.js';
import { issuePending } from './user-credentials.repository.js';
import type { DigitalWallet, WalletApplication, WalletApplicationInput } from './wallet.js';
import {
  deleteWallet,
  deleteWalletApp,
  findWallet,
  findWalletApp,
  listWalletApps,
  listWallets,
  saveWallet,
  saveWalletApp,
} from './wallets.repository.js';

export interface WalletsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly users: UsersService;
}

export type WalletsService = ReturnType<typeof createWalletsService>;

export interface WalletInput {
  readonly walletApplicationId: string;
  readonly applicationInstanceId?: string | undefined;
  readonly notification?: DigitalWallet['notification'];
}

/**
 * Digital wallet applications and users' wallets, simplified: there is no wallet SDK, so a
 * pairing is completed by giving the wallet an `applicationInstance.id` (on create or with PUT).
 * An ACTIVE wallet makes the user's PENDING credentials ISSUED.
 */
export function createWalletsService({ store, clock, environments, users }: WalletsServiceDeps) {
  async function envContext(actor: Actor, environmentId: string, permission: string) {
    const env = await environments.require(environmentId);
    authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
  }

  const userContext = users.requireAuthorized;

  /**
   * An ACTIVE wallet issues the user's PENDING credentials: each is USER_CREDENTIAL.ISSUED, the
   * action type the direct issue path records, with a description saying the wallet did it.
   */
  async function issuePendingCredentials(
    trx: Db,
    actor: Actor,
    user: { readonly username?: string | undefined; readonly populationId?: string | undefined },
    userId: string,
    now: number,
  ) {
    for (const credential of await issuePending(trx, userId, now)) {
      const description = `Issued User Credential ${credential.title} to the user's active digital wallet`;
      await recordUserCredentialActivity(trx, now, actor, credential, user, 'ISSUED', description);
    }
  }

  async function checkApplication(environmentId: string, applicationId: string) {
    const app = await store.db
      .selectFrom('applications')
      .select('id')
      .where('environment_id', '=', environmentId)
      .where('id', '=', applicationId)
      .executeTakeFirst();
    if (!app) throw invalidValue('application.id', 'The application does not exist in this environment.');
  }

  async function requireApp(db: Db, environmentId: string, id: string) {
    const app = await findWalletApp(db, environmentId, id);
    if (!app) throw notFound();
    return app;
  }

  async function requireWallet(db: Db, environmentId: string, userId: string, id: string) {
    const wallet = await findWallet(db, environmentId, userId, id);
    if (!wallet) throw notFound();
    return wallet;
  }

  return {
    // ---- /digitalWalletApplications

    async listApps(actor: Actor, environmentId: string) {
      await envContext(actor, environmentId, 'credentials:read:digitalWalletApplication');
      return listWalletApps(store.db, environmentId);
    },

    async getApp(actor: Actor, environmentId: string, id: string) {
      await envContext(actor, environmentId, 'credentials:read:digitalWalletApplication');
      return requireApp(store.db, environmentId, id);
    },

    async saveApp(
      actor: Actor,
      environmentId: string,
      id: string | undefined,
      input: WalletApplicationInput,
    ): Promise<WalletApplication> {
      await envContext(
        actor,
        environmentId,
        id ? 'credentials:update:digitalWalletApplication' : 'credentials:create:digitalWalletApplication',
      );
      const existing = id ? await requireApp(store.db, environmentId, id) : undefined;
      if (existing && existing.applicationId !== input.applicationId)
        throw invalidValue('application.id', 'application.id cannot be changed.');
      if (
        existing &&
        input.usesPingOneWalletSDK !== undefined &&
        input.usesPingOneWalletSDK !== existing.usesPingOneWalletSDK
      ) {
        throw invalidValue('usesPingOneWalletSDK', 'usesPingOneWalletSDK cannot be changed.');
      }
      if (!existing) await checkApplication(environmentId, input.applicationId);
      const now = clock.now();
      const app: WalletApplication = {
        id: existing?.id ?? newId(),
        environmentId,
        applicationId: input.applicationId,
        name: input.name,
        appOpenUrl: input.appOpenUrl,
        usesPingOneWalletSDK: existing?.usesPingOneWalletSDK ?? input.usesPingOneWalletSDK ?? true,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await store.transaction(async (trx) => {
        await saveWalletApp(trx, app, !existing);
        await recordWalletApplicationActivity(trx, now, actor, app, existing ? 'UPDATED' : 'CREATED');
      });
      return app;
    },

    async deleteApp(actor: Actor, environmentId: string, id: string): Promise<void> {
      await envContext(actor, environmentId, 'credentials:delete:digitalWalletApplication');
      await store.transaction(async (trx) => {
        const app = await requireApp(trx, environmentId, id);
        await deleteWalletApp(trx, id, clock.now());
        await recordWalletApplicationActivity(trx, clock.now(), actor, app, 'DELETED');
      });
    },

    // ---- /users/{userID}/digitalWallets

    async list(actor: Actor, environmentId: string, userId: string) {
      await userContext(actor, environmentId, userId, 'credentials:read:digitalWallet');
      return listWallets(store.db, environmentId, userId);
    },

    async get(actor: Actor, environmentId: string, userId: string, id: string) {
      await userContext(actor, environmentId, userId, 'credentials:read:digitalWallet');
      return requireWallet(store.db, environmentId, userId, id);
    },

    async create(
      actor: Actor,
      environmentId: string,
      userId: string,
      input: WalletInput,
    ): Promise<DigitalWallet> {
      return store.transaction(async (trx) => {
        const user = await userContext(actor, environmentId, userId, 'credentials:create:digitalWallet', trx);
        const app = await findWalletApp(trx, environmentId, input.walletApplicationId);
        if (!app)
          throw invalidValue(
            'digitalWalletApplication.id',
            'The digital wallet application does not exist in this environment.',
          );
        const now = clock.now();
        const id = newId();
        const paired = input.applicationInstanceId !== undefined;
        const sessionId = newId();
        const challenge = randomBytes(24).toString('base64url');
        const url = new URL(app.appOpenUrl);
        url.searchParams.set('u', `${environmentId}/${sessionId}`);
        url.searchParams.set('c', challenge);
        const wallet: DigitalWallet = {
          id,
          environmentId,
          userId,
          walletApplicationId: app.id,
          status: paired ? 'ACTIVE' : 'PAIRING_REQUIRED',
          applicationInstanceId: input.applicationInstanceId,
          pairingSession: {
            id: sessionId,
            challenge,
            qrUrl: url.toString(),
            status: paired ? 'COMPLETED' : 'INITIAL',
            createdAt: now,
            updatedAt: now,
          },
          notification: input.notification,
          createdAt: now,
          updatedAt: now,
        };
        await saveWallet(trx, wallet, true);
        await recordWalletActivity(trx, now, actor, wallet, user, paired ? 'ACTIVE' : 'PAIRING_REQUIRED');
        if (paired) await issuePendingCredentials(trx, actor, user, userId, now);
        return wallet;
      });
    },

    /** Tessera's way to complete a pairing: PUT `{applicationInstance: {id}}` makes the wallet ACTIVE. */
    async completePairing(
      actor: Actor,
      environmentId: string,
      userId: string,
      id: string,
      applicationInstanceId: string | undefined,
    ) {
      return store.transaction(async (trx) => {
        const user = await userContext(actor, environmentId, userId, 'credentials:update:digitalWallet', trx);
        const wallet = await requireWallet(trx, environmentId, userId, id);
        if (applicationInstanceId === undefined) return wallet;
        if (wallet.status === 'DISABLED') throw invalidValue('status', 'A DISABLED wallet cannot be paired.');
        const now = clock.now();
        const next: DigitalWallet = {
          ...wallet,
          status: 'ACTIVE',
          applicationInstanceId,
          pairingSession: wallet.pairingSession
            ? { ...wallet.pairingSession, status: 'COMPLETED', updatedAt: now }
            : undefined,
          updatedAt: now,
        };
        await saveWallet(trx, next, false);
        await recordWalletActivity(trx, now, actor, next, user, 'ACTIVE');
        await issuePendingCredentials(trx, actor, user, userId, now);
        return next;
      });
    },

    async delete(actor: Actor, environmentId: string, userId: string, id: string): Promise<void> {
      await store.transaction(async (trx) => {
        const user = await userContext(actor, environmentId, userId, 'credentials:delete:digitalWallet', trx);
        const wallet = await requireWallet(trx, environmentId, userId, id);
        await deleteWallet(trx, id);
        await recordWalletActivity(trx, clock.now(), actor, wallet, user, 'DELETED');
      });
    },
  };
}
