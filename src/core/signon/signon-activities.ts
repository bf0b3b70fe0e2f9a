import type { Actor } from '../access/actor.js';
import type { ActivityActors, ActivityInput, ActivityResource } from '../activities/activity.js';
import { recordActivities, recordActivity } from '../activities/activities.repository.js';
import type { User } from '../users/user.js';
import { userResource } from '../users/user-writes.js';
import type { Db } from '../../db/schema.js';
import type { Flow, Session } from './flow.js';

// A session's id is its `ST` cookie value, a bearer credential: it is never recorded. Session
// activities are about the session's user, their description naming the session event. A flow's
// id is recorded: it travels in URLs by design, and a finished flow resumes only in the browser
// holding its session (authorize.routes.ts), so it grants nothing on its own.

/** The flow an activity is about: its id and the application it signs on to. */
export type FlowRef = Pick<Flow, 'id' | 'environmentId' | 'applicationId'>;

/** The actors of a sign-on event: the application signed on to, and the user once known. */
function signOnActors(flow: FlowRef, user?: User): ActivityActors {
  return {
    client: { id: flow.applicationId, environmentId: flow.environmentId },
    ...(user
      ? {
          user: {
            id: user.id,
            name: user.username,
            environmentId: user.environmentId,
            populationId: user.populationId,
          },
        }
      : {}),
  };
}

const flowResources = (flow: FlowRef): ActivityResource[] => [
  { type: 'FLOW', id: flow.id },
  { type: 'APPLICATION', id: flow.applicationId },
];

/** FLOW.CREATED: an authorization request started a sign-on flow. */
export function flowCreated(flow: FlowRef): ActivityInput {
  return {
    environmentId: flow.environmentId,
    type: 'FLOW.CREATED',
    actor: signOnActors(flow),
    resources: flowResources(flow),
    description: `Created Flow ${flow.id} for application ${flow.applicationId}`,
  };
}

/**
 * FLOW.UPDATED when a flow ends: COMPLETED (`SUCCESS`, with its user) or FAILED (`FAILED`, with
 * the reason the client is told). Intermediate steps are not recorded: the flows API shows them.
 */
export function flowEnded(flow: FlowRef & Pick<Flow, 'failure'>, user?: User): ActivityInput {
  return {
    environmentId: flow.environmentId,
    type: 'FLOW.UPDATED',
    actor: signOnActors(flow, user),
    resources: [...flowResources(flow), ...(user ? [userResource(user)] : [])],
    status: user === undefined ? 'FAILED' : 'SUCCESS',
    description:
      user === undefined
        ? `Failed Flow ${flow.id}: ${flow.failure?.description ?? 'the sign-on failed'}`
        : `Completed Flow ${flow.id} for User ${user.username}`,
  };
}

/** Why a sign-on was refused (docs/audit.md): facts for the audit trail, never told the caller. */
export type DenialReason = 'wrong_password' | 'locked_out' | 'account_locked' | 'disabled' | 'no_password';

const DENIAL_TEXT: Record<DenialReason, string> = {
  wrong_password: 'wrong password',
  locked_out: 'password locked out after too many failures',
  account_locked: 'account locked',
  disabled: 'user disabled',
  no_password: 'user has no password',
};

/**
 * USER.ACCESS_DENIED (`FAILED`) about a known user whose sign-on was refused. The caller is told
 * only what an unknown username would be; the audit trail says why. The acting client is the
 * application: the user did not sign on, so is no actor.
 */
export function accessDenied(flow: FlowRef, user: User, reason: DenialReason): ActivityInput {
  return {
    environmentId: flow.environmentId,
    type: 'USER.ACCESS_DENIED',
    actor: signOnActors(flow),
    resources: [userResource(user), ...flowResources(flow)],
    status: 'FAILED',
    description: `Denied access to User ${user.username}: ${DENIAL_TEXT[reason]}`,
  };
}

export type SessionEvent = 'created' | 'renewed' | 'reused';

const SESSION_EVENTS: Record<SessionEvent, { type: string; verb: string }> = {
  created: { type: 'SESSION.CREATED', verb: 'Created' },
  renewed: { type: 'SESSION.UPDATED', verb: 'Renewed' },
  reused: { type: 'SESSION.UPDATED', verb: 'Reused' },
};

/**
 * A completed sign-on (reference more §3.5, Tessera's choice in docs/audit.md): USER.ACCESS_ALLOWED
 * about the user, then what happened to the SSO session (SESSION.CREATED for a new one,
 * SESSION.UPDATED when a password renewed it or SSO reused it), then SESSION.DELETED for each
 * session the 10-per-user cap dropped, then FLOW.UPDATED (completed). The acting client is the
 * application the flow signs on to, the acting user the user who signed on. No correlation id:
 * the hosted pages and the flows API make no management call. One batch: one INSERT per table.
 */
export function recordSignOnActivities(
  trx: Db,
  now: number,
  signOn: {
    readonly flow: FlowRef & Pick<Flow, 'failure'>;
    readonly user: User;
    readonly session: SessionEvent;
    /** Sessions the 10-per-user cap dropped to make room for a new one. */
    readonly dropped?: number | undefined;
  },
) {
  const { flow, user } = signOn;
  const actor = signOnActors(flow, user);
  const event = SESSION_EVENTS[signOn.session];
  const base = { environmentId: user.environmentId, actor, resources: [userResource(user)] };
  const dropped: ActivityInput[] = Array.from({ length: signOn.dropped ?? 0 }, () => ({
    ...base,
    type: 'SESSION.DELETED',
    description: `Deleted Session for User ${user.username}: more than 10 sessions`,
  }));
  return recordActivities(trx, now, [
    { ...base, type: 'USER.ACCESS_ALLOWED' },
    { ...base, type: event.type, description: `${event.verb} Session for User ${user.username}` },
    ...dropped,
    flowEnded(flow, user),
  ]);
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
