import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
//
// `username sw` on SQLite: the only index of lower(username) there is the unique
// (environment_id, lower(username)), which holds no `id`. A page (ORDER BY id LIMIT n) of a prefix
// matching many users spread over the table read every matching row from the table to sort them
// by id (1,334 rows for a page of 100 at a million users). With `id` in the index, the page's ids
// are picked from the index alone (the list statement selects the ids first, then reads only the
// page's rows), as migration 0013 did for the other attributes. The unique index stays: it
// enforces the username's uniqueness, and an `eq` there is at most one row.
//
// PostgreSQL has had this index since 0013 (users_username_ordered_id, in COLLATE "C"), under
// the same name, so there this migration does nothing. On SQLite lower(...) is already in byte
// order (BINARY collation), written exactly as the filter compiler writes it.

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  await sql`CREATE INDEX users_username_ordered_id ON users (environment_id, lower(username), id)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  await sql`DROP INDEX users_username_ordered_id`.execute(db);
}
