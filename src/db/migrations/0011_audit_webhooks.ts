import type { Kysely } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
// Audit activities and webhook subscriptions (issue 12, part B).
// - activities: one row per recorded event. `document` holds the whole activity as JSON; the
//   filterable facts are copied into columns (and resources into activity_resources) so the
//   `/activities` filters run as indexed SQL. No foreign key to environments: an activity
//   outlives what it describes (ENVIRONMENT.DELETED included); retention pruning removes it.
// - webhook_subscriptions: the subscription and its delivery state (the claim lease, the retry
//   schedule and the last attempt's outcome). Header values are sealed as one JSON blob.
// - webhook_outbox: one row per (subscription, matching activity), written in the transaction
//   that records the activity; delivered in id order per subscription, deleted once delivered.

// Kysely<any>: migrations are frozen and must not depend on the evolving schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('activities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .addColumn('action_type', 'text', (c) => c.notNull())
    .addColumn('correlation_id', 'text')
    .addColumn('actor_client_id', 'text')
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_user_name', 'text')
    .addColumn('document', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('activities_env_id')
    .on('activities')
    .columns(['environment_id', 'id'])
    .execute();
  await db.schema.createIndex('activities_recorded').on('activities').columns(['recorded_at']).execute();

  await db.schema
    .createTable('activity_resources')
    .addColumn('activity_id', 'text', (c) => c.notNull().references('activities.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('population_id', 'text')
    .addPrimaryKeyConstraint('activity_resources_pk', ['activity_id', 'position'])
    .execute();
  await db.schema
    .createIndex('activity_resources_resource')
    .on('activity_resources')
    .columns(['resource_id'])
    .execute();

  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // Sealed JSON object of header name -> value (null: no headers).
    .addColumn('headers_sealed', 'text')
    .addColumn('verify_tls', 'boolean', (c) => c.notNull())
    // JSON: { includedActionTypes, includedApplications, includedPopulations, includedTags }
    .addColumn('filter_options', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // Delivery state: consecutive failures, when the next try is due, the claim lease.
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('last_status', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_success_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('webhook_subscriptions_env')
    .on('webhook_subscriptions')
    .columns(['environment_id', 'id'])
    .execute();

  await db.schema
    .createTable('webhook_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) =>
      c.notNull().references('webhook_subscriptions.id').onDelete('cascade'),
    )
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_outbox_subscription')
    .on('webhook_outbox')
    .columns(['subscription_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_outbox').execute();
  await db.schema.dropTable('webhook_subscriptions').execute();
  await db.schema.dropTable('activity_resources').execute();
  await db.schema.dropTable('activities').execute();
}
