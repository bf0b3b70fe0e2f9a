import type { Actor } from '../access/actor.js';
import { recordChange, type ChangeVerb } from '../activities/record-change.js';
import type { Db } from '../../db/schema.js';
import type { TemplateContent } from './notification.js';

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
