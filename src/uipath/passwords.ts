import type { Actor } from '../core/access/actor.js';
import type { Services } from '../core/services.js';
import type { UiPathUsersService } from '../core/users/uipath-users.service.js';
import type { User } from '../core/users/user.js';
import type { Db } from '../db/schema.js';

/**
 * What the UiPath face needs from the passwords core, with the face's own authorization (OAuth
 * scopes in the token's organization, not PingOne roles) applied first.
 */
export interface PasswordsPort {
  /** changepassword: the old password must match (a mismatch counts toward lockout). */
  change(
    actor: Actor,
    environmentId: string,
    userId: string,
    input: { currentPassword: string; newPassword: string },
  ): Promise<void>;
  /**
   * PUT `password`: administrator set without the old password; the policy applies. Checks and
   * hashes now; the returned write runs inside the user update's transaction.
   */
  prepareSet(
    actor: Actor,
    environmentId: string,
    userId: string,
    password: string,
  ): Promise<(trx: Db) => Promise<void>>;
  /** POST /api/User `password`: set inside the creating transaction (`validatePassword` applies the policy). */
  setWithin(trx: Db, user: User, password: string, options: { validate: boolean }): Promise<void>;
}

export function createPasswordsPort(services: Services, uipathUsers: UiPathUsersService): PasswordsPort {
  const { passwords, environments } = services;
  const authorize = async (actor: Actor, environmentId: string) => {
    uipathUsers.authorizeScopes(actor, await environments.require(environmentId), 'write');
  };
  return {
    async change(actor, environmentId, userId, input) {
      await authorize(actor, environmentId);
      await passwords.change(environmentId, userId, input);
    },
    async prepareSet(actor, environmentId, userId, password) {
      await authorize(actor, environmentId);
      return passwords.prepareAdminSet(environmentId, userId, password);
    },
    async setWithin(trx, user, password, options) {
      const env = await environments.require(user.environmentId, trx);
      await passwords.importWithin(trx, env, user, { value: password, bypassPolicy: !options.validate });
    },
  };
}
