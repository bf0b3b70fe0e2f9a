import { sql, type Selectable } from 'kysely';
import { claimingRows } from '../../db/dialect.js';
import type { Db } from '../../db/schema.js';
import type { NotificationMethod, OutboxEntry, OutboxMessage, OutboxStatus } from './notification.js';
import { inEnvironmentScope, type EnvironmentScope } from '../shared/environment-scope.js';

export interface NotificationOutboxTable {
  id: string;
  environment_id: string;
  user_id: string | null;
  template: string;
  delivery_method: string;
  recipient: string;
  locale: string;
  variant: string | null;
  message: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  claimed_until: number | null;
  last_error: string | null;
  transport: string | null;
  created_at: number;
  sent_at: number | null;
}

declare module '../../db/schema.js' {
  interface Database {
    notification_outbox: NotificationOutboxTable;
  }
}

const toEntry = (row: Selectable<NotificationOutboxTable>): OutboxEntry => ({
  id: row.id,
  environmentId: row.environment_id,
  userId: row.user_id ?? undefined,
  template: row.template,
  deliveryMethod: row.delivery_method as NotificationMethod,
  recipient: row.recipient,
  locale: row.locale,
  variant: row.variant ?? undefined,
  message: JSON.parse(row.message) as OutboxMessage,
  status: row.status as OutboxStatus,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error ?? undefined,
  transport: row.transport ?? undefined,
  createdAt: row.created_at,
  sentAt: row.sent_at ?? undefined,
});

export async function insertOutbox(db: Db, entry: OutboxEntry): Promise<void> {
  await db
    .insertInto('notification_outbox')
    .values({
      id: entry.id,
      environment_id: entry.environmentId,
      user_id: entry.userId ?? null,
      template: entry.template,
      delivery_method: entry.deliveryMethod,
      recipient: entry.recipient,
      locale: entry.locale,
      variant: entry.variant ?? null,
      message: JSON.stringify(entry.message),
      status: entry.status,
      attempts: entry.attempts,
      next_attempt_at: entry.nextAttemptAt,
      claimed_until: null,
      last_error: null,
      transport: null,
      created_at: entry.createdAt,
      sent_at: null,
    })
    .execute();
}

/**
 * Claims up to `limit` due messages for this process: QUEUED rows whose time has come, and
 * SENDING rows whose lease ran out (their process died mid-send). The claim is a conditional
 * UPDATE, so two processes can never both win a row; on PostgreSQL `FOR UPDATE SKIP LOCKED` also
 * keeps them from waiting on each other. SQLite's single writer serialises the transaction.
 */
export async function claimDue(
  trx: Db,
  now: number,
  leaseMs: number,
  limit: number,
  scope?: EnvironmentScope,
): Promise<OutboxEntry[]> {
  const due = (q: ReturnType<typeof base>) =>
    q
      .where(inEnvironmentScope(scope))
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'QUEUED'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'SENDING'), eb('claimed_until', '<=', now)]),
        ]),
      );
  const base = () => trx.selectFrom('notification_outbox').select('id');
  let select = due(base()).orderBy('next_attempt_at').orderBy('id').limit(limit);
  select = claimingRows(trx, select);
  const ids = (await select.execute()).map((r) => r.id);
  if (ids.length === 0) return [];
  const claimed = await trx
    .updateTable('notification_outbox')
    .set({ status: 'SENDING', claimed_until: now + leaseMs, attempts: sql`attempts + 1` })
    .where('id', 'in', ids)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'QUEUED'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'SENDING'), eb('claimed_until', '<=', now)]),
      ]),
    )
    .returningAll()
    .execute();
  return claimed.map(toEntry);
}

export async function markSent(db: Db, id: string, now: number, transport: string): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({ status: 'SENT', sent_at: now, transport, claimed_until: null, last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'SENDING')
    .execute();
}

export async function markFailed(
  db: Db,
  id: string,
  outcome: { status: 'QUEUED' | 'FAILED'; nextAttemptAt: number; error: string },
): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({
      status: outcome.status,
      next_attempt_at: outcome.nextAttemptAt,
      last_error: outcome.error,
      claimed_until: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'SENDING')
    .execute();
}

export async function listOutbox(
  db: Db,
  environmentId: string,
  limit: number,
  recipient?: string,
): Promise<OutboxEntry[]> {
  let query = db
    .selectFrom('notification_outbox')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('id', 'desc')
    .limit(limit);
  if (recipient !== undefined) query = query.where('recipient', '=', recipient);
  return (await query.execute()).map(toEntry);
}

/** Messages not yet sent nor given up (queued or being sent), across every environment. */
export async function countBacklog(db: Db): Promise<number> {
  const row = await db
    .selectFrom('notification_outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('status', 'in', ['QUEUED', 'SENDING'])
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
