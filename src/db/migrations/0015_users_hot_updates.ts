import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen: never edit after release; add a new migration instead.
//
// PostgreSQL: let a profile change that leaves the indexed attributes alone be a HOT update.
// Migration 0013 indexes three profile attributes by expressions over `profile`
// (lower(profile::jsonb #>> '{name,given}') ...). PostgreSQL may update a row in place (HOT:
// heap-only, no index touched) only when no column an index reads changes, and an expression
// index reads the whole `profile`: so every PATCH of a photo or a phone number wrote a new entry
// into all nine indexes of `users` and parsed the profile three times for them.
//
// Here the three attributes become stored generated columns, computed by PostgreSQL from the
// profile on every write (so no writer can forget them), and the indexes read those columns. A
// change that keeps them equal leaves every index alone, and PostgreSQL updates the row in place
// when its page has room, which the fill factor keeps (80%: a fifth of each page for new
// versions). The indexes keep their names and shapes, (environment_id, lower(value) in byte
// order, id); the filter compiler reads the columns on PostgreSQL (src/core/users/user-filter.ts).
// Adding the columns rewrites the table once.
//
// SQLite is left as it is: it rewrites every index over a column the UPDATE sets, generated
// columns included, so it would gain nothing.

const ATTRIBUTES: ReadonlyArray<readonly [index: string, column: string, path: string]> = [
  ['users_name_given_id', 'name_given', '{name,given}'],
  ['users_name_family_id', 'name_family', '{name,family}'],
  ['users_external_id_id', 'external_id', '{externalId}'],
];

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  // Set first: the rewrite that adding the columns makes fills pages to it.
  await sql`ALTER TABLE users SET (fillfactor = 80)`.execute(db);
  const columns = ATTRIBUTES.map(
    ([, column, path]) =>
      `ADD COLUMN ${column} text GENERATED ALWAYS AS ((profile::jsonb #>> '${path}')) STORED`,
  );
  await sql.raw(`ALTER TABLE users ${columns.join(', ')}`).execute(db);
  for (const [index, column] of ATTRIBUTES) {
    await sql.raw(`DROP INDEX ${index}`).execute(db);
    await sql
      .raw(`CREATE INDEX ${index} ON users (environment_id, (lower(${column}) COLLATE "C"), id)`)
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  for (const [index, , path] of ATTRIBUTES) {
    await sql.raw(`DROP INDEX ${index}`).execute(db);
    await sql
      .raw(
        `CREATE INDEX ${index} ON users (environment_id, (lower((profile::jsonb #>> '${path}')) COLLATE "C"), id)`,
      )
      .execute(db);
  }
  await sql
    .raw(`ALTER TABLE users ${ATTRIBUTES.map(([, column]) => `DROP COLUMN ${column}`).join(', ')}`)
    .execute(db);
  await sql`ALTER TABLE users RESET (fillfactor)`.execute(db);
}
