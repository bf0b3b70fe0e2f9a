// Reading and pruning the recorded history; recording lives in activities.repository.ts.
import type { RawBuilder, SqlBool } from 'kysely';
import type { Db } from '../../db/schema.js';
import { inEnvironmentScope, type EnvironmentScope } from '../shared/environment-scope.js';
import type { Activity } from './activity.js';

export async function listActivities(
  db: Db,
  environmentId: string,
  options: { filter?: RawBuilder<SqlBool> | undefined; after?: string | undefined; limit: number },
): Promise<Activity[]> {
  let query = db
    .selectFrom('activities')
    .select('document')
    .where('environment_id', '=', environmentId)
    .orderBy('id')
    .limit(options.limit);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  if (options.filter) query = query.where(options.filter);
  return (await query.execute()).map((row) => JSON.parse(row.document) as Activity);
}

export async function findActivity(db: Db, environmentId: string, id: string): Promise<Activity | undefined> {
  const row = await db
    .selectFrom('activities')
    .select('document')
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && (JSON.parse(row.document) as Activity);
}

/** Deletes activities recorded before `before` (retention); returns how many. */
export async function pruneActivities(db: Db, before: number, scope?: EnvironmentScope): Promise<number> {
  // activity_resources rows go with them (foreign key cascade on PostgreSQL; SQLite is told
  // explicitly because its foreign keys may be off in some connections).
  await db
    .deleteFrom('activity_resources')
    .where('activity_id', 'in', (eb) =>
      eb
        .selectFrom('activities')
        .select('id')
        .where('recorded_at', '<', before)
        .where(inEnvironmentScope(scope)),
    )
    .execute();
  const result = await db
    .deleteFrom('activities')
    .where('recorded_at', '<', before)
    .where(inEnvironmentScope(scope))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
