import type { Actor } from '../access/actor.js';
import { recordChange, type ChangeVerb } from '../activities/record-change.js';
import type { Db } from '../../db/schema.js';
import type { CredentialType } from './credential-type.js';
import type { UserCredential } from './user-credential.js';

/** CREDENTIAL_TYPE.CREATED/UPDATED/DELETED (reference more §3.5) about the type, by its title. */
export function recordCredentialTypeActivity(
  trx: Db,
  now: number,
  actor: Actor,
  type: Pick<CredentialType, 'id' | 'environmentId' | 'title'>,
  verb: ChangeVerb,
) {
  return recordChange(trx, now, {
    environmentId: type.environmentId,
    actor,
    type: `CREDENTIAL_TYPE.${verb}`,
    resource: { type: 'CREDENTIAL_TYPE', id: type.id, name: type.title },
  });
}

export type UserCredentialEvent = 'ISSUED' | 'PENDING' | 'REVOKED' | 'DELETED';

/**
 * USER_CREDENTIAL.ISSUED/PENDING/REVOKED/DELETED about a user's credential (named by its type's
 * title), the user following so `resources.id eq "<user>"` finds it. Never the credential's data.
 * No actor: the scheduler revoking an expired credential (a system event).
 */
export function recordUserCredentialActivity(
  trx: Db,
  now: number,
  actor: Actor | undefined,
  credential: Pick<UserCredential, 'id' | 'environmentId' | 'userId' | 'title'>,
  user: { readonly username?: string | undefined; readonly populationId?: string | undefined },
  event: UserCredentialEvent,
  description?: string,
) {
  return recordChange(trx, now, {
    environmentId: credential.environmentId,
    actor,
    type: `USER_CREDENTIAL.${event}`,
    resource: { type: 'USER_CREDENTIAL', id: credential.id, name: credential.title },
    related: [{ type: 'USER', id: credential.userId, name: user.username, populationId: user.populationId }],
    description,
  });
}

/**
 * A user's digital wallet: DIGITAL_WALLET.PAIRING_REQUIRED / ACTIVE / DELETED (its status after
 * the change, as the reference's list names them), the user following.
 */
export function recordWalletActivity(
  trx: Db,
  now: number,
  actor: Actor,
  wallet: { readonly id: string; readonly environmentId: string; readonly userId: string },
  user: { readonly username?: string | undefined; readonly populationId?: string | undefined },
  event: 'PAIRING_REQUIRED' | 'ACTIVE' | 'DELETED',
) {
  return recordChange(trx, now, {
    environmentId: wallet.environmentId,
    actor,
    type: `DIGITAL_WALLET.${event}`,
    resource: { type: 'DIGITAL_WALLET', id: wallet.id },
    related: [{ type: 'USER', id: wallet.userId, name: user.username, populationId: user.populationId }],
  });
}

/** DIGITAL_WALLET_APPLICATION.CREATED/UPDATED/DELETED about a wallet application, by its name. */
export function recordWalletApplicationActivity(
  trx: Db,
  now: number,
  actor: Actor,
  app: { readonly id: string; readonly environmentId: string; readonly name: string },
  verb: ChangeVerb,
) {
  return recordChange(trx, now, {
    environmentId: app.environmentId,
    actor,
    type: `DIGITAL_WALLET_APPLICATION.${verb}`,
    resource: { type: 'DIGITAL_WALLET_APPLICATION', id: app.id, name: app.name },
  });
}
