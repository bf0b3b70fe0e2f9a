import type { DirectorySortKey } from '../../core/users/user-attributes.repository.js';

/** UiPath's `sortBy` names (compared case-insensitively) and the directory key each sorts on. */
const SORT_KEYS: Readonly<Record<string, DirectorySortKey>> = {
  Id: 'id',
  UserName: 'username',
  Email: 'email',
  EmailConfirmed: 'emailVerified',
  Name: 'givenName',
  Surname: 'familyName',
  DisplayName: 'formattedName',
  CreationTime: 'createdAt',
  LastModificationTime: 'updatedAt',
  LastLoginTime: 'lastSignOnAt',
  IsActive: 'enabled',
  Type: 'userType',
  // Category is derived from the identity provider: local users first.
  Category: 'identitySource',
  InvitationAccepted: 'invitationAccepted',
};

/** The directory key of a `sortBy` value ('' or absent: Id), or undefined when UiPath has no such field. */
export function sortKeyOf(sortBy: string | undefined): DirectorySortKey | undefined {
  if (sortBy === undefined || sortBy === '') return 'id';
  const name = Object.keys(SORT_KEYS).find((f) => f.toLowerCase() === sortBy.toLowerCase());
  return name === undefined ? undefined : SORT_KEYS[name];
}
