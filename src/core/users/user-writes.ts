import type { StoreDialect } from '../../db/dialect.js';
import type { Db } from '../../db/schema.js';
import type { Environment } from '../environments/environment.js';
import type { SchemaAttribute } from '../schemas/schema.js';
import { listAttributes } from '../schemas/schemas.repository.js';
import { invalidData, uniquenessViolation, type ErrorDetail } from '../shared/errors.js';
import type { JsonObject } from '../shared/json.js';
import { newId } from '../shared/ids.js';
import type { NewUser, User } from './user.js';
import {
  applyProfileChanges,
  checkProfileChanges,
  checkProfileShape,
  requiredValue,
} from './user-profile.js';
import { findUserWithProfileValue } from './users.repository.js';

export { requiredValue as required } from './user-profile.js';

/** A user as an activity's resource (its population lets subscriptions filter on it). */
export const userResource = (user: User) => ({
  type: 'USER',
  id: user.id,
  name: user.username,
  populationId: user.populationId,
});

/** The user a create writes (in `populationId`, already checked to exist), created at `now`. */
export const newUserRecord = (env: Environment, populationId: string, input: NewUser, now: number): User => ({
  id: input.id ?? newId(),
  environmentId: env.id,
  populationId,
  username: input.username,
  email: input.email,
  enabled: input.enabled ?? true,
  mfaEnabled: input.mfaEnabled ?? false,
  emailVerified: input.emailVerified ?? false,
  lifecycleStatus: input.lifecycleStatus ?? 'ACCOUNT_OK',
  verifyStatus: 'NOT_INITIATED',
  account: { locked: false },
  identityProvider: { type: 'PING_ONE' },
  profile: input.profile ?? {},
  lastSignOnAt: undefined,
  createdAt: now,
  updatedAt: now,
  revision: 1,
});

/** What a change of a user records: its action type and, optionally, its own description. */
export interface UserActivity {
  readonly type: string;
  readonly description?: ((user: User) => string) | undefined;
}

/**
 * Validates the profile part of a create (`replace` from nothing), PUT (`replace`) or PATCH
 * (`merge`) and returns the resulting profile.
 */
export async function nextProfile(
  trx: Db,
  dialect: StoreDialect,
  env: Environment,
  userId: string,
  current: JsonObject,
  given: JsonObject,
  mode: 'replace' | 'merge',
  details: ErrorDetail[],
  /** The environment's schema attributes, when the caller read them already. */
  attributes?: SchemaAttribute[],
): Promise<JsonObject> {
  const custom = attributes ?? (await listAttributes(trx, env.id));
  details.push(...checkProfileChanges(given, custom));
  const profile = applyProfileChanges(current, given, mode);
  details.push(...checkProfileShape(profile));
  for (const a of custom.filter((x) => x.required && x.enabled)) {
    const missing = mode === 'replace' ? profile[a.name] === undefined : given[a.name] === null;
    if (missing) details.push(requiredValue(a.name));
  }
  if (details.length) throw invalidData(details);
  await checkUniqueValues(trx, dialect, env, userId, custom, given);
  return profile;
}

// Unique custom attributes: checked in the writing transaction (see docs/users.md for the
// remaining race on PostgreSQL between two transactions writing the same new value).
async function checkUniqueValues(
  trx: Db,
  dialect: StoreDialect,
  env: Environment,
  userId: string,
  custom: readonly SchemaAttribute[],
  given: JsonObject,
) {
  for (const a of custom) {
    const value = given[a.name];
    if (!a.unique || a.multiValued || typeof value !== 'string') continue;
    if (await findUserWithProfileValue(trx, dialect, env.id, a.name, value, userId))
      throw uniquenessViolation(a.name);
  }
}
