import type { RawBuilder, SqlBool } from 'kysely';
import { prepareBulkInsert } from '../../db/bulk-insert.js';
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

const bulkInsertActivities = prepareBulkInsert('activities', [
  'id',
  'environment_id',
  'recorded_at',
  'action_type',
  'correlation_id',
  'actor_client_id',
  'actor_user_id',
  'actor_user_name',
  'document',
]);

const bulkInsertResources = prepareBulkInsert('activity_resources', [
  'activity_id',
  'position',
  'resource_id',
  'resource_type',
  'population_id',
]);

/** `recordActivity` for many inputs of one environment, with multi-row statements. */
export async function recordActivities(
  trx: Db,
  now: number,
  inputs: readonly ActivityInput[],
): Promise<Activity[]> {
  const activities = inputs.map((input) => buildActivity(now, input));
  await bulkInsertActivities(
    trx,
    activities.map((activity) => ({
      id: activity.id,
      environment_id: activity.environmentId,
      recorded_at: activity.recordedAt,
      action_type: activity.action.type,
      correlation_id: activity.correlationId ?? null,
      actor_client_id: activity.actors.client?.id ?? null,
      actor_user_id: activity.actors.user?.id ?? null,
      actor_user_name: activity.actors.user?.name ?? null,
      document: JSON.stringify(activity),
    })),
  );
  await bulkInsertResources(
    trx,
    activities.flatMap((activity) =>
      activity.resources.map((r, position) => ({
        activity_id: activity.id,
        position,
        resource_id: r.id,
        resource_type: r.type,
        population_id: r.populationId ?? null,
      })),
    ),
  );
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
