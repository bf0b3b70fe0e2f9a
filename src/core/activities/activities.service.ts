import { authorize, type Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import { decodeCursor, toPage, type Page } from '../shared/paging.js';
import type { Store } from '../../db/store.js';
import type { Activity } from './activity.js';
import { activityFilterSql } from './activity-filter.js';
import { findActivity, listActivities, pruneActivities } from './activity-history.repository.js';
import type { EnvironmentScope } from '../shared/environment-scope.js';

/** Reading the audit trail needs this permission on the environment (see roles.ts). */
export const READ_ACTIVITIES = 'audit:read:activity';

/** Largest page of activities; also the page size when the caller gives no limit (ref §7). */
export const MAX_ACTIVITY_PAGE = 1000;

const DAY_MS = 86_400_000;

export interface ActivitiesServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly retentionDays: number;
}

export type ActivitiesService = ReturnType<typeof createActivitiesService>;

export function createActivitiesService({
  store,
  clock,
  environments,
  retentionDays,
}: ActivitiesServiceDeps) {
  async function requireReader(actor: Actor, environmentId: string) {
    const env = await environments.require(environmentId);
    authorize(actor, READ_ACTIVITIES, { environmentId: env.id, organizationId: env.organizationId });
    return env;
  }

  return {
    /**
     * One page of the environment's activities in the order they were recorded, filtered by the
     * reference's SCIM subset (see activity-filter.ts). Without a limit: the largest page.
     */
    async list(
      actor: Actor,
      environmentId: string,
      request: { filter?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
    ): Promise<Page<Activity>> {
      await requireReader(actor, environmentId);
      const filter = activityFilterSql(request.filter);
      const limit = Math.min(request.limit ?? MAX_ACTIVITY_PAGE, MAX_ACTIVITY_PAGE);
      const rows = await listActivities(store.readDb, environmentId, {
        filter,
        after: decodeCursor(request.cursor),
        limit: limit + 1,
      });
      return toPage(rows, limit);
    },

    async get(actor: Actor, environmentId: string, id: string): Promise<Activity> {
      await requireReader(actor, environmentId);
      const activity = await findActivity(store.db, environmentId, id);
      if (!activity) throw notFound();
      return activity;
    },

    /** Scheduler job: drops activities older than the retention period. */
    prune: (scope?: EnvironmentScope): Promise<number> =>
      store.transaction((trx) => pruneActivities(trx, clock.now() - retentionDays * DAY_MS, scope), {
        afterDeferredWrites: true,
      }),
  };
}
