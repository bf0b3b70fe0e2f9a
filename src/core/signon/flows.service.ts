import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import { findApplication } from '../applications/applications.repository.js';
import type { PasswordPoliciesService } from '../password-policies/password-policies.service.js';
import type { PasswordPolicy } from '../password-policies/password-policy.js';
import type { PasswordsService } from '../passwords/passwords.service.js';
import type { Clock } from '../shared/clock.js';
import { noMetrics, type Metrics } from '../shared/metrics.js';
import { DomainError, notFound } from '../shared/errors.js';
import type { SignOnPolicyResolver } from '../sign-on-policies/resolver.js';
import type { User } from '../users/user.js';
import type { UsersService } from '../users/users.service.js';
import type { Flow, FlowResult, FlowsService, Session, SignOnContext } from './flow.js';
import { createFlowActions, type Next } from './flow-actions.js';
import { failedOutcome, flowChanged, wrongState } from './flow-errors.js';
import { allowedActions, FLOW_IDLE_MS, isTerminal } from './flow-rules.js';
import {
  deleteExpiredFlows,
  deleteFlow,
  findFlow,
  insertFlow,
  touchFlow,
  updateFlow,
  type StoredFlow,
} from './flows.repository.js';
import type { SessionsService } from './sessions.service.js';
import { pageKeyOf } from './page-key.js';
import { accessDenied, flowCreated, flowEnded } from './signon-activities.js';
import { recordActivities } from '../activities/activities.repository.js';
import type { EnvironmentScope } from '../shared/environment-scope.js';

export interface FlowsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly users: UsersService;
  readonly passwords: PasswordsService;
  readonly passwordPolicies: PasswordPoliciesService;
  readonly resolver: SignOnPolicyResolver;
  readonly sessions: SessionsService;
  /** TESSERA_SECRET_KEY; without it the page key is generated once and kept in the store. */
  readonly secretKey: string | undefined;
  /** Sign-on outcomes for the operator (lockouts are counted by the passwords service). */
  readonly metrics?: Metrics;
}

/**
 * The sign-on engine (reference §4–§5.4, §7). Flows live in the store: every change is one
 * transaction that writes the flow only at the version it read (compare-and-set), so two
 * processes, or two tabs, acting on one flow cannot both win; password rules are the passwords
 * service's, which counts failures and lockouts across processes.
 */
export function createFlowsService(deps: FlowsServiceDeps) {
  const { store, clock, users, passwords, sessions } = deps;
  const metrics = deps.metrics ?? noMetrics;
  let wasteHash: Promise<string> | undefined;
  /**
   * The flow actions on behalf of one request: its connection's signal drops its queued hashing
   * once the client is gone (passed down, see HashingPool.for). Closures only, made per action.
   */
  const actionsFor = (signal: AbortSignal | undefined) =>
    createFlowActions({
      ...deps,
      passwords: passwords.on(signal),
      async wasteVerification(password) {
        wasteHash ??= passwords.hasher.hash(randomBytes(16).toString('base64'));
        await passwords.hasher.for(signal).verify(await wasteHash, password);
      },
    });

  async function load(db: Db, environmentId: string, flowId: string): Promise<StoredFlow> {
    const stored = await findFlow(db, environmentId, flowId);
    if (!stored || stored.flow.expiresAt <= clock.now()) throw notFound();
    return stored;
  }

  /** Commits what an action decided: one transaction, written only at the version read. */
  async function commit(stored: StoredFlow, next: Next, context: SignOnContext): Promise<FlowResult> {
    const changesState =
      next.status !== undefined ||
      next.user !== undefined ||
      next.internals !== undefined ||
      next.complete === true ||
      next.within !== undefined;
    const denial = next.denial;
    if (!changesState && next.error) {
      const now = clock.now();
      if (denial)
        await store.transaction(async (trx) => {
          await touchFlow(trx, stored.flow.id, now, now + FLOW_IDLE_MS);
          await recordActivities(trx, now, [accessDenied(stored.flow, denial.user, denial.reason)]);
        });
      else await touchFlow(store.db, stored.flow.id, now, now + FLOW_IDLE_MS);
      throw next.error;
    }
    const result = await store.transaction(async (trx) => {
      const now = clock.now();
      let user =
        next.user === null
          ? undefined
          : (next.user ??
            (stored.flow.username !== undefined
              ? { id: stored.flow.userId, username: stored.flow.username }
              : undefined));
      if (next.within) user = await next.within(trx);
      let flow: Flow = {
        ...stored.flow,
        status: next.status ?? stored.flow.status,
        userId: user?.id,
        username: user?.username,
        updatedAt: now,
        expiresAt: now + FLOW_IDLE_MS,
      };
      let session: Session | undefined;
      if (next.complete) {
        if (user?.id === undefined) throw new Error('a flow completes only with a user');
        session = await sessions.signOnWithin(trx, flow.environmentId, user.id, context, flow);
        flow = {
          ...flow,
          status: 'COMPLETED',
          sessionId: session.id,
          authTime: session.lastSignOnAt,
          amr: ['pwd'],
        };
      }
      if (!(await updateFlow(trx, flow, next.internals ?? stored.internals, stored.version)))
        throw next.error ?? flowChanged();
      if (denial) await recordActivities(trx, now, [accessDenied(flow, denial.user, denial.reason)]);
      return { flow, session };
    });
    if (next.error) throw next.error;
    return result;
  }

  function newFlow(input: Parameters<FlowsService['start']>[0], policy: Flow['policy'], now: number): Flow {
    return {
      id: randomUUID(),
      environmentId: input.environmentId,
      applicationId: input.applicationId,
      status: 'USERNAME_PASSWORD_REQUIRED',
      request: input.request,
      policy,
      userId: undefined,
      username: undefined,
      sessionId: undefined,
      authTime: undefined,
      amr: [],
      failure: undefined,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + FLOW_IDLE_MS,
    };
  }

  const service: FlowsService = {
    async start(input) {
      const { environmentId, applicationId, request, context } = input;
      const resolved = await deps.resolver.resolve(environmentId, applicationId, request.acrValues);
      const now = clock.now();
      const policy: Flow['policy'] = resolved
        ? {
            id: resolved.id,
            name: resolved.name,
            recoveryEnabled: resolved.login.recoveryEnabled,
            registrationEnabled: resolved.login.registration.enabled,
            registrationPopulationId: resolved.login.registration.populationId,
          }
        : { id: '', name: '', recoveryEnabled: false, registrationEnabled: false };
      let flow = newFlow(input, policy, now);
      let reused: { session: Session; user: User } | undefined;
      if (!resolved) {
        flow = {
          ...flow,
          status: 'FAILED',
          failure: { error: 'access_denied', description: 'No sign-on policy can run for this application' },
        };
      } else {
        const live = await sessions.findLive(environmentId, context.sessionId);
        const fresh =
          live !== undefined &&
          request.prompt !== 'login' &&
          (request.maxAge === undefined || now - live.lastSignOnAt <= request.maxAge * 1000);
        const user = live ? await users.requireUser(store.db, environmentId, live.userId) : undefined;
        if (live && user && fresh) {
          reused = { session: { ...live, activeAt: now }, user };
          flow = {
            ...flow,
            status: 'COMPLETED',
            userId: user.id,
            username: user.username,
            sessionId: live.id,
            authTime: live.lastSignOnAt,
            amr: ['pwd'],
          };
        } else if (request.prompt === 'none') {
          flow = {
            ...flow,
            status: 'FAILED',
            failure: { error: 'login_required', description: 'The user must sign on' },
          };
        } else if (user) {
          flow = { ...flow, status: 'PASSWORD_REQUIRED', userId: user.id, username: user.username };
        }
      }
      const created = flow;
      await store.transaction(async (trx) => {
        await insertFlow(trx, created, { phantomFailures: 0 });
        const failed = created.status === 'FAILED' ? [flowEnded(created)] : [];
        await recordActivities(trx, now, [flowCreated(created), ...failed]);
        if (reused) await sessions.markActiveWithin(trx, reused.session, created, reused.user);
      });
      if (flow.status === 'COMPLETED') metrics.signOn('success');
      if (flow.status === 'FAILED') metrics.signOn('failure');
      return { flow, session: reused?.session };
    },

    async get(environmentId, flowId) {
      return (await load(store.db, environmentId, flowId)).flow;
    },

    async act(environmentId, flowId, action, context) {
      const stored = await load(store.db, environmentId, flowId);
      if (!allowedActions(stored.flow).includes(action.type)) {
        throw wrongState(action.type, stored.flow.status);
      }
      let next: Next;
      try {
        next = await actionsFor(context.connection).run(stored, action);
      } catch (error) {
        // A refused action is activity too: it slides the flow's expiry like any other.
        if (!(error instanceof DomainError)) throw error;
        next = { error };
      }
      let result: FlowResult;
      try {
        result = await commit(stored, next, context);
      } catch (error) {
        const outcome = failedOutcome(error);
        if (outcome) metrics.signOn(outcome);
        throw error;
      }
      if (result.flow.status === 'COMPLETED') metrics.signOn('success');
      return result;
    },

    async consume(environmentId, flowId) {
      return store.transaction(async (trx) => {
        const stored = await load(trx, environmentId, flowId);
        if (!isTerminal(stored.flow.status)) throw wrongState('resume', stored.flow.status);
        if (!(await deleteFlow(trx, flowId, stored.version))) throw notFound();
        return stored.flow;
      });
    },
  };

  return {
    ...service,
    /** The key of the hosted page's CSRF tokens (page-key.ts). */
    pageKey: pageKeyOf(store, deps.secretKey),
    /**
     * What a face shows with a flow: its application and the password policy that applies (the
     * user's, else the registration population's, else the environment's default).
     */
    async presentation(flow: Flow): Promise<FlowPresentation> {
      const app = await findApplication(store.db, flow.environmentId, flow.applicationId);
      const user =
        flow.userId !== undefined
          ? await users.requireUser(store.db, flow.environmentId, flow.userId).catch(() => undefined)
          : undefined;
      const passwordPolicy = await deps.passwordPolicies.effectivePolicy(
        store.db,
        flow.environmentId,
        user?.populationId ?? flow.policy.registrationPopulationId ?? '',
      );
      return { application: app ? { id: app.id, name: app.name } : undefined, passwordPolicy };
    },
    /** Deletes flows past their idle expiry (scheduler); unfinished ones count as expired sign-ons. */
    async purgeExpired(scope?: EnvironmentScope) {
      const statuses = await deleteExpiredFlows(store.db, clock.now(), scope);
      for (const status of statuses) if (!isTerminal(status)) metrics.signOn('expired');
      return statuses.length;
    },
  };
}

export interface FlowPresentation {
  readonly application: { readonly id: string; readonly name: string } | undefined;
  readonly passwordPolicy: PasswordPolicy | undefined;
}

export type FlowsServiceImpl = ReturnType<typeof createFlowsService>;
