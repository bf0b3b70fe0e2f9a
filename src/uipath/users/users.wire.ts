import { Type, type Static, type TOptional, type TSchema } from '@sinclair/typebox';
import { iso } from '../../core/shared/clock.js';
import type { JsonObject } from '../../core/shared/json.js';
import type {
  DirectoryUser,
  DirectoryUserChange,
  NewDirectoryUser,
  PersonName,
} from '../../core/users/directory.service.js';
import { Guid, Nullable, OrNull } from '../shared/schemas.js';

/** UiPath's UserType, by number (the wire) and by name (accepted in requests, as Newtonsoft does). */
export const USER_TYPES = [
  'user',
  'robot',
  'directoryUser',
  'directoryGroup',
  'robotAccount',
  'application',
] as const;

const UserTypeBody = Type.Unsafe<number | string>({
  anyOf: [
    { type: 'integer', minimum: 0, maximum: USER_TYPES.length - 1 },
    { type: 'string', enum: [...USER_TYPES] },
  ],
  clrType: 'UserType',
  description:
    '0 user, 1 robot, 2 directoryUser, 3 directoryGroup, 4 robotAccount, 5 application (number or name)',
});

const CreateUserBaseProperties = {
  id: Nullable(Guid),
  userName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  name: Nullable(Type.String()),
  surname: Nullable(Type.String()),
  displayName: Nullable(Type.String()),
  type: Type.Optional(UserTypeBody),
  bypassBasicAuthRestriction: Type.Optional(Type.Boolean()),
  legacyId: Nullable(Type.Integer({ format: 'int64' })),
  invitationAccepted: Type.Optional(Type.Boolean()),
};
const optionalAll = <T extends Record<string, TSchema>>(props: T) =>
  Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: TOptional<T[K]>;
  };

export const CreateUserBaseBody = Type.Object(optionalAll(CreateUserBaseProperties), {
  clrType: 'CreateUserCommandBase',
});
export type CreateUserBaseBody = Static<typeof CreateUserBaseBody>;

export const CreateUserBody = Type.Object(
  optionalAll({
    ...CreateUserBaseProperties,
    partitionGlobalId: Guid,
    password: Nullable(Type.String()),
    validatePassword: Type.Boolean(),
    groupIDs: Nullable(Type.Array(Guid)),
    userLogins: Nullable(
      Type.Array(
        Type.Object(
          optionalAll({
            loginProvider: Nullable(Type.String()),
            providerKey: Nullable(Type.String()),
            providerDisplayName: Nullable(Type.String()),
          }),
        ),
      ),
    ),
  }),
  { clrType: 'CreateUserCommand' },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const BulkCreateBody = Type.Object(
  optionalAll({
    users: Nullable(Type.Array(CreateUserBaseBody)),
    partitionGlobalId: Guid,
    groupIDs: Nullable(Type.Array(Guid)),
  }),
  { clrType: 'CreateUsersCommand' },
);
export type BulkCreateBody = Static<typeof BulkCreateBody>;

export const UpdateUserBody = Type.Object(
  optionalAll({
    name: Nullable(Type.String()),
    surname: Nullable(Type.String()),
    displayName: Nullable(Type.String()),
    email: Nullable(Type.String()),
    isActive: Nullable(Type.Boolean()),
    password: Nullable(Type.String()),
    groupIDsToAdd: Nullable(Type.Array(Guid)),
    groupIDsToRemove: Nullable(Type.Array(Guid)),
    bypassBasicAuthRestriction: Nullable(Type.Boolean()),
    invitationAccepted: Nullable(Type.Boolean()),
    extensionUserAttributesToAddOrUpdate: Nullable(Type.Record(Type.String(), Type.String())),
    extensionUserAttributesToRemove: Nullable(Type.Array(Type.String())),
  }),
  { clrType: 'UpdateUserCommand' },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const BulkDeleteBody = Type.Object(
  optionalAll({ partitionGlobalId: Guid, userIds: Nullable(Type.Array(Guid)) }),
  { clrType: 'BulkSoftDeleteCommand' },
);
export type BulkDeleteBody = Static<typeof BulkDeleteBody>;

export const ChangePasswordBody = Type.Object(
  optionalAll({ oldPassword: Nullable(Type.String()), newPassword: Nullable(Type.String()) }),
  { clrType: 'ChangeUserPasswordCommand' },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

/** UserDto as the live API sends it: numeric `type` and `category`, `email` "" when absent. */
export const UserDtoSchema = Type.Object(
  {
    id: Type.String(),
    userName: OrNull(Type.String()),
    email: Type.String(),
    emailConfirmed: Type.Boolean(),
    name: OrNull(Type.String()),
    surname: OrNull(Type.String()),
    displayName: OrNull(Type.String()),
    creationTime: Type.String({ format: 'date-time' }),
    lastModificationTime: OrNull(Type.String({ format: 'date-time' })),
    lastLoginTime: OrNull(Type.String({ format: 'date-time' })),
    groupIDs: Type.Array(Type.String()),
    legacyId: Type.Integer(),
    isActive: Type.Boolean(),
    bypassBasicAuthRestriction: Type.Boolean(),
    type: Type.Integer({
      description: '0 user, 1 robot, 2 directoryUser, 3 directoryGroup, 4 robotAccount, 5 application',
    }),
    category: Type.Integer({ description: '0 local, 1 linkedLocal, 2 directory' }),
    invitationAccepted: Type.Boolean(),
    /** Tessera extension: the attributes set with extensionUserAttributesToAddOrUpdate. */
    extensionUserAttributes: Type.Record(Type.String(), Type.String()),
  },
  { title: 'UserDto' },
);
export type UserDto = Static<typeof UserDtoSchema>;

export const UserPageSchema = Type.Object(
  { totalCount: Type.Integer(), results: Type.Array(UserDtoSchema) },
  { title: 'UserDtoPagedResultDto' },
);

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function nameOf(profile: JsonObject): PersonName {
  const name = profile.name;
  if (typeof name !== 'object' || name === null || Array.isArray(name)) return {};
  return {
    given: text(name.given) ?? undefined,
    family: text(name.family) ?? undefined,
    formatted: text(name.formatted) ?? undefined,
  };
}

export function userDto({ user, attributes, groupIds }: DirectoryUser): UserDto {
  const name = nameOf(user.profile);
  return {
    id: user.id,
    userName: user.username,
    email: user.email ?? '',
    emailConfirmed: user.emailVerified,
    name: name.given ?? null,
    surname: name.family ?? null,
    displayName: name.formatted ?? null,
    creationTime: iso(user.createdAt),
    lastModificationTime: iso(user.updatedAt),
    lastLoginTime: user.lastSignOnAt === undefined ? null : iso(user.lastSignOnAt),
    groupIDs: [...groupIds],
    legacyId: attributes.legacyId,
    isActive: user.enabled,
    bypassBasicAuthRestriction: attributes.bypassBasicAuthRestriction,
    type: attributes.userType,
    // Users from an external identity provider are UiPath "directory" users.
    category: user.identityProvider.type === 'PING_ONE' ? 0 : 2,
    invitationAccepted: attributes.invitationAccepted,
    extensionUserAttributes: { ...attributes.extensionAttributes },
  };
}

export function userTypeNumber(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  return USER_TYPES.findIndex((t) => t.toLowerCase() === value.toLowerCase());
}

/** Strings that are empty or null mean "not given". */
const given = (value: string | null | undefined): string | undefined =>
  value === null || value === '' ? undefined : value;

export function toNewUser(body: CreateUserBaseBody): NewDirectoryUser {
  return {
    id: body.id?.toLowerCase() ?? undefined,
    username: body.userName ?? '',
    email: given(body.email),
    name: { given: given(body.name), family: given(body.surname), formatted: given(body.displayName) },
    userType: userTypeNumber(body.type),
    bypassBasicAuthRestriction: body.bypassBasicAuthRestriction,
    legacyId: body.legacyId ?? undefined,
    invitationAccepted: body.invitationAccepted,
  };
}

/** UpdateUserCommand → a partial change: absent and null fields stay as they are. */
export function toUserChange(body: UpdateUserBody): DirectoryUserChange {
  return {
    name: {
      given: body.name ?? undefined,
      family: body.surname ?? undefined,
      formatted: body.displayName ?? undefined,
    },
    email: body.email ?? undefined,
    enabled: body.isActive ?? undefined,
    bypassBasicAuthRestriction: body.bypassBasicAuthRestriction ?? undefined,
    invitationAccepted: body.invitationAccepted ?? undefined,
    extensionSet: body.extensionUserAttributesToAddOrUpdate ?? undefined,
    extensionRemove: body.extensionUserAttributesToRemove ?? undefined,
    groupsToAdd: body.groupIDsToAdd ?? undefined,
    groupsToRemove: body.groupIDsToRemove ?? undefined,
  };
}
