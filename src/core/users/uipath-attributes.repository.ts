import { sql, type Selectable } from 'kysely';
import type { Db, DbBool } from '../../db/schema.js';
import { isPostgres, type StoreDialect } from '../../db/dialect.js';
import { matchText } from '../../db/text-match.js';
import { toUser } from './users.repository.js';
import type { User } from './user.js';

export interface UiPathUserAttributesTable {
  user_id: string;
  environment_id: string;
  legacy_id: number;
  user_type: number;
  bypass_basic_auth_restriction: DbBool;
  invitation_accepted: DbBool;
  extension_attributes: string;
}

declare module '../../db/schema.js' {
  interface Database {
    uipath_user_attributes: UiPathUserAttributesTable;
  }
}

/** The UiPath Identity attributes a PingOne user has no field for. */
export interface UiPathAttributes {
  readonly legacyId: number;
  /** UiPath UserType: 0 user, 1 robot, 2 directoryUser, 3 directoryGroup, 4 robotAccount, 5 application. */
  readonly userType: number;
  readonly bypassBasicAuthRestriction: boolean;
  readonly invitationAccepted: boolean;
  readonly extensionAttributes: Readonly<Record<string, string>>;
}

/** What a user that never went through the UiPath face reads as. */
export const DEFAULT_UIPATH_ATTRIBUTES: UiPathAttributes = {
  legacyId: 0,
  userType: 0,
  bypassBasicAuthRestriction: false,
  invitationAccepted: false,
  extensionAttributes: {},
};

const toAttributes = (row: Selectable<UiPathUserAttributesTable>): UiPathAttributes => ({
  legacyId: Number(row.legacy_id),
  userType: Number(row.user_type),
  bypassBasicAuthRestriction: Boolean(row.bypass_basic_auth_restriction),
  invitationAccepted: Boolean(row.invitation_accepted),
  extensionAttributes: JSON.parse(row.extension_attributes) as Record<string, string>,
});

export async function findAttributes(
  db: Db,
  userIds: readonly string[],
): Promise<Map<string, UiPathAttributes>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('uipath_user_attributes')
    .selectAll()
    .where('user_id', 'in', userIds)
    .execute();
  return new Map(rows.map((row) => [row.user_id, toAttributes(row)]));
}

export async function upsertAttributes(
  db: Db,
  environmentId: string,
  userId: string,
  a: UiPathAttributes,
): Promise<void> {
  const values = {
    legacy_id: a.legacyId,
    user_type: a.userType,
    bypass_basic_auth_restriction: a.bypassBasicAuthRestriction,
    invitation_accepted: a.invitationAccepted,
    extension_attributes: JSON.stringify(a.extensionAttributes),
  };
  await db
    .insertInto('uipath_user_attributes')
    .values({ user_id: userId, environment_id: environmentId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}

/**
 * Serialises the UiPath writes of one environment that check email uniqueness or assign legacy
 * ids (neither has a database constraint) until the transaction ends. SQLite's single writer
 * already serialises transactions; PostgreSQL takes a transaction-scoped advisory lock.
 */
export async function lockUiPathWrites(db: Db, environmentId: string): Promise<void> {
  if (isPostgres(db))
    await sql`select pg_advisory_xact_lock(hashtext(${`uipath-users:${environmentId}`}))`.execute(db);
}

/** The next auto-assigned legacy id of an environment (UiPath's auto-increment user id). */
export async function nextLegacyId(db: Db, environmentId: string): Promise<number> {
  const row = await db
    .selectFrom('uipath_user_attributes')
    .select((eb) => eb.fn.max('legacy_id').as('max'))
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/** Group ids per user, read from the foundation membership table. */
export async function groupIdsOf(db: Db, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return result;
  const rows = await db
    .selectFrom('group_memberships')
    .select(['user_id', 'group_id'])
    .where('user_id', 'in', userIds)
    .orderBy('group_id')
    .execute();
  for (const row of rows) result.get(row.user_id)?.push(row.group_id);
  return result;
}

/** Users of the environment whose email equals `email` (case-insensitive), other than `exceptId`. */
export async function emailTaken(
  db: Db,
  environmentId: string,
  email: string,
  exceptId?: string,
): Promise<boolean> {
  let q = db
    .selectFrom('users')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where(matchText(sql.ref('email'), 'eq', email));
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}

export async function usernameTaken(db: Db, environmentId: string, username: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where(matchText(sql.ref('username'), 'eq', username))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** UiPath's `sortBy` names and the column or profile path each sorts on. */
export const SORTABLE = [
  'Id',
  'UserName',
  'Email',
  'EmailConfirmed',
  'Name',
  'Surname',
  'DisplayName',
  'CreationTime',
  'LastModificationTime',
  'LastLoginTime',
  'IsActive',
  'Type',
  'Category',
  'InvitationAccepted',
] as const;
export type SortField = (typeof SORTABLE)[number];

export interface UserListQuery {
  readonly environmentId: string;
  readonly searchTerm?: string | undefined;
  readonly sortBy: SortField;
  readonly descending: boolean;
  readonly skip: number;
  readonly top: number;
}

/** Offset-paged, sorted, searched users (UiPath's list contract), with the total count. */
export async function listUsersPage(
  db: Db,
  dialect: StoreDialect,
  query: UserListQuery,
): Promise<{ total: number; users: User[] }> {
  const given = dialect.jsonText('u.profile', ['name', 'given']);
  const family = dialect.jsonText('u.profile', ['name', 'family']);
  const formatted = dialect.jsonText('u.profile', ['name', 'formatted']);
  let base = db
    .selectFrom('users as u')
    .leftJoin('uipath_user_attributes as a', 'a.user_id', 'u.id')
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
    Id: sql.ref('u.id'),
    UserName: sql`lower(u.username)`,
    Email: sql`lower(u.email)`,
    EmailConfirmed: sql.ref('u.email_verified'),
    Name: sql`lower(${given})`,
    Surname: sql`lower(${family})`,
    DisplayName: sql`lower(${formatted})`,
    CreationTime: sql.ref('u.created_at'),
    LastModificationTime: sql.ref('u.updated_at'),
    LastLoginTime: sql.ref('u.last_sign_on_at'),
    IsActive: sql.ref('u.enabled'),
    Type: sql`coalesce(a.user_type, 0)`,
    // Category is derived from the identity provider: local users first.
    Category: sql`case when u.identity_provider like '%"PING_ONE"%' then 0 else 2 end`,
    InvitationAccepted: sql`coalesce(a.invitation_accepted, ${sql.lit(false)})`,
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
