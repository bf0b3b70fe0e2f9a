// Over 300 lines: every statement of subscriptions and their delivery outbox (claiming with leases,
// ordered batches, backoff bookkeeping) sits together so the outbox protocol reads in one place.
import { sql, type Selectable } from 'kysely';
import { claimingRows } from '../../db/dialect.js';
import { prepareQuery } from '../../db/prepared.js';
import type { Db, DbBool } from '../../db/schema.js';
import type { SubscriptionFilter, SubscriptionFormat } from './subscription.js';
import {
  inEnvironmentScope,
  subscriptionInEnvironmentScope,
  type EnvironmentScope,
} from '../shared/environment-scope.js';

export interface WebhookSubscriptionsTable {
  id: string;
  environment_id: string;
  name: string;
  enabled: DbBool;
  format: string;
  url: string;
  headers_sealed: string | null;
  verify_tls: DbBool;
  filter_options: string;
  created_at: number;
  updated_at: number;
  attempts: number;
  next_attempt_at: number;
  claimed_until: number | null;
  last_attempt_at: number | null;
  last_status: string | null;
  last_error: string | null;
  last_success_at: number | null;
}

export interface WebhookOutboxTable {
  id: string;
  subscription_id: string;
  activity_id: string;
  payload: string;
  created_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    webhook_subscriptions: WebhookSubscriptionsTable;
    webhook_outbox: WebhookOutboxTable;
  }
}

export type SubscriptionRow = Selectable<WebhookSubscriptionsTable>;

export interface SubscriptionRecord {
  readonly id: string;
  readonly environmentId: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly format: SubscriptionFormat;
  readonly url: string;
  readonly headersSealed: string | undefined;
  readonly verifyTls: boolean;
  readonly filter: SubscriptionFilter;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastAttemptAt: number | undefined;
  readonly lastStatus: 'SUCCESS' | 'FAILED' | undefined;
  readonly lastError: string | undefined;
  readonly lastSuccessAt: number | undefined;
}

const toRecord = (row: SubscriptionRow): SubscriptionRecord => ({
  id: row.id,
  environmentId: row.environment_id,
  name: row.name,
  enabled: Boolean(row.enabled),
  format: row.format as SubscriptionFormat,
  url: row.url,
  headersSealed: row.headers_sealed ?? undefined,
  verifyTls: Boolean(row.verify_tls),
  filter: JSON.parse(row.filter_options) as SubscriptionFilter,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
  attempts: row.attempts,
  nextAttemptAt: Number(row.next_attempt_at),
  lastAttemptAt: row.last_attempt_at === null ? undefined : Number(row.last_attempt_at),
  lastStatus: (row.last_status ?? undefined) as 'SUCCESS' | 'FAILED' | undefined,
  lastError: row.last_error ?? undefined,
  lastSuccessAt: row.last_success_at === null ? undefined : Number(row.last_success_at),
});

export type SubscriptionWrite = Pick<
  SubscriptionRecord,
  'id' | 'environmentId' | 'name' | 'enabled' | 'format' | 'url' | 'headersSealed' | 'verifyTls' | 'filter'
> & { readonly now: number };

export async function insertSubscription(db: Db, s: SubscriptionWrite): Promise<void> {
  await db
    .insertInto('webhook_subscriptions')
    .values({
      id: s.id,
      environment_id: s.environmentId,
      name: s.name,
      enabled: s.enabled,
      format: s.format,
      url: s.url,
      headers_sealed: s.headersSealed ?? null,
      verify_tls: s.verifyTls,
      filter_options: JSON.stringify(s.filter),
      created_at: s.now,
      updated_at: s.now,
      attempts: 0,
      next_attempt_at: s.now,
      claimed_until: null,
      last_attempt_at: null,
      last_status: null,
      last_error: null,
      last_success_at: null,
    })
    .execute();
}

/** Replaces the definition; a changed endpoint gets a fresh retry schedule. */
export async function updateSubscription(db: Db, s: SubscriptionWrite): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({
      name: s.name,
      enabled: s.enabled,
      format: s.format,
      url: s.url,
      headers_sealed: s.headersSealed ?? null,
      verify_tls: s.verifyTls,
      filter_options: JSON.stringify(s.filter),
      updated_at: s.now,
      attempts: 0,
      next_attempt_at: s.now,
    })
    .where('id', '=', s.id)
    .where('environment_id', '=', s.environmentId)
    .execute();
}

export async function deleteSubscription(db: Db, environmentId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhook_subscriptions')
    .where('id', '=', id)
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findSubscription(
  db: Db,
  environmentId: string,
  id: string,
): Promise<SubscriptionRecord | undefined> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('id', '=', id)
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function listSubscriptions(db: Db, environmentId: string): Promise<SubscriptionRecord[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

export async function countSubscriptions(db: Db, environmentId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** Pending deliveries per subscription of an environment. */
export async function pendingCounts(
  db: Db,
  subscriptionIds: readonly string[],
): Promise<Map<string, number>> {
  if (subscriptionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('webhook_outbox')
    .select(['subscription_id', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('subscription_id', 'in', subscriptionIds)
    .groupBy('subscription_id')
    .execute();
  return new Map(rows.map((r) => [r.subscription_id, Number(r.count)]));
}

/**
 * The subscriptions' filters of an environment: every audited write reads them. `db` may be a
 * query creator holding WITH clauses (the activity's INSERTs on PostgreSQL, activities.repository).
 */
export const subscriptionFiltersQuery = (db: Pick<Db, 'selectFrom'>, environmentId: string) =>
  db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'filter_options'])
    .where('environment_id', '=', environmentId);

/** Compiled once: building it cost more than running it. */
const selectSubscriptionFilters = prepareQuery(1, subscriptionFiltersQuery);

export type SubscriptionFilters = { id: string; filter: SubscriptionFilter }[];

/** The rows of `subscriptionFiltersQuery`, parsed. */
export const toSubscriptionFilters = (rows: readonly { id: string; filter_options: string }[]) =>
  rows.map((r) => ({ id: r.id, filter: JSON.parse(r.filter_options) as SubscriptionFilter }));

/** Subscriptions of an environment, for matching a new activity (enabled or not: see docs). */
export async function subscriptionFilters(db: Db, environmentId: string): Promise<SubscriptionFilters> {
  return toSubscriptionFilters(await selectSubscriptionFilters(db, environmentId));
}

export async function insertOutboxRow(
  db: Db,
  row: { id: string; subscriptionId: string; activityId: string; payload: string; createdAt: number },
): Promise<void> {
  await db
    .insertInto('webhook_outbox')
    .values({
      id: row.id,
      subscription_id: row.subscriptionId,
      activity_id: row.activityId,
      payload: row.payload,
      created_at: row.createdAt,
    })
    .execute();
}

const dueSubscriptions = (now: number) =>
  sql<boolean>`enabled = ${true} and next_attempt_at <= ${now} and (claimed_until is null or claimed_until <= ${now}) and exists (select 1 from webhook_outbox o where o.subscription_id = webhook_subscriptions.id)`;

/**
 * Claims up to `limit` enabled subscriptions that have pending deliveries and whose retry time
 * has come, for `leaseMs`. The claim is per subscription (not per row) so that exactly one
 * process sends a subscription's activities, in order. Like the notification outbox: a
 * conditional UPDATE (two processes never both win), `FOR UPDATE SKIP LOCKED` on PostgreSQL, and
 * SQLite's single writer serialises the transaction. A process that dies mid-send loses its lease.
 */
export async function claimSubscriptions(
  trx: Db,
  now: number,
  leaseMs: number,
  limit: number,
  scope?: EnvironmentScope,
): Promise<SubscriptionRecord[]> {
  let select = trx
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where(dueSubscriptions(now))
    .where(inEnvironmentScope(scope))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit);
  select = claimingRows(trx, select);
  const ids = (await select.execute()).map((r) => r.id);
  if (ids.length === 0) return [];
  const claimed = await trx
    .updateTable('webhook_subscriptions')
    .set({ claimed_until: now + leaseMs })
    .where('id', 'in', ids)
    .where(dueSubscriptions(now))
    .returningAll()
    .execute();
  return claimed.map(toRecord);
}

/** The oldest pending deliveries of a subscription, in the order their activities were recorded. */
export async function pendingBatch(
  db: Db,
  subscriptionId: string,
  limit: number,
): Promise<{ id: string; payload: string }[]> {
  return db
    .selectFrom('webhook_outbox')
    .select(['id', 'payload'])
    .where('subscription_id', '=', subscriptionId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function deleteDelivered(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('webhook_outbox').where('id', 'in', ids).execute();
}

export async function recordAttempt(
  db: Db,
  id: string,
  outcome:
    | { readonly ok: true; readonly at: number; readonly release: boolean }
    | { readonly ok: false; readonly at: number; readonly error: string; readonly nextAttemptAt: number },
): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set(
      outcome.ok
        ? {
            last_attempt_at: outcome.at,
            last_status: 'SUCCESS',
            last_error: null,
            last_success_at: outcome.at,
            attempts: 0,
            next_attempt_at: outcome.at,
            ...(outcome.release ? { claimed_until: null } : {}),
          }
        : {
            last_attempt_at: outcome.at,
            last_status: 'FAILED',
            last_error: outcome.error,
            attempts: sql`attempts + 1`,
            next_attempt_at: outcome.nextAttemptAt,
            claimed_until: null,
          },
    )
    .where('id', '=', id)
    .execute();
}

/** Ends a claim with nothing left to send. */
export async function releaseClaim(db: Db, id: string): Promise<void> {
  await db.updateTable('webhook_subscriptions').set({ claimed_until: null }).where('id', '=', id).execute();
}

/** Deliveries older than `before` (a subscription left disabled or failing too long) are dropped. */
export async function dropStaleDeliveries(db: Db, before: number, scope?: EnvironmentScope): Promise<number> {
  const result = await db
    .deleteFrom('webhook_outbox')
    .where('created_at', '<', before)
    .where(subscriptionInEnvironmentScope(scope))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countPendingDeliveries(db: Db): Promise<number> {
  const row = await db
    .selectFrom('webhook_outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
