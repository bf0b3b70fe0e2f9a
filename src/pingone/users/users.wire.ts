import { Type, type Static } from '@sinclair/typebox';
import { iso, isoOrUndefined } from '../../core/shared/clock.js';
import type { JsonObject } from '../../core/shared/json.js';
import { isAccountLocked, type User } from '../../core/users/user.js';
import type { Hal } from '../../pingone-common/hal.js';
import { PopulationSchema } from '../populations/populations.wire.js';
import { IdRef, LinksSchema } from '../shared/schemas.js';

/** A user on the wire. Profile and custom attributes are open-ended, hence additionalProperties. */
export const UserSchema = Type.Object(
  {
    _links: LinksSchema,
    id: Type.String(),
    environment: IdRef,
    account: Type.Object({
      canAuthenticate: Type.Boolean(),
      status: Type.String(),
      lockedAt: Type.Optional(Type.String()),
      unlockAt: Type.Optional(Type.String()),
      secondsUntilUnlock: Type.Optional(Type.Integer()),
    }),
    createdAt: Type.String(),
    email: Type.Optional(Type.String()),
    // Left out while false: PingOne's example responses (seed 003) show no emailVerified on an
    // unverified user, and a false/null value is represented by leaving the property out.
    emailVerified: Type.Optional(Type.Boolean()),
    enabled: Type.Boolean(),
    identityProvider: Type.Object({ type: Type.String(), id: Type.Optional(Type.String()) }),
    lifecycle: Type.Object({ status: Type.String() }),
    mfaEnabled: Type.Boolean(),
    population: IdRef,
    updatedAt: Type.String(),
    username: Type.String(),
    verifyStatus: Type.String(),
    lastSignOn: Type.Optional(Type.Object({ at: Type.String() })),
    memberOfGroupIDs: Type.Optional(Type.Array(Type.String())),
    memberOfGroupNames: Type.Optional(Type.Array(Type.String())),
    _embedded: Type.Optional(
      Type.Object({ population: Type.Optional(PopulationSchema) }, { additionalProperties: true }),
    ),
  },
  { additionalProperties: true },
);
export type UserWire = Static<typeof UserSchema>;

export function userLinks(hal: Hal, user: Pick<User, 'id' | 'environmentId' | 'populationId'>) {
  const self = hal.env(user.environmentId, `/users/${user.id}`);
  const password = hal.link(`${self}/password`);
  return {
    self: hal.link(self),
    environment: hal.link(hal.env(user.environmentId)),
    population: hal.link(hal.env(user.environmentId, `/populations/${user.populationId}`)),
    roleAssignments: hal.link(`${self}/roleAssignments`),
    password,
    'password.reset': password,
    'password.set': password,
    'password.check': password,
    'password.recover': password,
    linkedAccounts: hal.link(`${self}/linkedAccounts`),
    'account.sendVerificationCode': hal.link(self),
    memberOfGroups: hal.link(`${self}/memberOfGroups`),
  };
}

export interface UserWireOptions {
  /** Whether the user can sign on (false when disabled, account-locked or password-locked). */
  readonly canAuthenticate?: boolean;
  readonly include?: { memberOfGroupIDs?: string[]; memberOfGroupNames?: string[] };
  readonly now: number;
  /** `expand=population`: the full population under `_embedded.population`. */
  readonly embedded?: { population?: Static<typeof PopulationSchema> } | undefined;
}

export function userWire(hal: Hal, user: User, options: UserWireOptions): UserWire {
  const profile: JsonObject = user.profile;
  return {
    _links: userLinks(hal, user),
    id: user.id,
    environment: { id: user.environmentId },
    account: accountWire(user, options),
    createdAt: iso(user.createdAt),
    ...(user.email !== undefined ? { email: user.email } : {}),
    ...(user.emailVerified ? { emailVerified: true } : {}),
    enabled: user.enabled,
    identityProvider: { ...user.identityProvider },
    lifecycle: { status: user.lifecycleStatus },
    mfaEnabled: user.mfaEnabled,
    ...profile,
    population: { id: user.populationId },
    updatedAt: iso(user.updatedAt),
    username: user.username,
    verifyStatus: user.verifyStatus,
    ...(user.lastSignOnAt !== undefined ? { lastSignOn: { at: isoOrUndefined(user.lastSignOnAt)! } } : {}),
    ...(options.include ?? {}),
    ...(options.embedded ? { _embedded: options.embedded } : {}),
  };
}

/**
 * `userWire` without `_links`, `include`, `_embedded` and the profile's attributes (the list
 * writer, users-page-json.ts): one plain object, absent attributes left undefined (the serializer
 * skips them) rather than spread in, since a list builds 100 of them.
 */
export function userFieldsWire(user: Omit<User, 'profile'>, options: UserWireOptions) {
  return {
    id: user.id,
    environment: { id: user.environmentId },
    account: accountWire(user, options),
    createdAt: iso(user.createdAt),
    email: user.email,
    emailVerified: user.emailVerified ? true : undefined,
    enabled: user.enabled,
    // The schema writes `type` and `id` only, as of the copy `userWire` makes.
    identityProvider: user.identityProvider,
    lifecycle: { status: user.lifecycleStatus },
    mfaEnabled: user.mfaEnabled,
    population: { id: user.populationId },
    updatedAt: iso(user.updatedAt),
    username: user.username,
    verifyStatus: user.verifyStatus,
    lastSignOn: user.lastSignOnAt !== undefined ? { at: iso(user.lastSignOnAt) } : undefined,
  };
}

function accountWire(user: Omit<User, 'profile'>, options: UserWireOptions): UserWire['account'] {
  const locked = isAccountLocked(user, options.now);
  return {
    canAuthenticate: (options.canAuthenticate ?? true) && user.enabled && !locked,
    status: locked ? 'LOCKED' : 'OK',
    ...(locked && user.account.lockedAt !== undefined ? { lockedAt: iso(user.account.lockedAt) } : {}),
    ...(locked && user.account.unlockAt !== undefined
      ? {
          unlockAt: iso(user.account.unlockAt),
          secondsUntilUnlock: Math.max(0, Math.ceil((user.account.unlockAt - options.now) / 1000)),
        }
      : {}),
  };
}
