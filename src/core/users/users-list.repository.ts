// User lists: the page statement (keyset paging by id, with each user's password lockout and the
// bounded count in one statement), the listed users it makes and the count alone.
import { sql, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import { isPostgres } from '../../db/dialect.js';
import { executeRecurring } from '../../db/prepared.js';
import type { Db, UsersTable } from '../../db/schema.js';
import { passwordLockedOutColumn } from '../passwords/passwords.repository.js';
import { parseJsonObject } from '../shared/json.js';
import { toPage, type Page } from '../shared/paging.js';
import type { User } from './user.js';
import { toUser } from './users.repository.js';

export interface UserQuery {
  readonly environmentId: string;
  /** Only these populations (the caller's population-scoped grants); undefined = all. */
  readonly populationIds?: readonly string[] | undefined;
  readonly where?: RawBuilder<SqlBool> | undefined;
  /**
   * The filter's matches are not in id order in its index, which holds `id` (a `sw` range:
   * `picksIdsFirst`): on SQLite the page picks its ids from that index first (`userPageQuery`).
   */
  readonly idsFirst?: boolean | undefined;
  /**
   * The page's best plan does not depend on the filter's values (no filter, or one `eq` or
   * `memberOfGroups`: `plansAlike`), so PostgreSQL may run it as a named statement with a generic
   * plan (`executeRecurring`). A range or pattern (`sw`, `co`) is planned for its values each time.
   */
  readonly plansAlike?: boolean | undefined;
}

function userQuery(db: Db, query: UserQuery) {
  let q = db.selectFrom('users').where('users.environment_id', '=', query.environmentId);
  if (query.populationIds) q = q.where('users.population_id', 'in', query.populationIds);
  if (query.where) q = q.where(query.where);
  return q;
}

/**
 * The statement of one page in id order (keyset paging): `limit + 1` rows so the caller can tell
 * a next page exists. Migration 0013's indexes end in `id`, so an `eq` filter's index (and the
 * environment's (environment_id, id) unfiltered) yields the page already in order. A `sw` range
 * does not (`idsFirst`): on SQLite the page's ids are then picked first (`id in (select id …
 * order by id limit n)`) from the filter's index alone (it holds `id`: migrations 0013 and 0014)
 * and only the page's rows are read, instead of reading every match from the table to sort it
 * (1,334 rows for a page of 100 of `username sw "grace.tanaka"` at a million users;
 * docs/benchmarks.md, session 12). Elsewhere that shape only adds a lookup per row. PostgreSQL
 * keeps the direct shape: its planner chooses by statistics, and the ids-first one added a hash
 * of the ids and a sort of the page to its plan. The plan tests compile this very statement.
 */
export function userPageQuery(db: Db, query: PageQuery) {
  const after = (q: ReturnType<typeof userQuery>) =>
    query.after === undefined ? q : q.where('users.id', '>', query.after);
  if (!query.idsFirst || isPostgres(db))
    return after(userQuery(db, query))
      .selectAll('users')
      .orderBy('users.id')
      .limit(query.limit + 1);
  const ids = (
    query.after !== undefined && query.cursorInRange
      ? userQuery(db, query).where(sql<string>`+users.id`, '>', query.after)
      : after(userQuery(db, query))
  )
    .select('users.id')
    .orderBy('users.id')
    .limit(query.limit + 1);
  return db.selectFrom('users').selectAll('users').where('users.id', 'in', ids).orderBy('users.id');
}

/** One page's query: the filter, the keyset cursor and the page size. */
export interface PageQuery extends UserQuery {
  readonly after?: string | undefined;
  readonly limit: number;
  /**
   * A later page of an ids-first (`sw`) page whose matches are known to be few (an exact bounded
   * count): its ids are read from the filter's range, the cursor tested on each (`+users.id > ?`
   * keeps SQLite from walking the environment's id index from the cursor instead).
   */
  readonly cursorInRange?: boolean | undefined;
}

export async function listUsers(db: Db, query: PageQuery): Promise<User[]> {
  if (query.populationIds?.length === 0) return [];
  return (await userPageQuery(db, query).execute()).map(toUser);
}

/**
 * A user list's `count` is exact up to this many matches and absent beyond (PingOne: "count is
 * optional; absent usually means there are many"), so no page counts a million rows.
 */
export const USER_COUNT_LIMIT = 10_000;

/**
 * A listed user: its page's statement also read its password lockout, and its profile is kept as
 * stored, not parsed. The profile column is `JSON.stringify` of the profile (`toRow` and
 * `removeProfileAttribute` are its only writers, on both stores a text column kept verbatim), so a
 * writer copies it instead of serializing a parsed profile again; a profile the fast writer cannot
 * copy is parsed then (`listedUserProfile`). Parsing every listed profile was about a tenth of the
 * main thread's work per page at a million users (docs/benchmarks.md, session 11); a getter that
 * parsed on first use made each user an object with an accessor, which V8 builds far more slowly.
 */
export interface ListedUser extends Omit<User, 'profile'> {
  /** Whether the user's password is locked out at the list's `now` (`account.canAuthenticate`). */
  readonly passwordLockedOut: boolean;
  /** The profile column as stored: `JSON.stringify` of the user's profile. */
  readonly storedProfile: string;
}

/** The listed user's profile, parsed from its stored text. */
export const listedUserProfile = (user: ListedUser): User['profile'] => parseJsonObject(user.storedProfile);

type PageRow = Selectable<UsersTable> & { password_locked_out: unknown; match_count?: unknown };

/** Identity providers as stored are a handful of texts (nearly always PING_ONE): parsed once each. */
const identityProviders = new Map<string, User['identityProvider']>();
function identityProviderOf(text: string): User['identityProvider'] {
  let parsed = identityProviders.get(text);
  if (!parsed) {
    parsed = Object.freeze(JSON.parse(text) as User['identityProvider']);
    if (identityProviders.size >= 64) identityProviders.clear();
    identityProviders.set(text, parsed);
  }
  return parsed;
}

function toListedUser(row: PageRow): ListedUser {
  return {
    id: row.id,
    environmentId: row.environment_id,
    populationId: row.population_id,
    username: row.username,
    email: row.email ?? undefined,
    enabled: Boolean(row.enabled),
    mfaEnabled: Boolean(row.mfa_enabled),
    emailVerified: Boolean(row.email_verified),
    lifecycleStatus: row.lifecycle_status as User['lifecycleStatus'],
    verifyStatus: row.verify_status as User['verifyStatus'],
    account: {
      locked: Boolean(row.account_locked),
      lockedAt: row.account_locked_at ?? undefined,
      unlockAt: row.account_unlock_at ?? undefined,
    },
    identityProvider: identityProviderOf(row.identity_provider),
    lastSignOnAt: row.last_sign_on_at ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revision: row.revision,
    passwordLockedOut: Boolean(row.password_locked_out),
    storedProfile: row.profile,
  };
}

/**
 * One page of the matching users in id order, with its bounded count, in one statement: each row
 * also carries its password lockout at `now` and, unless the caller knows the count already
 * (`knownCount`), the count (an uncorrelated subquery, computed once per statement). One
 * statement is one hand-off to a read worker instead of three.
 */
export async function listUserPage(
  db: Db,
  query: UserQuery,
  after: string | undefined,
  limit: number,
  now: number,
  options: { countLimit?: number; knownCount?: { count: number | undefined } } = {},
): Promise<Page<ListedUser>> {
  if (query.populationIds?.length === 0) return toPage([], limit, 0);
  const { countLimit = USER_COUNT_LIMIT } = options;
  let { knownCount } = options;
  // A later page of a `sw` range on SQLite: from the cursor on, SQLite walks the environment's ids
  // and tests each row, which for a rare prefix reads most of the environment (65–82 ms at a
  // million users); reading the range's ids instead costs in proportion to its matches (40,000:
  // 20–24 ms). The bounded count tells which: an exact count (at most `countLimit` matches) reads
  // the range, none (many matches, so the walk meets them soon) walks. docs/benchmarks.md,
  // "List pages at a million users (session 12)".
  let cursorInRange = false;
  if (query.idsFirst && after !== undefined && !isPostgres(db)) {
    knownCount ??= { count: await countUsersUpTo(db, query, countLimit) };
    cursorInRange = knownCount.count !== undefined;
  }
  const q = pageStatement(
    db,
    { ...query, cursorInRange },
    after,
    limit,
    now,
    knownCount ? undefined : countLimit,
  );
  const rows = (query.plansAlike ? await executeRecurring(db, q) : await q.execute()) as PageRow[];
  const users = rows.map(toListedUser);
  // A first page that is also the last counts itself.
  const complete = after === undefined && rows.length <= limit;
  let count: number | undefined;
  if (complete) count = rows.length;
  else if (knownCount) count = knownCount.count;
  else if (rows.length > 0) count = countOrUndefined(rows[0]!.match_count, countLimit);
  else count = await countUsersUpTo(db, query, countLimit);
  return toPage(users, limit, count);
}

/**
 * The page's statement: the page (`userPageQuery`) as a derived table named `users`, each of its
 * rows with its password lockout and, with `countLimit`, the bounded count. The lockout sits
 * outside the page on purpose: over the whole match PostgreSQL's planner turned the EXISTS into a
 * hashed subplan, a scan of every `user_passwords` row of the store on every page (4 ms at 20,000
 * users), instead of one primary-key probe per row of the page.
 */
export function pageStatement(
  db: Db,
  query: UserQuery & Pick<PageQuery, 'cursorInRange'>,
  after: string | undefined,
  limit: number,
  now: number,
  countLimit: number | undefined,
) {
  const page = db
    .selectFrom(userPageQuery(db, { ...query, after, limit }).as('users'))
    .selectAll('users')
    .select((eb) => passwordLockedOutColumn(eb, now).as('password_locked_out'))
    .orderBy('users.id');
  return countLimit === undefined
    ? page
    : page.select(() => boundedCount(db, query, countLimit).as('match_count'));
}

/** `select count(*)` of the matches, reading at most `atMost + 1` of them. */
const boundedCount = (db: Db, query: UserQuery, atMost: number) =>
  db
    .selectFrom(
      userQuery(db, query)
        .select('users.id')
        .limit(atMost + 1)
        .as('matches'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'));

const countOrUndefined = (value: unknown, atMost: number): number | undefined => {
  const n = Number(value);
  return n > atMost ? undefined : n;
};

/**
 * The number of matching users, counting no further than `atMost`: undefined when more match.
 * A list page then costs at most `atMost` index entries for its count, however many users match.
 */
export async function countUsersUpTo(db: Db, query: UserQuery, atMost: number): Promise<number | undefined> {
  if (query.populationIds?.length === 0) return 0;
  const row = await boundedCount(db, query, atMost).executeTakeFirstOrThrow();
  return countOrUndefined(row.n, atMost);
}
