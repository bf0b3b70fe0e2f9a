import type { Actor } from '../access/actor.js';
import { recordChange, type ChangeVerb } from '../activities/record-change.js';
import type { Db } from '../../db/schema.js';
import type { OutboxEntry, TemplateContent } from './notification.js';
import type { User } from '../users/user.js';
import { recordActivity } from '../activities/activities.repository.js';

/**
 * What a notifications change records (reference more §3.5): a template content is CONTENT.*
 * (named "<template> <deliveryMethod> <locale>[ <variant>]"); any settings change (notifications,
 * email delivery, phone delivery settings) is NOTIFICATIONS_SETTINGS.UPDATED naming which.
 * Never a sealed value: SMTP passwords and provider secrets stay out.
 */
export type NotificationActivity =
  | {
      readonly content: Pick<TemplateContent, 'id' | 'template' | 'deliveryMethod' | 'locale' | 'variant'>;
      readonly verb: ChangeVerb;
    }
  | { readonly settings: string };

export function recordNotificationActivity(
  trx: Db,
  now: number,
  actor: Actor,
  environmentId: string,
  activity: NotificationActivity,
) {
  if ('content' in activity) {
    const { content } = activity;
    const name = [content.template, content.deliveryMethod, content.locale, content.variant]
      .filter((part) => part !== '')
      .join(' ');
    return recordChange(trx, now, {
      environmentId,
      actor,
      type: `CONTENT.${activity.verb}`,
      resource: { type: 'CONTENT', id: content.id, name },
    });
  }
  return recordChange(trx, now, {
    environmentId,
    actor,
    type: 'NOTIFICATIONS_SETTINGS.UPDATED',
    resource: { type: 'NOTIFICATIONS_SETTINGS', id: environmentId, name: activity.settings },
    description: `Updated ${activity.settings}`,
  });
}

/**
 * NOTIFICATION.CREATED when a message is accepted into the outbox, in the transaction of the
 * change that sends it (the moment PingOne answers `notification.results[].notification.id`):
 * it exists if and only if the message will be sent. Only the template, the delivery method and
 * the recipient user are named: never the body, a code or the address.
 */
export function recordNotificationCreated(
  trx: Db,
  now: number,
  actor: Actor | undefined,
  entry: Pick<OutboxEntry, 'id' | 'environmentId' | 'userId' | 'template' | 'deliveryMethod'>,
  user: Pick<User, 'username' | 'populationId'> | undefined,
) {
  return recordActivity(trx, now, {
    environmentId: entry.environmentId,
    type: 'NOTIFICATION.CREATED',
    actor,
    resources: [
      { type: 'NOTIFICATION', id: entry.id, name: `${entry.template} ${entry.deliveryMethod}` },
      ...(entry.userId !== undefined
        ? [{ type: 'USER', id: entry.userId, name: user?.username, populationId: user?.populationId }]
        : []),
    ],
    description: `Created Notification ${entry.template} (${entry.deliveryMethod}) for User ${user?.username ?? entry.userId ?? 'unknown'}`,
  });
}
