import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { findUser } from '../users/users.repository.js';
import type { User } from '../users/user.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { SecretBox } from '../shared/secrets.js';
import { listContents } from './contents.repository.js';
import {
  contentMethodOf,
  type NotificationMethod,
  type NotificationResult,
  type OutboxEntry,
  type OutboxMessage,
  type PhoneProviderSecrets,
} from './notification.js';
import { noMetrics, type Metrics } from '../shared/metrics.js';
import { claimDue, countBacklog, insertOutbox, markFailed, markSent } from './outbox.repository.js';
import { localeCandidates, selectContent, substitute } from './render.js';
import { findEmailSettings, findNotificationsSettings, listPhoneSettings } from './settings.repository.js';
import { defaultContents, findTemplate } from './templates.js';
import { DeliveryError, sendEmail, sendSms } from './transports.js';
import type { EnvironmentScope } from '../shared/environment-scope.js';
import type { Actor } from '../access/actor.js';
import { recordNotificationCreated } from './notification-activities.js';

export interface EnqueueInput {
  readonly environmentId: string;
  /** The recipient user: their email / mobile phone, preferred language and name fill the message. */
  readonly userId: string;
  /** A predefined template name, e.g. `credential_updated` or `recovery_code_template`. */
  readonly template: string;
  readonly methods: readonly NotificationMethod[];
  /** Requested locale (`fr-CA`, `fr_CA`, or a quality list); falls back as documented. */
  readonly locale?: string | undefined;
  /** Requested variant; an unknown variant falls back to the default content. */
  readonly variant?: string | undefined;
  /** Values for `${name}` placeholders; `user.*` are added from the user record. */
  readonly variables?: Readonly<Record<string, string>> | undefined;
  /** Overrides the user's address or phone number. */
  readonly to?: { readonly email?: string | undefined; readonly phone?: string | undefined } | undefined;
  /** Who caused the message (its NOTIFICATION.CREATED actor); absent: the system (sign-on). */
  readonly actor?: Actor | undefined;
}

/** Retry schedule: 10 s, 20 s, 40 s ... capped at one hour; gives up after MAX_ATTEMPTS. */
export const RETRY = { baseMs: 10_000, capMs: 3_600_000, maxAttempts: 12, leaseMs: 120_000 } as const;
export const backoffMs = (attempts: number): number =>
  Math.min(RETRY.baseMs * 2 ** Math.max(0, attempts - 1), RETRY.capMs);

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function userVariables(user: User): Record<string, string> {
  const name = (user.profile.name ?? {}) as Record<string, unknown>;
  const vars: Record<string, string> = { 'user.username': user.username, 'user.id': user.id };
  if (user.email) vars['user.email'] = user.email;
  for (const part of ['given', 'family', 'middle', 'formatted'] as const) {
    const value = str(name[part]);
    if (value) vars[`user.name.${part}`] = value;
  }
  return vars;
}

function phoneOf(user: User): string | undefined {
  return str(user.profile.mobilePhone) ?? str(user.profile.primaryPhone);
}

export interface DeliveryDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly secretBox: (db: Db) => Promise<SecretBox>;
  /** With the test mailbox on, email without an SMTP server is captured instead of retried. */
  readonly testMailbox: boolean;
  readonly log?: ((message: string, facts: Record<string, unknown>) => void) | undefined;
  readonly metrics?: Metrics;
}

export function createDelivery({
  store,
  clock,
  secretBox,
  testMailbox,
  log,
  metrics = noMetrics,
}: DeliveryDeps) {
  metrics.gauge('outbox_backlog', () => countBacklog(store.db));
  /**
   * Renders a predefined template for a user and accepts one message per method into the
   * durable outbox, inside the caller's transaction: the messages exist if and only if the
   * caller's change commits. Delivery happens later, on the scheduler.
   */
  async function enqueue(trx: Db, input: EnqueueInput): Promise<NotificationResult[]> {
    const definition = findTemplate(input.template);
    if (!definition) throw new Error(`unknown notification template ${input.template}`);
    const user = await findUser(trx, input.environmentId, input.userId);
    const contents = [
      ...(await listContents(trx, input.environmentId, input.template)),
      ...defaultContents(input.environmentId, definition),
    ];
    const locales = localeCandidates(input.locale, user ? str(user.profile.preferredLanguage) : undefined);
    const variables = { ...(user ? userVariables(user) : {}), ...(input.variables ?? {}) };
    const now = clock.now();
    const results: NotificationResult[] = [];
    for (const method of [...new Set(input.methods)]) {
      const recipient =
        method === 'EMAIL'
          ? (input.to?.email ?? user?.email)
          : (input.to?.phone ?? (user ? phoneOf(user) : undefined));
      if (!recipient) {
        results.push({
          method,
          sent: false,
          error: {
            code: 'NO_RECIPIENT',
            message:
              method === 'EMAIL'
                ? 'The user has no email address.'
                : 'The user has no mobile or primary phone.',
          },
        });
        continue;
      }
      const content = selectContent(contents, contentMethodOf(method), locales, input.variant);
      if (!content) {
        results.push({
          method,
          sent: false,
          error: { code: 'NO_CONTENT', message: `The template has no ${method} content.` },
        });
        continue;
      }
      let message: OutboxMessage;
      if (method === 'EMAIL') {
        const email = content.email!;
        const contentType = email.emailContentType ?? 'text/html';
        message = {
          kind: 'EMAIL',
          subject: substitute(email.subject ?? '', variables),
          body: substitute(email.body, variables, contentType.toLowerCase().includes('html')),
          contentType,
          charset: email.charset ?? 'UTF-8',
          from: email.from,
          replyTo: email.replyTo,
          code: input.variables?.code,
        };
      } else {
        message = {
          kind: 'SMS',
          content: substitute(content.sms!.content, variables),
          sender: content.sms!.sender,
          code: input.variables?.code,
        };
      }
      const entry: OutboxEntry = {
        id: newId(),
        environmentId: input.environmentId,
        userId: input.userId,
        template: input.template,
        deliveryMethod: method,
        recipient,
        locale: content.locale,
        variant: content.variant || undefined,
        message,
        status: 'QUEUED',
        attempts: 0,
        nextAttemptAt: now,
        lastError: undefined,
        transport: undefined,
        createdAt: now,
        sentAt: undefined,
      };
      await insertOutbox(trx, entry);
      await recordNotificationCreated(trx, now, input.actor, entry, user);
      results.push({ method, sent: true, notification: { id: entry.id } });
    }
    return results;
  }

  /** Sends one claimed message; returns the transport used. */
  async function send(entry: OutboxEntry): Promise<string> {
    const db = store.db;
    if (entry.deliveryMethod === 'EMAIL') {
      const configured = await findEmailSettings(db, entry.environmentId);
      if (!configured) {
        if (testMailbox) return 'TEST_MAILBOX';
        throw new DeliveryError('The environment has no email delivery settings.');
      }
      const password = (await secretBox(db)).open(configured.passwordSealed);
      const general = await findNotificationsSettings(db, entry.environmentId);
      await sendEmail(configured.settings, password, entry, general?.from);
      return 'SMTP';
    }
    const providers = await listPhoneSettings(db, entry.environmentId);
    const chain = (await findNotificationsSettings(db, entry.environmentId))?.smsProvidersFallbackChain ?? [];
    const ordered = [
      ...chain.map((id) => providers.find((p) => p.settings.id === id)).filter((p) => p !== undefined),
      ...providers,
    ];
    const provider = ordered.find((p) => p.settings.requests.some((r) => r.deliveryMethod === 'SMS'));
    if (!provider) {
      if (testMailbox) return 'TEST_MAILBOX';
      throw new DeliveryError('The environment has no SMS delivery provider.');
    }
    const secrets = provider.secretsSealed
      ? (JSON.parse((await secretBox(db)).open(provider.secretsSealed)) as PhoneProviderSecrets)
      : {};
    await sendSms(provider.settings, secrets, entry);
    return 'HTTP';
  }

  /**
   * One outbox pass: claims due messages (atomically, see claimDue), sends each, and records
   * SENT or schedules a retry with exponential backoff. Returns how many were sent.
   */
  async function deliverDue(scope?: EnvironmentScope, limit = 50): Promise<number> {
    const claimed = await store.transaction((trx) => claimDue(trx, clock.now(), RETRY.leaseMs, limit, scope));
    let sent = 0;
    for (const entry of claimed) {
      try {
        const transport = await send(entry);
        await markSent(store.db, entry.id, clock.now(), transport);
        metrics.outboxAttempt('sent');
        sent += 1;
      } catch (error) {
        const message = error instanceof DeliveryError ? error.message : 'Unexpected delivery error.';
        const giveUp = entry.attempts >= RETRY.maxAttempts;
        await markFailed(store.db, entry.id, {
          status: giveUp ? 'FAILED' : 'QUEUED',
          nextAttemptAt: clock.now() + backoffMs(entry.attempts),
          error: message,
        });
        metrics.outboxAttempt(giveUp ? 'failed' : 'retry');
        log?.('notification delivery failed', {
          id: entry.id,
          attempts: entry.attempts,
          giveUp,
          error: message,
        });
      }
    }
    return sent;
  }

  return { enqueue, deliverDue };
}
