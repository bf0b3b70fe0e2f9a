import type { Activity } from '../activities/activity.js';
import type { SubscriptionFilter } from './subscription.js';

/**
 * Whether a subscription forwards an activity (reference §4.2): its action type is listed; when
 * applications are listed, the acting client or an APPLICATION resource is one of them; when
 * populations are listed, a USER resource lives in one of them (not the actor's population);
 * when tags are listed, the activity carries one of them.
 */
export function matchesSubscription(filter: SubscriptionFilter, activity: Activity): boolean {
  if (!filter.includedActionTypes.includes(activity.action.type)) return false;
  const apps = filter.includedApplications;
  if (apps && apps.length > 0) {
    const ids = [
      activity.actors.client?.id,
      ...activity.resources.filter((r) => r.type === 'APPLICATION').map((r) => r.id),
    ];
    if (!ids.some((id) => id !== undefined && apps.includes(id))) return false;
  }
  const populations = filter.includedPopulations;
  if (populations && populations.length > 0) {
    const inPopulation = activity.resources.some(
      (r) => r.type === 'USER' && r.populationId !== undefined && populations.includes(r.populationId),
    );
    if (!inPopulation) return false;
  }
  const tags = filter.includedTags;
  if (tags && tags.length > 0 && !(activity.tags ?? []).some((t) => tags.includes(t))) return false;
  return true;
}
