import { sql, type Selectable } from 'kysely';
import { lockKey, type StoreDialect } from '../../db/dialect.js';
import { USER_ATTRIBUTES_TABLE, type Db, type UserAttributesTable } from '../../db/schema.js';
import { matchText } from '../../db/text-match.js';
import { toUser } from './users.repository.js';
import type { User } from './user.js';

const ATTRIBUTES_AS_A = `${USER_ATTRIBUTES_TABLE} as a` as const;

/** A user's extended attributes: the ones some faces keep that the core user has no field for. */
export interface UserAttributes {
  /** A numeric id, auto-assigned per environment when not given (legacy directories' user ids). */
  readonly legacyId: number;
  /** 0 user, 1 robot, 2 directory user, 3 directory group, 4 robot account, 5 application. */
  readonly userType: number;
  readonly bypassBasicAuthRestriction: boolean;
  readonly invitationAccepted: boolean;
  readonly extensionAttributes: Readonly<Record<string, string>>;
}

/** What a user without extended attributes reads as. */
export const DEFAULT_USER_ATTRIBUTES: UserAttributes = {
  legacyId: 0,
  userType: 0,
  bypassBasicAuthRestriction: false,
  invitationAccepted: false,
  extensionAttributes: {},
};

const toAttributes = (row: Selectable<UserAttributesTable>): UserAttributes => ({
  legacyId: Number(row.legacy_id),
  userType: Number(row.user_type),
  bypassBasicAuthRestriction: Boolean(row.bypass_basic_auth_restriction),
  invitationAccepted: Boolean(row.invitation_accepted),
  extensionAttributes: JSON.parse(row.extension_attributes) as Record<string, string>,
});

export async function findAttributes(
  db: Db,
  userIds: readonly string[],
): Promise<Map<string, UserAttributes>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom(USER_ATTRIBUTES_TABLE)
    .selectAll()
    .where('user_id', 'in', userIds)
    .execute();
  return new Map(rows.map((row) => [row.user_id, toAttributes(row)]));
}

export async function upsertAttributes(
  db: Db,
  environmentId: string,
  userId: string,
  a: UserAttributes,
): Promise<void> {
  const values = {
    legacy_id: a.legacyId,
    user_type: a.userType,
    bypass_basic_auth_restriction: a.bypassBasicAuthRestriction,
    invitation_accepted: a.invitationAccepted,
    extension_attributes: JSON.stringify(a.extensionAttributes),
  };
  await db
    .insertInto(USER_ATTRIBUTES_TABLE)
    .values({ user_id: userId, environment_id: environmentId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}

/**
 * Serialises the directory writes of one environment that check email uniqueness or assign
 * legacy ids (neither has a database constraint) until the transaction ends.
 */
export const lockDirectoryWrites = (db: Db, environmentId: string): Promise<void> =>
  lockKey(db, `directory-users:${environmentId}`);

/** The next auto-assigned legacy id of an environment. */
export async function nextLegacyId(db: Db, environmentId: string): Promise<number> {
  const row = await db
    .selectFrom(USER_ATTRIBUTES_TABLE)
    .select((eb) => eb.fn.max('legacy_id').as('max'))
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/** What a directory page can be sorted by. */
export const DIRECTORY_SORT_KEYS = [
  'id',
  'username',
  'email',
  'emailVerified',
  'givenName',
  'familyName',
  'formattedName',
  'createdAt',
  'updatedAt',
  'lastSignOnAt',
  'enabled',
  'userType',
  /** Local users (Tessera's own identity provider) before externally authenticated ones. */
  'identitySource',
  'invitationAccepted',
] as const;
export type DirectorySortKey = (typeof DIRECTORY_SORT_KEYS)[number];

export interface DirectoryPageQuery {
  readonly environmentId: string;
  readonly searchTerm?: string | undefined;
  readonly sortBy: DirectorySortKey;
  readonly descending: boolean;
  readonly skip: number;
  readonly top: number;
}

/** Offset-paged, sorted, searched users, with the total count. */
export async function listDirectoryPage(
  db: Db,
  dialect: StoreDialect,
  query: DirectoryPageQuery,
): Promise<{ total: number; users: User[] }> {
  const given = dialect.jsonText('u.profile', ['name', 'given']);
  const family = dialect.jsonText('u.profile', ['name', 'family']);
  const formatted = dialect.jsonText('u.profile', ['name', 'formatted']);
  let base = db
    .selectFrom('users as u')
    .leftJoin(ATTRIBUTES_AS_A, 'a.user_id', 'u.id')
    .where('u.environment_id', '=', query.environmentId);
  const term = query.searchTerm?.trim();
  if (term) {
    base = base.where((eb) =>
      eb.or([
        matchText(sql.ref('u.username'), 'co', term),
        matchText(sql.ref('u.email'), 'co', term),
        matchText(given, 'co', term),
        matchText(family, 'co', term),
        matchText(formatted, 'co', term),
      ]),
    );
  }
  const counted = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const total = Number(counted?.n ?? 0);
  if (query.top === 0) return { total, users: [] };
  const key = {
    id: sql.ref('u.id'),
    username: sql`lower(u.username)`,
    email: sql`lower(u.email)`,
    emailVerified: sql.ref('u.email_verified'),
    givenName: sql`lower(${given})`,
    familyName: sql`lower(${family})`,
    formattedName: sql`lower(${formatted})`,
    createdAt: sql.ref('u.created_at'),
    updatedAt: sql.ref('u.updated_at'),
    lastSignOnAt: sql.ref('u.last_sign_on_at'),
    enabled: sql.ref('u.enabled'),
    userType: sql`coalesce(a.user_type, 0)`,
    identitySource: sql`case when u.identity_provider like '%"PING_ONE"%' then 0 else 2 end`,
    invitationAccepted: sql`coalesce(a.invitation_accepted, ${sql.lit(false)})`,
  }[query.sortBy];
  const direction = sql.raw(query.descending ? 'desc' : 'asc');
  // NULLs sort as the smallest value on both stores; the id breaks ties so pages never overlap.
  const rows = await base
    .selectAll('u')
    .orderBy(sql`case when ${key} is null then 0 else 1 end ${direction}`)
    .orderBy(sql`${key} ${direction}`)
    .orderBy('u.id', query.descending ? 'desc' : 'asc')
    .limit(query.top)
    .offset(query.skip)
    .execute();
  return { total, users: rows.map(toUser) };
}
