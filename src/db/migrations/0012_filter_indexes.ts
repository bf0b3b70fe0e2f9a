import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
//
// Indexes for the user attributes lists are commonly filtered on (directory reference §3.3):
// username, email, name.given, name.family, externalId (case-insensitive: lower(...)),
// population.id, and memberOfGroups (served by group_memberships' key (group_id, user_id)).
// Each expression is written exactly as the filter compiler writes it (src/db/text-match.ts,
// dialect.jsonText and dialect.byteOrder), or the planner cannot match it: lower(...) in byte
// order, so that `sw` is one index range (SQLite's BINARY collation is byte order; PostgreSQL
// needs COLLATE "C", whatever the database's collation).

const PROFILE_PATHS: ReadonlyArray<readonly [name: string, path: readonly string[]]> = [
  ['users_name_given', ['name', 'given']],
  ['users_name_family', ['name', 'family']],
  ['users_external_id', ['externalId']],
];

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const lowered = (expression: string) =>
    pg ? `(lower(${expression}) COLLATE "C")` : `lower(${expression})`;
  const index = (name: string, expression: string) =>
    sql.raw(`CREATE INDEX ${name} ON users (environment_id, ${lowered(expression)})`).execute(db);

  // SQLite's unique index users_username_unique already is (environment_id, lower(username)) in
  // byte order; PostgreSQL's uses the database collation, which cannot serve a byte range.
  if (pg) await index('users_username_ordered', 'username');
  await index('users_email_lower', 'email');
  for (const [name, path] of PROFILE_PATHS) {
    const json = pg
      ? `(profile::jsonb #>> '{${path.join(',')}}')`
      : `json_extract(profile, '$.${path.map((p) => `"${p}"`).join('.')}')`;
    await index(name, json);
  }
  // population.id eq, paged in id order: the population's users come out already sorted (two
  // equalities, so the planner prefers it to any index that pins the environment alone).
  // It replaces users_population (population_id alone): one index fewer to write.
  await sql`CREATE INDEX users_population_id ON users (environment_id, population_id, id)`.execute(db);
  await sql`DROP INDEX users_population`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX users_population ON users (population_id)`.execute(db);
  for (const name of [
    'users_population_id',
    'users_external_id',
    'users_name_family',
    'users_name_given',
    'users_email_lower',
    'users_username_ordered',
  ])
    await sql.raw(`DROP INDEX IF EXISTS ${name}`).execute(db);
}
