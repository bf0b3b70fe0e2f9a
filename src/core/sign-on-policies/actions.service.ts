import type { Actor } from '../access/actor.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import { findPopulation } from '../populations/populations.repository.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, uniquenessViolation } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { recordPolicyActivity } from '../activities/policy-activities.js';
import {
  countActions,
  deleteAction,
  findAction,
  insertAction,
  listActions,
  updateAction,
} from './actions.repository.js';
import { findPolicy } from './sign-on-policies.repository.js';
import {
  MAX_ACTIONS_PER_POLICY,
  type LoginSettings,
  type SignOnPolicyAction,
  type SignOnPolicyActionInput,
} from './sign-on-policy.js';
import { authorizeIn, loginSettingsOf, PERMISSIONS, tooManyActions } from './validation.js';

export interface ActionsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
}

/** The actions of a sign-on policy: what a sign-on runs, in priority order. */
export function createActionsService({ store, clock, environments }: ActionsServiceDeps) {
  const context = (actor: Actor, environmentId: string, permission: string) =>
    authorizeIn(environments, actor, environmentId, permission);

  async function requirePolicy(db: Db, environmentId: string, policyId: string, forUpdate = false) {
    const policy = await findPolicy(db, environmentId, policyId, forUpdate);
    if (!policy) throw notFound();
    return policy;
  }

  async function checkReferences(db: Db, environmentId: string, login: LoginSettings): Promise<void> {
    const populationId = login.registration.populationId;
    if (populationId !== undefined && !(await findPopulation(db, environmentId, populationId))) {
      throw invalidValue('registration.population.id', 'The population does not exist in the environment.');
    }
  }

  /** Priorities are unique within a policy: the action running at a given step is never ambiguous. */
  async function checkPriorityFree(db: Db, policyId: string, priority: number, exceptId?: string) {
    const taken = (await listActions(db, policyId)).some((a) => a.priority === priority && a.id !== exceptId);
    if (taken) throw uniquenessViolation('priority');
  }

  /** An action's change is POLICY.UPDATED of its policy (policy-activities.ts). */
  const audit = (
    trx: Db,
    actor: Actor,
    policy: { id: string; name: string },
    action: SignOnPolicyAction,
    verb: 'Created' | 'Updated' | 'Deleted',
  ) =>
    recordPolicyActivity(trx, clock.now(), actor, {
      environmentId: action.environmentId,
      kind: 'SIGN_ON_POLICY',
      policy,
      verb: 'UPDATED',
      related: [{ type: 'SIGN_ON_POLICY_ACTION', id: action.id, name: action.type }],
      description: `${verb} ${action.type} action of Sign On Policy ${policy.name}`,
    });

  const priorityTaken = (error: unknown) =>
    store.dialect.isUniqueViolation(error) ? uniquenessViolation('priority') : error;

  return {
    async list(actor: Actor, environmentId: string, policyId: string): Promise<SignOnPolicyAction[]> {
      await context(actor, environmentId, PERMISSIONS.read);
      await requirePolicy(store.db, environmentId, policyId);
      return listActions(store.db, policyId);
    },

    async get(
      actor: Actor,
      environmentId: string,
      policyId: string,
      id: string,
    ): Promise<SignOnPolicyAction> {
      await context(actor, environmentId, PERMISSIONS.read);
      await requirePolicy(store.db, environmentId, policyId);
      const action = await findAction(store.db, policyId, id);
      if (!action) throw notFound();
      return action;
    },

    async create(
      actor: Actor,
      environmentId: string,
      policyId: string,
      input: SignOnPolicyActionInput,
    ): Promise<SignOnPolicyAction> {
      await context(actor, environmentId, PERMISSIONS.create);
      const login = loginSettingsOf(input);
      return store.transaction(async (trx) => {
        // Locked so two concurrent creates cannot both pass the limit check.
        const policy = await requirePolicy(trx, environmentId, policyId, true);
        await checkReferences(trx, environmentId, login);
        if ((await countActions(trx, policyId)) >= MAX_ACTIONS_PER_POLICY) throw tooManyActions();
        await checkPriorityFree(trx, policyId, input.priority);
        const now = clock.now();
        const action: SignOnPolicyAction = {
          id: newId(),
          environmentId,
          policyId,
          type: 'LOGIN',
          priority: input.priority,
          condition: input.condition,
          login,
          createdAt: now,
          updatedAt: now,
        };
        try {
          await insertAction(trx, action);
        } catch (error) {
          throw priorityTaken(error);
        }
        await audit(trx, actor, policy, action, 'Created');
        return action;
      });
    },

    async replace(
      actor: Actor,
      environmentId: string,
      policyId: string,
      id: string,
      input: SignOnPolicyActionInput,
    ): Promise<SignOnPolicyAction> {
      await context(actor, environmentId, PERMISSIONS.update);
      const login = loginSettingsOf(input);
      return store.transaction(async (trx) => {
        const policy = await requirePolicy(trx, environmentId, policyId, true);
        const existing = await findAction(trx, policyId, id);
        if (!existing) throw notFound();
        await checkReferences(trx, environmentId, login);
        await checkPriorityFree(trx, policyId, input.priority, id);
        const action: SignOnPolicyAction = {
          ...existing,
          priority: input.priority,
          condition: input.condition,
          login,
          updatedAt: clock.now(),
        };
        try {
          await updateAction(trx, action);
        } catch (error) {
          throw priorityTaken(error);
        }
        await audit(trx, actor, policy, action, 'Updated');
        return action;
      });
    },

    async delete(actor: Actor, environmentId: string, policyId: string, id: string): Promise<void> {
      await context(actor, environmentId, PERMISSIONS.delete);
      await store.transaction(async (trx) => {
        const policy = await requirePolicy(trx, environmentId, policyId, true);
        const action = await findAction(trx, policyId, id);
        if (!action) throw notFound();
        await deleteAction(trx, id);
        await audit(trx, actor, policy, action, 'Deleted');
      });
    },
  };
}
