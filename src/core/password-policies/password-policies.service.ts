import { authorize, type Actor } from '../access/actor.js';
import type { EnvironmentSeeder, EnvironmentsService } from '../environments/environments.service.js';
import { findPopulation } from '../populations/populations.repository.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, requestFailed, uniquenessViolation } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { toPage, type Page, type PageRequest } from '../shared/paging.js';
import { ReadCache } from '../shared/read-cache.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { recordPolicyActivity } from '../activities/policy-activities.js';
import type { ChangeVerb } from '../activities/record-change.js';
import { BUILT_IN_POLICIES, type PasswordPolicy, type PasswordPolicyInput } from './password-policy.js';
import {
  clearOtherDefaults,
  deletePolicy,
  findDefaultPolicy,
  findPolicy,
  insertPolicy,
  listPolicies,
  populationCounts,
  updatePolicy,
} from './password-policies.repository.js';

export interface PasswordPoliciesServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  /** How long an effective policy read outside a transaction may be reused (Config.accessCacheMs). */
  readonly cacheMs?: number;
}

export interface PolicyWithCount extends PasswordPolicy {
  readonly populationCount: number;
}

export type PasswordPoliciesService = ReturnType<typeof createPasswordPoliciesService>;

export function createPasswordPoliciesService({
  store,
  clock,
  environments,
  cacheMs = 0,
}: PasswordPoliciesServiceDeps) {
  // Every password operation reads its user's effective policy before hashing (two queries).
  const effective = new ReadCache<PasswordPolicy | undefined>({
    ttlMs: cacheMs,
    tables: ['populations', 'password_policies'],
    writes: store.writes,
  });
  async function context(actor: Actor, environmentId: string, permission: string) {
    const env = await environments.require(environmentId);
    authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
    return env;
  }

  const audit = (trx: Db, actor: Actor, policy: PasswordPolicy, verb: ChangeVerb) =>
    recordPolicyActivity(trx, clock.now(), actor, {
      environmentId: policy.environmentId,
      kind: 'PASSWORD_POLICY',
      policy,
      verb,
    });

  async function withCounts(db: Db, policies: readonly PasswordPolicy[]): Promise<PolicyWithCount[]> {
    const counts = await populationCounts(
      db,
      policies.map((p) => p.id),
    );
    return policies.map((p) => ({ ...p, populationCount: counts.get(p.id) ?? 0 }));
  }

  async function insertWithin(
    trx: Db,
    environmentId: string,
    input: PasswordPolicyInput,
  ): Promise<PasswordPolicy> {
    const now = clock.now();
    const policy: PasswordPolicy = {
      id: newId(),
      environmentId,
      name: input.name,
      description: input.description,
      isDefault: input.isDefault ?? false,
      rules: input.rules,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await insertPolicy(trx, policy);
    } catch (error) {
      if (store.dialect.isUniqueViolation(error)) throw uniquenessViolation('name');
      throw error;
    }
    if (policy.isDefault) await clearOtherDefaults(trx, environmentId, policy.id);
    return policy;
  }

  /** Every new environment gets Standard (the default), Passphrase and Basic, in its create transaction. */
  const seeder: EnvironmentSeeder = async (trx, environment) => {
    for (const policy of BUILT_IN_POLICIES) await insertWithin(trx, environment.id, policy);
  };

  /**
   * The policy in effect for a user of `populationId`: the population's policy, else the
   * environment's default. Undefined only if the environment has no policy at all. Outside a
   * transaction it may come from the cache (dropped on writes to populations or policies); inside
   * one it is read afresh.
   */
  async function effectivePolicy(
    db: Db,
    environmentId: string,
    populationId: string,
  ): Promise<PasswordPolicy | undefined> {
    if (db === store.db)
      return effective.get(`${environmentId}/${populationId}`, () =>
        readEffective(db, environmentId, populationId),
      );
    return readEffective(db, environmentId, populationId);
  }

  async function readEffective(
    db: Db,
    environmentId: string,
    populationId: string,
  ): Promise<PasswordPolicy | undefined> {
    const population = await findPopulation(db, environmentId, populationId);
    if (population?.passwordPolicyId) {
      const policy = await findPolicy(db, environmentId, population.passwordPolicyId);
      if (policy) return policy;
    }
    return findDefaultPolicy(db, environmentId);
  }

  return {
    seeder,
    effectivePolicy,
    insertWithin,

    /** Populations using a policy, for a policy embedded in an already authorized read. */
    async populationCount(policyId: string): Promise<number> {
      return (await populationCounts(store.db, [policyId])).get(policyId) ?? 0;
    },

    async list(actor: Actor, environmentId: string, request: PageRequest): Promise<Page<PolicyWithCount>> {
      await context(actor, environmentId, 'dir:read:passwordPolicy');
      const rows = await listPolicies(store.db, {
        environmentId,
        after: request.after,
        limit: request.limit,
      });
      const page = toPage(rows, request.limit);
      return { ...page, items: await withCounts(store.db, page.items) };
    },

    async get(actor: Actor, environmentId: string, id: string): Promise<PolicyWithCount> {
      await context(actor, environmentId, 'dir:read:passwordPolicy');
      const policy = await findPolicy(store.db, environmentId, id);
      if (!policy) throw notFound();
      return (await withCounts(store.db, [policy]))[0]!;
    },

    async create(actor: Actor, environmentId: string, input: PasswordPolicyInput): Promise<PolicyWithCount> {
      await context(actor, environmentId, 'dir:create:passwordPolicy');
      return store.transaction(async (trx) => {
        const policy = await insertWithin(trx, environmentId, input);
        await audit(trx, actor, policy, 'CREATED');
        return (await withCounts(trx, [policy]))[0]!;
      });
    },

    async replace(
      actor: Actor,
      environmentId: string,
      id: string,
      input: PasswordPolicyInput,
    ): Promise<PolicyWithCount> {
      await context(actor, environmentId, 'dir:update:passwordPolicy');
      return store.transaction(async (trx) => {
        const existing = await findPolicy(trx, environmentId, id);
        if (!existing) throw notFound();
        const isDefault = input.isDefault ?? existing.isDefault;
        if (existing.isDefault && !isDefault) {
          throw invalidValue(
            'default',
            'The default password policy cannot be unset; make another policy the default.',
          );
        }
        const policy: PasswordPolicy = {
          ...existing,
          name: input.name,
          description: input.description,
          isDefault,
          rules: input.rules,
          updatedAt: clock.now(),
        };
        try {
          await updatePolicy(trx, policy);
        } catch (error) {
          if (store.dialect.isUniqueViolation(error)) throw uniquenessViolation('name');
          throw error;
        }
        if (isDefault) await clearOtherDefaults(trx, environmentId, id);
        await audit(trx, actor, policy, 'UPDATED');
        return (await withCounts(trx, [policy]))[0]!;
      });
    },

    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      await context(actor, environmentId, 'dir:delete:passwordPolicy');
      await store.transaction(async (trx) => {
        const policy = await findPolicy(trx, environmentId, id);
        if (!policy) throw notFound();
        if (policy.isDefault) {
          throw requestFailed(
            'constraint_violation',
            'The default password policy cannot be deleted.',
            'default',
          );
        }
        if ((await populationCounts(trx, [id])).get(id)) {
          throw requestFailed(
            'constraint_violation',
            'The password policy cannot be deleted while a population uses it.',
          );
        }
        await deletePolicy(trx, id);
        await audit(trx, actor, policy, 'DELETED');
      });
    },
  };
}
