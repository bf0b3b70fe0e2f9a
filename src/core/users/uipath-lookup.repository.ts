import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import { matchText } from '../../db/text-match.js';

/**
 * Lookups the UiPath face needs to place a request in an environment. UiPath names an
 * organization in the URL and lets clients call the token endpoint without one.
 */

/** Environments whose id, or whose name (case-insensitive), is `name`. */
export async function environmentIdsNamed(db: Db, name: string): Promise<string[]> {
  const byId = await db
    .selectFrom('environments')
    .select('id')
    .where(matchText(sql.ref('id'), 'eq', name))
    .execute();
  if (byId.length > 0) return byId.map((r) => r.id);
  const byName = await db
    .selectFrom('environments')
    .select('id')
    .where(matchText(sql.ref('name'), 'eq', name))
    .execute();
  return byName.map((r) => r.id);
}

/** The environment of an application, by its (instance-wide unique) id. */
export async function environmentOfApplication(db: Db, applicationId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('applications')
    .select('environment_id')
    .where('id', '=', applicationId)
    .executeTakeFirst();
  return row?.environment_id;
}
