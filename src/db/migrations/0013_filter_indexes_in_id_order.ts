import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
//
// A user list is paged in id order (`ORDER BY id LIMIT n`, keyset on id). Migration 0012's filter
// indexes end at the lowered attribute, so they find the matches but not in id order: SQLite,
// without statistics, preferred walking the environment's (environment_id, id) index and testing
// every user of the environment (an `email eq` page read all 100,000 users). With `id` as the
// last column, one index serves the filter and the order: an `eq` page reads `limit + 1` entries,
// and its bounded count reads only the matches. Each index replaces its 0012 counterpart, so the
// users table keeps the same number of indexes to write.
//
// The expressions are 0012's, written exactly as the filter compiler writes them (lower(...) in
// byte order: COLLATE "C" on PostgreSQL). SQLite's unique (environment_id, lower(username)) stays:
// an `eq` there is at most one row, and it must stay unique.

const REPLACED: ReadonlyArray<readonly [old: string, name: string, path: readonly string[]]> = [
  ['users_email_lower', 'users_email_lower_id', ['email']],
  ['users_name_given', 'users_name_given_id', ['name', 'given']],
  ['users_name_family', 'users_name_family_id', ['name', 'family']],
  ['users_external_id', 'users_external_id_id', ['externalId']],
];

/** lower(column) for `email`/`username`, else lower(profile attribute at `path`), in byte order. */
function lowered(pg: boolean, path: readonly string[]): string {
  const text =
    path.length === 1 && (path[0] === 'email' || path[0] === 'username')
      ? path[0]
      : pg
        ? `(profile::jsonb #>> '{${path.join(',')}}')`
        : `json_extract(profile, '$.${path.map((p) => `"${p}"`).join('.')}')`;
  return pg ? `(lower(${text}) COLLATE "C")` : `lower(${text})`;
}

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  for (const [old, name, path] of REPLACED) {
    await sql.raw(`CREATE INDEX ${name} ON users (environment_id, ${lowered(pg, path)}, id)`).execute(db);
    await sql.raw(`DROP INDEX ${old}`).execute(db);
  }
  if (pg) {
    await sql
      .raw(
        `CREATE INDEX users_username_ordered_id ON users (environment_id, ${lowered(pg, ['username'])}, id)`,
      )
      .execute(db);
    await sql`DROP INDEX users_username_ordered`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  for (const [old, name, path] of REPLACED) {
    await sql.raw(`CREATE INDEX ${old} ON users (environment_id, ${lowered(pg, path)})`).execute(db);
    await sql.raw(`DROP INDEX ${name}`).execute(db);
  }
  if (pg) {
    await sql
      .raw(`CREATE INDEX users_username_ordered ON users (environment_id, ${lowered(pg, ['username'])})`)
      .execute(db);
    await sql`DROP INDEX users_username_ordered_id`.execute(db);
  }
}
