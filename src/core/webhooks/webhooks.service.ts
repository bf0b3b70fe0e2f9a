import { authorize, type Actor } from '../access/actor.js';
import { recordActivity } from '../activities/activities.repository.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Environment } from '../environments/environment.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { noMetrics, type Metrics } from '../shared/metrics.js';
import { storedSecretBox } from '../shared/stored-secret-box.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { postJson, WebhookDeliveryError } from './http-post.js';
import {
  MASKED_HEADER_VALUE,
  SUBSCRIPTION_LIMITS,
  type Subscription,
  type SubscriptionInput,
} from './subscription.js';
import { validateSubscription } from './subscription-validation.js';
import {
  claimSubscriptions,
  countPendingDeliveries,
  countSubscriptions,
  deleteDelivered,
  deleteSubscription,
  dropStaleDeliveries,
  findSubscription,
  insertSubscription,
  listSubscriptions,
  pendingBatch,
  pendingCounts,
  recordAttempt,
  releaseClaim,
  updateSubscription,
  type SubscriptionRecord,
} from './webhooks.repository.js';
import type { EnvironmentScope } from '../shared/environment-scope.js';

/** Retries: 1 s, 2 s, 4 s ... capped at 5 minutes, forever (head-of-line, like PingOne). */
export const WEBHOOK_RETRY = { baseMs: 1000, capMs: 300_000, leaseMs: 120_000, batch: 500 } as const;
export const webhookBackoffMs = (failures: number): number =>
  Math.min(WEBHOOK_RETRY.baseMs * 2 ** Math.max(0, failures - 1), WEBHOOK_RETRY.capMs);
/** Deliveries not made within this time are dropped (PingOne keeps events about two weeks). */
export const WEBHOOK_KEEP_MS = 14 * 86_400_000;

const SETTING = 'webhook_secret_box_key';

export interface WebhooksServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly secretKey: string | undefined;
  readonly timeoutMs: number;
  readonly metrics?: Metrics;
  readonly log?: ((message: string, facts: Record<string, unknown>) => void) | undefined;
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;

export function createWebhooksService(deps: WebhooksServiceDeps) {
  const { store, clock, environments, timeoutMs, metrics = noMetrics } = deps;
  /** Header values are sealed like notification secrets: key from TESSERA_SECRET_KEY or the store. */
  const secretBox = storedSecretBox('webhooks', SETTING, deps.secretKey);

  metrics.gauge('webhook_backlog', () => countPendingDeliveries(store.db));

  async function openHeaders(db: Db, record: SubscriptionRecord): Promise<Record<string, string>> {
    if (!record.headersSealed) return {};
    return JSON.parse((await secretBox(db)).open(record.headersSealed)) as Record<string, string>;
  }

  async function toSubscription(db: Db, record: SubscriptionRecord, pending: number): Promise<Subscription> {
    return {
      id: record.id,
      environmentId: record.environmentId,
      name: record.name,
      enabled: record.enabled,
      format: record.format,
      url: record.url,
      headers: await openHeaders(db, record),
      verifyTlsCertificates: record.verifyTls,
      filter: record.filter,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      delivery: {
        lastAttemptAt: record.lastAttemptAt,
        lastStatus: record.lastStatus,
        lastError: record.lastError,
        lastSuccessAt: record.lastSuccessAt,
        failedAttempts: record.attempts,
        nextAttemptAt: record.nextAttemptAt,
        pending,
      },
    };
  }

  async function withPending(db: Db, record: SubscriptionRecord): Promise<Subscription> {
    return toSubscription(db, record, (await pendingCounts(db, [record.id])).get(record.id) ?? 0);
  }

  async function requireEnv(actor: Actor, environmentId: string, action: string): Promise<Environment> {
    const env = await environments.require(environmentId);
    authorize(actor, `subscriptions:${action}:subscription`, {
      environmentId: env.id,
      organizationId: env.organizationId,
    });
    return env;
  }

  async function seal(db: Db, headers: Readonly<Record<string, string>>): Promise<string | undefined> {
    if (Object.keys(headers).length === 0) return undefined;
    return (await secretBox(db)).seal(JSON.stringify(headers));
  }

  const resource = (s: { id: string; name: string }) => ({ type: 'SUBSCRIPTION', id: s.id, name: s.name });

  return {
    async list(actor: Actor, environmentId: string): Promise<Subscription[]> {
      await requireEnv(actor, environmentId, 'read');
      const records = await listSubscriptions(store.db, environmentId);
      const pending = await pendingCounts(
        store.db,
        records.map((r) => r.id),
      );
      return Promise.all(records.map((r) => toSubscription(store.db, r, pending.get(r.id) ?? 0)));
    },

    async get(actor: Actor, environmentId: string, id: string): Promise<Subscription> {
      await requireEnv(actor, environmentId, 'read');
      const record = await findSubscription(store.db, environmentId, id);
      if (!record) throw notFound();
      return withPending(store.db, record);
    },

    async create(actor: Actor, environmentId: string, input: SubscriptionInput): Promise<Subscription> {
      const env = await requireEnv(actor, environmentId, 'create');
      validateSubscription(input);
      return store.transaction(async (trx) => {
        if ((await countSubscriptions(trx, env.id)) >= SUBSCRIPTION_LIMITS.perEnvironment)
          throw new DomainError('forbidden', [
            {
              code: 'limit_exceeded',
              message: `An environment can have at most ${SUBSCRIPTION_LIMITS.perEnvironment} subscriptions.`,
            },
          ]);
        const id = newId();
        await insertSubscription(trx, {
          id,
          environmentId: env.id,
          name: input.name,
          enabled: input.enabled,
          format: input.format,
          url: input.url,
          headersSealed: await seal(trx, input.headers),
          verifyTls: input.verifyTlsCertificates,
          filter: input.filter,
          now: clock.now(),
        });
        await recordActivity(trx, clock.now(), {
          environmentId: env.id,
          type: 'SUBSCRIPTION.CREATED',
          actor,
          resources: [resource({ id, name: input.name })],
        });
        return withPending(trx, (await findSubscription(trx, env.id, id))!);
      });
    },

    /**
     * PUT: replaces the subscription. A header sent back with the masked value keeps the value
     * stored for that header name, so a read-modify-write round trip never loses a secret.
     */
    async replace(
      actor: Actor,
      environmentId: string,
      id: string,
      input: SubscriptionInput,
    ): Promise<Subscription> {
      const env = await requireEnv(actor, environmentId, 'update');
      validateSubscription(input);
      return store.transaction(async (trx) => {
        const current = await findSubscription(trx, env.id, id);
        if (!current) throw notFound();
        const stored = await openHeaders(trx, current);
        const headers = Object.fromEntries(
          Object.entries(input.headers).map(([name, value]) => {
            const kept = Object.entries(stored).find(([n]) => n.toLowerCase() === name.toLowerCase());
            return [name, value === MASKED_HEADER_VALUE && kept ? kept[1] : value];
          }),
        );
        await updateSubscription(trx, {
          id,
          environmentId: env.id,
          name: input.name,
          enabled: input.enabled,
          format: input.format,
          url: input.url,
          headersSealed: await seal(trx, headers),
          verifyTls: input.verifyTlsCertificates,
          filter: input.filter,
          now: clock.now(),
        });
        await recordActivity(trx, clock.now(), {
          environmentId: env.id,
          type: 'SUBSCRIPTION.UPDATED',
          actor,
          resources: [resource({ id, name: input.name })],
        });
        return withPending(trx, (await findSubscription(trx, env.id, id))!);
      });
    },

    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      const env = await requireEnv(actor, environmentId, 'delete');
      await store.transaction(async (trx) => {
        const current = await findSubscription(trx, env.id, id);
        if (!current || !(await deleteSubscription(trx, env.id, id))) throw notFound();
        await recordActivity(trx, clock.now(), {
          environmentId: env.id,
          type: 'SUBSCRIPTION.DELETED',
          actor,
          resources: [resource(current)],
        });
      });
    },

    /**
     * One delivery pass (scheduler): claims due subscriptions, and for each POSTs its pending
     * activities oldest first in batches, deleting a batch only after a 2xx. A failure stops
     * that subscription (head-of-line, so order holds) until its backoff has passed. Returns
     * how many activities were delivered.
     */
    async deliverDue(scope?: EnvironmentScope, limit = 20): Promise<number> {
      const claimed = await store.transaction((trx) =>
        claimSubscriptions(trx, clock.now(), WEBHOOK_RETRY.leaseMs, limit, scope),
      );
      let delivered = 0;
      await Promise.all(
        claimed.map(async (subscription) => {
          const headers = await openHeaders(store.db, subscription);
          for (let round = 0; round < 10; round += 1) {
            const batch = await pendingBatch(store.db, subscription.id, WEBHOOK_RETRY.batch);
            const last = round === 9 || batch.length < WEBHOOK_RETRY.batch;
            if (batch.length === 0) {
              await releaseClaim(store.db, subscription.id);
              return;
            }
            const body = `[${batch.map((row) => row.payload).join(',')}]`;
            try {
              await postJson({
                url: subscription.url,
                headers,
                body,
                timeoutMs,
                verifyTls: subscription.verifyTls,
              });
            } catch (error) {
              const message =
                error instanceof WebhookDeliveryError ? error.message : 'Unexpected delivery error.';
              const failures = subscription.attempts + 1;
              await recordAttempt(store.db, subscription.id, {
                ok: false,
                at: clock.now(),
                error: message,
                nextAttemptAt: clock.now() + webhookBackoffMs(failures),
              });
              metrics.webhookAttempt('failed');
              deps.log?.('webhook delivery failed', {
                subscription: subscription.id,
                failures,
                error: message,
              });
              return;
            }
            await store.transaction(async (trx) => {
              await deleteDelivered(
                trx,
                batch.map((row) => row.id),
              );
              await recordAttempt(trx, subscription.id, { ok: true, at: clock.now(), release: last });
            });
            metrics.webhookAttempt('delivered');
            metrics.webhookActivitiesDelivered(batch.length);
            delivered += batch.length;
            if (last) return;
          }
        }),
      );
      return delivered;
    },

    /** Scheduler job: drops deliveries older than two weeks (suspended or failing subscriptions). */
    dropStale: (scope?: EnvironmentScope): Promise<number> =>
      store.transaction((trx) => dropStaleDeliveries(trx, clock.now() - WEBHOOK_KEEP_MS, scope)),
  };
}
