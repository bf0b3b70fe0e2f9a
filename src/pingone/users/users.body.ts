import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { invalidValue } from '../../core/shared/errors.js';
import type { JsonObject, JsonValue } from '../../core/shared/json.js';
import type { NewUser, UserChanges } from '../../core/users/user.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** Lengths from PingOne's user schema (reference §3.2); 256 where it documents none. */
const NullableString = (maxLength = 256) => Type.Optional(Nullable(Type.String({ maxLength })));
const LimitedObject = (fields: Record<string, number>) =>
  Type.Optional(
    Nullable(
      Type.Object(
        Object.fromEntries(
          Object.entries(fields).map(([name, maxLength]) => [
            name,
            Type.Optional(Nullable(Type.String({ maxLength }))),
          ]),
        ),
        { additionalProperties: true },
      ),
    ),
  );

/**
 * Request bodies of the user routes. Only the attributes whose type decides the route's behaviour
 * are typed here; every profile and custom attribute is checked by the core (user-profile.ts),
 * which knows the environment's custom attributes.
 */
const common = {
  // RFC 5321 caps an address path at 254 characters.
  email: NullableString(254),
  name: LimitedObject({
    formatted: 256,
    given: 256,
    middle: 256,
    family: 256,
    honorificPrefix: 256,
    honorificSuffix: 256,
  }),
  nickname: NullableString(),
  title: NullableString(),
  photo: Type.Optional(
    Nullable(
      Type.Object({ href: Type.Optional(Type.String({ maxLength: 2048 })) }, { additionalProperties: true }),
    ),
  ),
  address: LimitedObject({ streetAddress: 256, locality: 256, region: 256, postalCode: 40, countryCode: 2 }),
  primaryPhone: NullableString(32),
  mobilePhone: NullableString(32),
  locale: NullableString(),
  preferredLanguage: NullableString(),
  timezone: NullableString(),
  externalId: NullableString(1024),
  type: NullableString(),
};

export const UserCreateBody = Type.Object(
  {
    username: Type.String({ maxLength: 128 }),
    population: Type.Optional(Type.Object({ id: Type.String() })),
    enabled: Type.Optional(Type.Boolean()),
    mfaEnabled: Type.Optional(Type.Boolean()),
    emailVerified: Type.Optional(Type.Boolean()),
    ...common,
  },
  { additionalProperties: true, description: 'A user; custom attributes are top-level properties.' },
);

export const ImportPasswordSchema = Type.Object(
  {
    value: Type.Optional(Type.String()),
    forceChange: Type.Optional(Type.Boolean()),
    external: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);
export type ImportPassword = Static<typeof ImportPasswordSchema>;

export const UserImportBody = Type.Object(
  {
    ...UserCreateBody.properties,
    password: Type.Optional(ImportPasswordSchema),
    lifecycle: Type.Optional(
      Type.Object({
        status: Type.Optional(
          Type.Union([Type.Literal('ACCOUNT_OK'), Type.Literal('VERIFICATION_REQUIRED')]),
        ),
        suppressVerificationCode: Type.Optional(Type.Boolean()),
      }),
    ),
  },
  {
    additionalProperties: true,
    description: 'A user with its password and initial lifecycle state (import).',
  },
);

export const UserUpdateBody = Type.Object(
  { username: NullableString(128), ...common },
  { additionalProperties: true, description: 'PUT replaces (omitted attributes are cleared); PATCH merges.' },
);

type Body = Record<string, unknown>;

/**
 * Attributes that PUT/PATCH (and create, for the server-managed ones) silently ignore: they are
 * read-only or change through their own sub-resources (reference §3.2).
 */
const IGNORED = new Set([
  'id',
  'environment',
  'population',
  'enabled',
  'mfaEnabled',
  'password',
  'account',
  'lifecycle',
  'identityProvider',
  'verifyStatus',
  'emailVerified',
  'lastSignOn',
  'memberOfGroupIDs',
  'memberOfGroupNames',
  'createdAt',
  'updatedAt',
  '_links',
  '_embedded',
]);

function profileOf(body: Body): JsonObject {
  const profile: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (!IGNORED.has(key) && key !== 'username' && key !== 'email') profile[key] = value as JsonValue;
  }
  return profile;
}

const optionalString = (value: unknown): string | null | undefined =>
  value === undefined || value === null ? value : (value as string);

export function toUserChanges(body: Body): UserChanges {
  return {
    username: optionalString(body.username),
    email: optionalString(body.email),
    profile: profileOf(body),
  };
}

/** Plain create and import share everything but the import-only attributes. */
export function toNewUser(body: Static<typeof UserImportBody>, isImport: boolean): NewUser {
  if (!isImport && body.emailVerified === true) {
    throw invalidValue('emailVerified', 'can only be set to true when importing a user');
  }
  return {
    username: body.username,
    email: body.email ?? undefined,
    populationId: body.population?.id,
    enabled: body.enabled,
    mfaEnabled: body.mfaEnabled,
    emailVerified: body.emailVerified,
    lifecycleStatus: isImport ? body.lifecycle?.status : undefined,
    profile: profileOf(body),
  };
}
