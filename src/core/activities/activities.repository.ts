import type { RawBuilder, SqlBool } from 'kysely';
import { prepareWrite } from '../../db/prepared.js';
import type { Db } from '../../db/schema.js';
import { newId } from '../shared/ids.js';
import { insertOutboxRow, subscriptionFilters } from '../webhooks/webhooks.repository.js';
import { matchesSubscription } from '../webhooks/matching.js';
import {
  actionDescription,
  activityDocument,
  actorsOf,
  correlationOf,
  defaultResultDescription,
  type Activity,
  type ActivityInput,
} from './activity.js';
import { inEnvironmentScope, type EnvironmentScope } from '../shared/environment-scope.js';

export interface ActivitiesTable {
  id: string;
  environment_id: string;
  recorded_at: number;
  action_type: string;
  correlation_id: string | null;
  actor_client_id: string | null;
  actor_user_id: string | null;
  actor_user_name: string | null;
  document: string;
}

export interface ActivityResourcesTable {
  activity_id: string;
  position: number;
  resource_id: string;
  resource_type: string;
  population_id: string | null;
}

declare module '../../db/schema.js' {
  interface Database {
    activities: ActivitiesTable;
    activity_resources: ActivityResourcesTable;
  }
}

/**
 * Records an activity inside the caller's transaction, so it exists if and only if the change it
 * describes commits, and queues it for every subscription of the environment whose filter it
 * matches (same transaction: a webhook never announces a change that rolled back).
 */
export async function recordActivity(trx: Db, now: number, input: ActivityInput): Promise<Activity> {
  const [activity] = await recordActivities(trx, now, [input]);
  return activity!;
}

const buildActivity = (now: number, input: ActivityInput): Activity => ({
  id: newId(),
  environmentId: input.environmentId,
  recordedAt: now,
  createdAt: now,
  correlationId: correlationOf(input),
  actors: actorsOf(input.actor),
  action: { type: input.type, description: actionDescription(input.type) },
  resources: input.resources,
  result: {
    status: input.status ?? 'SUCCESS',
    description: input.description ?? defaultResultDescription(input.type, input.resources[0]),
  },
});

/** Rows per multi-row INSERT (bulk import records many activities at once). */
const BULK_ROWS = 200;

const activityRow = (activity: Activity) => ({
  id: activity.id,
  environment_id: activity.environmentId,
  recorded_at: activity.recordedAt,
  action_type: activity.action.type,
  correlation_id: activity.correlationId ?? null,
  actor_client_id: activity.actors.client?.id ?? null,
  actor_user_id: activity.actors.user?.id ?? null,
  actor_user_name: activity.actors.user?.name ?? null,
  document: JSON.stringify(activity),
});

/**
 * Most audited writes record one activity about one resource: those two INSERTs are compiled
 * once (building them cost more than running them), each argument a column in `activityRow` order.
 */
type ActivityArguments = [
  id: string,
  environmentId: string,
  recordedAt: number,
  type: string,
  correlationId: string | null,
  clientId: string | null,
  userId: string | null,
  userName: string | null,
  document: string,
];
const insertOneActivity = prepareWrite(
  9,
  (
    db: Db,
    ...[
      id,
      environmentId,
      recordedAt,
      type,
      correlationId,
      clientId,
      userId,
      userName,
      document,
    ]: ActivityArguments
  ) =>
    db.insertInto('activities').values({
      id,
      environment_id: environmentId,
      recorded_at: recordedAt,
      action_type: type,
      correlation_id: correlationId,
      actor_client_id: clientId,
      actor_user_id: userId,
      actor_user_name: userName,
      document,
    }),
);
type ResourceArguments = [
  activityId: string,
  position: number,
  resourceId: string,
  resourceType: string,
  populationId: string | null,
];
const insertOneResource = prepareWrite(
  5,
  (db: Db, ...[activityId, position, resourceId, resourceType, populationId]: ResourceArguments) =>
    db.insertInto('activity_resources').values({
      activity_id: activityId,
      position,
      resource_id: resourceId,
      resource_type: resourceType,
      population_id: populationId,
    }),
);

async function insertActivityRows(trx: Db, activities: readonly Activity[]): Promise<void> {
  const only = activities.length === 1 ? activities[0]! : undefined;
  if (only && only.resources.length <= 1) {
    const row = activityRow(only);
    await insertOneActivity(
      trx,
      row.id,
      row.environment_id,
      row.recorded_at,
      row.action_type,
      row.correlation_id,
      row.actor_client_id,
      row.actor_user_id,
      row.actor_user_name,
      row.document,
    );
    const resource = only.resources[0];
    if (resource)
      await insertOneResource(trx, only.id, 0, resource.id, resource.type, resource.populationId ?? null);
    return;
  }
  for (let i = 0; i < activities.length; i += BULK_ROWS) {
    const chunk = activities.slice(i, i + BULK_ROWS);
    await trx.insertInto('activities').values(chunk.map(activityRow)).execute();
    const resources = chunk.flatMap((activity) =>
      activity.resources.map((r, position) => ({
        activity_id: activity.id,
        position,
        resource_id: r.id,
        resource_type: r.type,
        population_id: r.populationId ?? null,
      })),
    );
    for (let j = 0; j < resources.length; j += BULK_ROWS)
      await trx
        .insertInto('activity_resources')
        .values(resources.slice(j, j + BULK_ROWS))
        .execute();
  }
}

/** `recordActivity` for many inputs of one environment, with multi-row statements. */
export async function recordActivities(
  trx: Db,
  now: number,
  inputs: readonly ActivityInput[],
): Promise<Activity[]> {
  const activities = inputs.map((input) => buildActivity(now, input));
  await insertActivityRows(trx, activities);
  const subscriptions = new Map<string, Awaited<ReturnType<typeof subscriptionFilters>>>();
  for (const activity of activities) {
    let filters = subscriptions.get(activity.environmentId);
    if (!filters) {
      filters = await subscriptionFilters(trx, activity.environmentId);
      subscriptions.set(activity.environmentId, filters);
    }
    let payload: string | undefined;
    for (const subscription of filters) {
      if (!matchesSubscription(subscription.filter, activity)) continue;
      payload ??= JSON.stringify(activityDocument(activity));
      await insertOutboxRow(trx, {
        id: newId(),
        subscriptionId: subscription.id,
        activityId: activity.id,
        payload,
        createdAt: now,
      });
    }
  }
  return activities;
}

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
