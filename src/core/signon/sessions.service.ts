import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import { isAccountLocked, type User } from '../users/user.js';
import { authorizeUser, type UsersService } from '../users/users.service.js';
import type { Flow, Session, SignOnContext } from './flow.js';
import {
  deleteExpiredSessions,
  deleteSession,
  deleteSessions,
  findSession,
  insertSession,
  listUserSessions,
  updateSession,
} from './sessions.repository.js';
import { recordSessionEnded, recordSignOnActivities, type FlowRef } from './signon-activities.js';
import type { EnvironmentScope } from '../shared/environment-scope.js';

/** A session lives 30 days after the last sign-on with a password (reference §7.1, `Max-Age` of `ST`). */
export const SESSION_LIFETIME_MS = 30 * 86_400_000;
/** PingOne keeps at most 10 sessions per user; a new one drops the oldest. */
export const MAX_SESSIONS_PER_USER = 10;
/** Stored request facts are bounded: they come from headers anyone can send. */
const MAX_USER_AGENT = 512;
const MAX_REMOTE_IP = 64;

export interface SessionsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly users: UsersService;
}

export type SessionsService = ReturnType<typeof createSessionsService>;

const READ = 'dir:read:user';
const DELETE = 'dir:update:user';

/**
 * SSO sessions (`ST`), shared by every application of an environment. Ids are random UUIDs (122
 * bits from the CSPRNG): the cookie value is the id, so it must not be guessable.
 */
export function createSessionsService({ store, clock, environments, users }: SessionsServiceDeps) {
  /** The session if it is still alive and its user may still sign on (exists, enabled, not locked). */
  async function findLive(
    db: Db,
    environmentId: string,
    id: string | undefined,
  ): Promise<Session | undefined> {
    if (id === undefined || id === '') return undefined;
    const session = await findSession(db, environmentId, id);
    const now = clock.now();
    if (!session || session.expiresAt <= now) return undefined;
    const user = await users.requireUser(db, environmentId, session.userId).catch(() => undefined);
    if (!user || !user.enabled || isAccountLocked(user, now)) return undefined;
    return session;
  }

  /**
   * Records a sign-on with a password inside the caller's transaction: the browser's own session
   * is renewed when it belongs to the same user; otherwise a new one is created (and the browser's
   * previous one, of another user, ends). Holds the user's row lock so the 10-session cap is exact.
   */
  async function signOnWithin(
    trx: Db,
    environmentId: string,
    userId: string,
    context: SignOnContext,
    flow: FlowRef & Pick<Flow, 'failure'>,
  ): Promise<Session> {
    const user = await users.requireUser(trx, environmentId, userId, true);
    const now = clock.now();
    const facts = {
      remoteIp: context.remoteIp?.slice(0, MAX_REMOTE_IP),
      userAgent: context.userAgent?.slice(0, MAX_USER_AGENT),
    };
    const previous = context.sessionId ? await findSession(trx, environmentId, context.sessionId) : undefined;
    if (previous && previous.userId === userId && previous.expiresAt > now) {
      const renewed: Session = {
        ...previous,
        ...facts,
        activeAt: now,
        lastSignOnAt: now,
        expiresAt: now + SESSION_LIFETIME_MS,
      };
      await updateSession(trx, renewed);
      await recordSignOnActivities(trx, now, { flow, user, session: 'renewed' });
      return renewed;
    }
    if (previous) {
      await deleteSession(trx, environmentId, previous.id);
      await recordSessionEnded(trx, now, undefined, previous);
    }
    const session: Session = {
      id: randomUUID(),
      environmentId,
      userId,
      createdAt: now,
      activeAt: now,
      lastSignOnAt: now,
      expiresAt: now + SESSION_LIFETIME_MS,
      ...facts,
    };
    await insertSession(trx, session);
    const dropped = (await listUserSessions(trx, userId, now)).slice(MAX_SESSIONS_PER_USER);
    await deleteSessions(
      trx,
      dropped.map((s) => s.id),
    );
    await recordSignOnActivities(trx, now, { flow, user, session: 'created', dropped: dropped.length });
    return session;
  }

  async function authorized(actor: Actor, environmentId: string, userId: string, permission: string) {
    const env = await environments.require(environmentId);
    const user = await users.requireUser(store.db, environmentId, userId);
    authorizeUser(actor, permission, env, user.populationId);
    return user;
  }

  return {
    findLive: (environmentId: string, id: string | undefined) => findLive(store.db, environmentId, id),
    findLiveWithin: findLive,
    signOnWithin,

    /** Records an SSO reuse of `session` by `flow` inside the caller's transaction. */
    async markActiveWithin(
      trx: Db,
      session: Session,
      flow: FlowRef & Pick<Flow, 'failure'>,
      user: User,
    ): Promise<void> {
      await updateSession(trx, session);
      await recordSignOnActivities(trx, session.activeAt, { flow, user, session: 'reused' });
    },

    /** Marks activity (token refresh, SSO reuse); undefined when the session is no longer alive. */
    async touch(environmentId: string, id: string): Promise<Session | undefined> {
      return store.transaction(async (trx) => {
        const live = await findLive(trx, environmentId, id);
        if (!live) return undefined;
        const touched: Session = { ...live, activeAt: clock.now() };
        return (await updateSession(trx, touched)) ? touched : undefined;
      });
    },

    /** Sign-off: ends the session; returns it when it existed. */
    async end(environmentId: string, id: string): Promise<Session | undefined> {
      return store.transaction(async (trx) => {
        const session = await findSession(trx, environmentId, id);
        if (!session) return undefined;
        await deleteSession(trx, environmentId, id);
        await recordSessionEnded(trx, clock.now(), undefined, session);
        return session;
      });
    },

    /** Deletes sessions past their lifetime (scheduler). */
    purgeExpired: (scope?: EnvironmentScope) => deleteExpiredSessions(store.db, clock.now(), scope),

    // ---- management API (actor authorization on the user's population)

    async list(actor: Actor, environmentId: string, userId: string): Promise<Session[]> {
      await authorized(actor, environmentId, userId, READ);
      return listUserSessions(store.db, userId, clock.now());
    },

    async get(actor: Actor, environmentId: string, userId: string, sessionId: string): Promise<Session> {
      await authorized(actor, environmentId, userId, READ);
      const session = await findSession(store.db, environmentId, sessionId);
      if (!session || session.userId !== userId || session.expiresAt <= clock.now()) throw notFound();
      return session;
    },

    async delete(actor: Actor, environmentId: string, userId: string, sessionId: string): Promise<void> {
      const user = await authorized(actor, environmentId, userId, DELETE);
      await store.transaction(async (trx) => {
        const session = await findSession(trx, environmentId, sessionId);
        if (!session || session.userId !== userId) throw notFound();
        await deleteSession(trx, environmentId, sessionId);
        await recordSessionEnded(trx, clock.now(), actor, session, user);
      });
    },
  };
}
