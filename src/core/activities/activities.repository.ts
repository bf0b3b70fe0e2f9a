import { prepareBulkInsert } from '../../db/bulk-insert.js';
import { isPostgres } from '../../db/dialect.js';
import { deferUntilCommit, prepareWriteReturning, type Step } from '../../db/prepared.js';
import type { Db } from '../../db/schema.js';
import { newId } from '../shared/ids.js';
import {
  insertOutboxRow,
  subscriptionFilters,
  subscriptionFiltersQuery,
  toSubscriptionFilters,
  type SubscriptionFilters,
} from '../webhooks/webhooks.repository.js';
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

const ACTIVITY_COLUMNS = [
  'id',
  'environment_id',
  'recorded_at',
  'action_type',
  'correlation_id',
  'actor_client_id',
  'actor_user_id',
  'actor_user_name',
  'document',
] as const;

const RESOURCE_COLUMNS = [
  'activity_id',
  'position',
  'resource_id',
  'resource_type',
  'population_id',
] as const;

const bulkInsertActivities = prepareBulkInsert('activities', ACTIVITY_COLUMNS);

const bulkInsertResources = prepareBulkInsert('activity_resources', RESOURCE_COLUMNS);

const rowOf = (columns: readonly string[], values: readonly unknown[]) =>
  Object.fromEntries(columns.map((column, index) => [column, values[index]])) as never;

/**
 * PostgreSQL: an activity about one resource (most audited writes, PATCH user among them) is
 * inserted with its resource, and the environment's subscriptions read, in one statement (WITH
 * clauses that insert; the foreign key is checked at the statement's end): one round trip
 * instead of three. SQLite has no data-modifying WITH clauses and no round trips to save.
 */
const recordOneReadingSubscriptions = prepareWriteReturning(
  ACTIVITY_COLUMNS.length + RESOURCE_COLUMNS.length + 1,
  (db: Db, ...values: unknown[]) =>
    subscriptionFiltersQuery(
      db
        .with('recorded_activity', (q) =>
          q.insertInto('activities').values(rowOf(ACTIVITY_COLUMNS, values)).returning('id'),
        )
        .with('recorded_resource', (q) =>
          q
            .insertInto('activity_resources')
            .values(rowOf(RESOURCE_COLUMNS, values.slice(ACTIVITY_COLUMNS.length)))
            .returning('activity_id'),
        ),
      values[ACTIVITY_COLUMNS.length + RESOURCE_COLUMNS.length] as string,
    ),
);

type ActivityRow = Parameters<typeof bulkInsertActivities>[1][number];
type ResourceRow = Parameters<typeof bulkInsertResources>[1][number];

const DEFERRED_TABLES = ['activities', 'activity_resources'] as const;

/**
 * A SQLite group commit's units hand their activities to the batch, which inserts them all with
 * two multi-row statements right before its COMMIT (about a tenth of a PATCH's CPU: fewer
 * statements, and pages no unit's SAVEPOINT must journal). They still commit if and only if
 * their unit does. Nothing reads them inside a transaction except retention and an environment
 * reset, which ask for them first (`afterDeferredWrites`); their outbox rows are written at once
 * (a foreign key to the subscription, which a later unit may delete).
 */
const insertDeferred = async (
  trx: Db,
  items: readonly { activityRows: ActivityRow[]; resourceRows: ResourceRow[] }[],
) => {
  await bulkInsertActivities(
    trx,
    items.flatMap((item) => item.activityRows),
  );
  await bulkInsertResources(
    trx,
    items.flatMap((item) => item.resourceRows),
  );
};

/** What the recording statement answers: the environment's subscriptions. */
type SubscriptionRow = Parameters<typeof toSubscriptionFilters>[0][number];

/** The rows of `activities` (activities, then their resources). */
function rowsOf(activities: readonly Activity[]) {
  const activityRows = activities.map((activity) => ({
    id: activity.id,
    environment_id: activity.environmentId,
    recorded_at: activity.recordedAt,
    action_type: activity.action.type,
    correlation_id: activity.correlationId ?? null,
    actor_client_id: activity.actors.client?.id ?? null,
    actor_user_id: activity.actors.user?.id ?? null,
    actor_user_name: activity.actors.user?.name ?? null,
    document: JSON.stringify(activity),
  }));
  const resourceRows = activities.flatMap((activity) =>
    activity.resources.map((r, position) => ({
      activity_id: activity.id,
      position,
      resource_id: r.id,
      resource_type: r.type,
      population_id: r.populationId ?? null,
    })),
  );
  return { activityRows, resourceRows };
}

/**
 * PostgreSQL, an activity about one resource: the statement inserting it with its resource and
 * reading the environment's subscriptions (recordOneReadingSubscriptions), as a step for the
 * caller to send with its own write in one round trip (inOneTrip); `queue` then does the rest of
 * `recordActivity` with the step's answer. Undefined elsewhere: the caller uses recordActivity.
 */
export function recordingActivity(
  trx: Db,
  now: number,
  input: ActivityInput,
): { step: Step<SubscriptionRow[]>; queue(rows: readonly SubscriptionRow[]): Promise<Activity> } | undefined {
  if (input.resources.length !== 1 || !isPostgres(trx)) return undefined;
  const activity = buildActivity(now, input);
  const step = recordOneStep(trx, rowsOf([activity]));
  return {
    step,
    queue: async (rows) => {
      const subscriptions = new Map([[activity.environmentId, toSubscriptionFilters(rows)]]);
      await queueForSubscriptions(trx, now, [activity], subscriptions);
      return activity;
    },
  };
}

function recordOneStep(trx: Db, { activityRows, resourceRows }: ReturnType<typeof rowsOf>) {
  const [activity, resource] = [activityRows[0]!, resourceRows[0]!];
  const values = [
    ...ACTIVITY_COLUMNS.map((column) => activity[column]),
    ...RESOURCE_COLUMNS.map((column) => resource[column]),
    activity.environment_id,
  ];
  return recordOneReadingSubscriptions.step(trx, ...values);
}

/** `recordActivity` for many inputs of one environment, with multi-row statements. */
export async function recordActivities(
  trx: Db,
  now: number,
  inputs: readonly ActivityInput[],
): Promise<Activity[]> {
  const activities = inputs.map((input) => buildActivity(now, input));
  const rows = rowsOf(activities);
  const subscriptions = new Map<string, SubscriptionFilters>();
  if (rows.activityRows.length === 1 && rows.resourceRows.length === 1 && isPostgres(trx)) {
    const found = await recordOneStep(trx, rows).run();
    subscriptions.set(activities[0]!.environmentId, toSubscriptionFilters(found));
  } else if (!deferUntilCommit(trx, DEFERRED_TABLES, insertDeferred, rows)) {
    await bulkInsertActivities(trx, rows.activityRows);
    await bulkInsertResources(trx, rows.resourceRows);
  }
  await queueForSubscriptions(trx, now, activities, subscriptions);
  return activities;
}

/** Queues each activity for every subscription of its environment whose filter it matches. */
async function queueForSubscriptions(
  trx: Db,
  now: number,
  activities: readonly Activity[],
  subscriptions: Map<string, SubscriptionFilters>,
): Promise<void> {
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
}
