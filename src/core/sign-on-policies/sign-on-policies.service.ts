import type { Actor } from '../access/actor.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import type { EnvironmentSeeder, EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, requestFailed, uniquenessViolation } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { toPage, type Page, type PageRequest } from '../shared/paging.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { recordPolicyActivity } from '../activities/policy-activities.js';
import type { ChangeVerb } from '../activities/record-change.js';
import { createActionsService } from './actions.service.js';
import { insertAction } from './actions.repository.js';
import { createAssignmentsService } from './assignments.service.js';
import { countPolicyAssignments } from './assignments.repository.js';
import { createSignOnPolicyResolver } from './resolver.js';
import {
  clearOtherDefaults,
  deletePolicy,
  findPolicy,
  insertPolicy,
  listPolicies,
  lockEnvironmentPolicies,
  updatePolicy,
} from './sign-on-policies.repository.js';
import {
  SINGLE_FACTOR_LOGIN,
  SINGLE_FACTOR_POLICY,
  type SignOnPolicy,
  type SignOnPolicyInput,
} from './sign-on-policy.js';
import { authorizeIn, checkPolicyName, PERMISSIONS } from './validation.js';

export interface SignOnPoliciesServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly applications: ApplicationsService;
}

export type SignOnPoliciesService = ReturnType<typeof createSignOnPoliciesService>;

export function createSignOnPoliciesService({
  store,
  clock,
  environments,
  applications,
}: SignOnPoliciesServiceDeps) {
  const context = (actor: Actor, environmentId: string, permission: string) =>
    authorizeIn(environments, actor, environmentId, permission);

  const nameTaken = (error: unknown) => {
    if (store.dialect.isUniqueViolation(error)) return uniquenessViolation('name');
    return error;
  };

  const audit = (trx: Db, actor: Actor, policy: SignOnPolicy, verb: ChangeVerb) =>
    recordPolicyActivity(trx, clock.now(), actor, {
      environmentId: policy.environmentId,
      kind: 'SIGN_ON_POLICY',
      policy,
      verb,
    });

  async function insertWithin(trx: Db, environmentId: string, input: SignOnPolicyInput) {
    const now = clock.now();
    const policy: SignOnPolicy = {
      id: newId(),
      environmentId,
      name: input.name,
      description: input.description,
      isDefault: input.isDefault === true,
      createdAt: now,
      updatedAt: now,
    };
    if (policy.isDefault) await lockEnvironmentPolicies(trx, environmentId);
    try {
      await insertPolicy(trx, policy);
    } catch (error) {
      throw nameTaken(error);
    }
    if (policy.isDefault) await clearOtherDefaults(trx, environmentId, policy.id, now);
    return policy;
  }

  /** Every new environment gets Single_Factor (the default: one LOGIN action), in its create transaction. */
  const seeder: EnvironmentSeeder = async (trx, environment) => {
    const policy = await insertWithin(trx, environment.id, SINGLE_FACTOR_POLICY);
    await insertAction(trx, {
      id: newId(),
      environmentId: environment.id,
      policyId: policy.id,
      type: 'LOGIN',
      priority: 1,
      condition: undefined,
      login: SINGLE_FACTOR_LOGIN,
      createdAt: policy.createdAt,
      updatedAt: policy.createdAt,
    });
  };

  return {
    seeder,
    /** What the sign-on engine asks: which policy runs for an application (reference §5.3). */
    resolver: createSignOnPolicyResolver(store),
    actions: createActionsService({ store, clock, environments }),
    assignments: createAssignmentsService({ store, clock, environments, applications }),

    async list(actor: Actor, environmentId: string, request: PageRequest): Promise<Page<SignOnPolicy>> {
      await context(actor, environmentId, PERMISSIONS.read);
      const rows = await listPolicies(store.db, {
        environmentId,
        after: request.after,
        limit: request.limit,
      });
      return toPage(rows, request.limit);
    },

    async get(actor: Actor, environmentId: string, id: string): Promise<SignOnPolicy> {
      await context(actor, environmentId, PERMISSIONS.read);
      const policy = await findPolicy(store.db, environmentId, id);
      if (!policy) throw notFound();
      return policy;
    },

    async create(actor: Actor, environmentId: string, input: SignOnPolicyInput): Promise<SignOnPolicy> {
      await context(actor, environmentId, PERMISSIONS.create);
      checkPolicyName(input.name);
      return store.transaction(async (trx) => {
        const policy = await insertWithin(trx, environmentId, input);
        await audit(trx, actor, policy, 'CREATED');
        return policy;
      });
    },

    async replace(
      actor: Actor,
      environmentId: string,
      id: string,
      input: SignOnPolicyInput,
    ): Promise<SignOnPolicy> {
      await context(actor, environmentId, PERMISSIONS.update);
      checkPolicyName(input.name);
      return store.transaction(async (trx) => {
        // A default change locks all of the environment's policies (in id order) before any
        // single row, so concurrent default changes queue instead of deadlocking.
        if (input.isDefault === true) await lockEnvironmentPolicies(trx, environmentId);
        const existing = await findPolicy(trx, environmentId, id, input.isDefault !== true);
        if (!existing) throw notFound();
        if (existing.isDefault && input.isDefault === false) {
          throw invalidValue(
            'default',
            'The default sign-on policy cannot be unset; make another policy the default.',
          );
        }
        const now = clock.now();
        const policy: SignOnPolicy = {
          ...existing,
          name: input.name,
          description: input.description,
          isDefault: existing.isDefault || input.isDefault === true,
          updatedAt: now,
        };
        try {
          await updatePolicy(trx, policy);
        } catch (error) {
          throw nameTaken(error);
        }
        if (policy.isDefault && !existing.isDefault) await clearOtherDefaults(trx, environmentId, id, now);
        await audit(trx, actor, policy, 'UPDATED');
        return policy;
      });
    },

    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      await context(actor, environmentId, PERMISSIONS.delete);
      await store.transaction(async (trx) => {
        // The row lock makes a concurrent assignment of this policy wait for the answer.
        const policy = await findPolicy(trx, environmentId, id, true);
        if (!policy) throw notFound();
        if (policy.isDefault) {
          throw requestFailed(
            'constraint_violation',
            'The default sign-on policy cannot be deleted.',
            'default',
          );
        }
        const assigned = await countPolicyAssignments(trx, id);
        if (assigned > 0) {
          throw requestFailed(
            'constraint_violation',
            `The sign-on policy is assigned to ${assigned} application(s); delete those assignments first.`,
          );
        }
        await deletePolicy(trx, id);
        await audit(trx, actor, policy, 'DELETED');
      });
    },
  };
}
