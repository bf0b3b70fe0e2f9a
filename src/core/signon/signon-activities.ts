import type { Actor } from '../access/actor.js';
import type { ActivityActors } from '../activities/activity.js';
import { recordActivity } from '../activities/activities.repository.js';
import type { User } from '../users/user.js';
import { userResource } from '../users/user-writes.js';
import type { Db } from '../../db/schema.js';
import type { Session } from './flow.js';

// A session's id is its `ST` cookie value, a bearer credential: it is never recorded. Session
// activities are about the session's user, their description naming the session event.

/**
 * A completed password sign-on (reference more §3.5, Tessera's choice in docs/audit.md):
 * USER.ACCESS_ALLOWED about the user, then SESSION.CREATED for a new session or SESSION.UPDATED
 * for a renewed one. The acting client is the application the flow signs on to, the acting user
 * the user who signed on. No correlation id: the hosted pages and the flows API make no
 * management call.
 */
export async function recordSignOnActivities(
  trx: Db,
  now: number,
  signOn: {
    readonly applicationId: string;
    readonly user: User;
    readonly renewed: boolean;
  },
): Promise<void> {
  const { user } = signOn;
  const actors: ActivityActors = {
    client: { id: signOn.applicationId, environmentId: user.environmentId },
    user: {
      id: user.id,
      name: user.username,
      environmentId: user.environmentId,
      populationId: user.populationId,
    },
  };
  await recordActivity(trx, now, {
    environmentId: user.environmentId,
    type: 'USER.ACCESS_ALLOWED',
    actor: actors,
    resources: [userResource(user)],
  });
  await recordActivity(trx, now, {
    environmentId: user.environmentId,
    type: signOn.renewed ? 'SESSION.UPDATED' : 'SESSION.CREATED',
    actor: actors,
    resources: [userResource(user)],
    description: `${signOn.renewed ? 'Renewed' : 'Created'} Session for User ${user.username}`,
  });
}

/**
 * SESSION.DELETED: a sign-off (`actor` undefined: the user's browser, no management caller) or
 * an administrator's DELETE of the session.
 */
export function recordSessionEnded(
  trx: Db,
  now: number,
  actor: Actor | undefined,
  session: Session,
  user?: User,
) {
  return recordActivity(trx, now, {
    environmentId: session.environmentId,
    type: 'SESSION.DELETED',
    actor: actor ?? { user: { id: session.userId, environmentId: session.environmentId } },
    resources: [user ? userResource(user) : { type: 'USER', id: session.userId }],
    description: `Deleted Session for User ${user?.username ?? session.userId}`,
  });
}
