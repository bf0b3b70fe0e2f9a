// Over 300 lines: applying a seed walks every kind of object a seed holds (environments, policies,
// populations, attributes, users, groups, applications, roles), each matched by id or name.
import type { Store } from '../../db/store.js';
import type { Db } from '../../db/schema.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import { listApplications } from '../applications/applications.repository.js';
import {
  findCredentialType,
  insertCredentialType,
  insertVersion,
} from '../credentials/credential-types.repository.js';
import type { Environment } from '../environments/environment.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import { findEnvironment, findEnvironmentIdsNamed } from '../environments/environments.repository.js';
import { findGroup, insertGroup, insertMembership, listGroups } from '../groups/groups.repository.js';
import { findContent, insertContent, listContents } from '../notifications/contents.repository.js';
import {
  clearOtherDefaults,
  deletePolicy,
  findPolicy,
  insertPolicy,
  listPolicies,
} from '../password-policies/password-policies.repository.js';
import { BUILT_IN_POLICIES } from '../password-policies/password-policy.js';
import { normalizeRules } from '../password-policies/policy-validation.js';
import type { PasswordsService } from '../passwords/passwords.service.js';
import {
  clearDefaultPopulation,
  countPopulationsUsingPolicy,
  countUsersInPopulation,
  deletePopulation,
  findPopulation,
  insertPopulation,
  listPopulations,
} from '../populations/populations.repository.js';
import { findAttribute, insertAttribute, listAttributes } from '../schemas/schemas.repository.js';
import { userSchemaId } from '../schemas/schema.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { findUser, findUserIdByUsername } from '../users/users.repository.js';
import type { UsersService } from '../users/users.service.js';
import { applyRoleAssignments } from './seed-roles.js';
import { SeedError, type SeedDocument, type SeedEnvironment, type SeedUser } from './seed.js';
import { createSeedExporter } from './seed-export.js';
import { createUserImporter, refreshImportStatistics } from './user-import.js';

export interface SeedDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly applications: ApplicationsService;
  readonly users: UsersService;
  readonly passwords: PasswordsService;
}

/** The instance a seed is applied to: its organization and bootstrap environment and worker. */
export interface SeedTarget {
  readonly organizationId: string;
  readonly environmentId: string;
  readonly clientId: string;
}

export type SeedService = ReturnType<typeof createSeedService>;

const DEFAULT_LICENSE = '7e550000-0000-4000-8000-000000000001';

/** Why a domain error refused an item, in one line. */
function reasonOf(error: DomainError): string {
  const policy = error.factsIf('password_policy');
  if (policy)
    return `does not satisfy the password policy (${policy.violations.map((v) => v.rule).join(', ')})`;
  if (error.details.length === 0) return error.message;
  return error.details.map((d) => d.message).join('; ');
}

/**
 * Applies seed documents through the core's own rules (user and application creation, password
 * import and policy checks), one transaction per environment. Every item is matched by id, else
 * by its natural key, and left alone when it exists: applying a document twice is a no-op.
 */
export function createSeedService(deps: SeedDeps) {
  const { store, clock, environments, applications, users, passwords } = deps;

  /** Runs one item's step, naming the item's path in any refusal. */
  async function at<T>(path: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof SeedError) throw error;
      if (error instanceof DomainError) throw new SeedError(path, reasonOf(error));
      if (store.dialect.isUniqueViolation(error))
        throw new SeedError(path, 'conflicts with an existing object (an id or a unique name is taken)');
      throw error;
    }
  }

  async function environmentFor(trx: Db, seed: SeedEnvironment, target: SeedTarget): Promise<Environment> {
    if (seed.bootstrap) return (await findEnvironment(trx, target.environmentId))!;
    const ids = seed.id !== undefined ? [seed.id] : await findEnvironmentIdsNamed(trx, seed.name);
    for (const id of ids) {
      const found = await findEnvironment(trx, id);
      if (found && found.organizationId === target.organizationId) return found;
    }
    return environments.createWithin(
      trx,
      target.organizationId,
      {
        name: seed.name,
        description: seed.description,
        type: seed.type ?? 'SANDBOX',
        region: seed.region ?? 'NA',
        licenseId: seed.licenseId ?? DEFAULT_LICENSE,
      },
      seed.id !== undefined ? { id: seed.id } : {},
    );
  }

  /**
   * Populations and password policies listed by the seed replace the ones Tessera made with the
   * environment, as long as they are untouched: an unused lone population, the built-in policies
   * used by no population. What the seed itself put there before is never replaced.
   */
  async function replaceDefaults(trx: Db, env: Environment, seed: SeedEnvironment) {
    if (seed.populations?.length) {
      const ids = new Set(seed.populations.map((p) => p.id));
      const current = await listPopulations(trx, { environmentId: env.id, limit: 100_000 });
      const lone = current.length === 1 ? current[0]! : undefined;
      if (lone && !ids.has(lone.id) && (await countUsersInPopulation(trx, lone.id)) === 0)
        await deletePopulation(trx, lone.id);
    }
    if (seed.passwordPolicies?.length) {
      const ids = new Set(seed.passwordPolicies.map((p) => p.id));
      const builtIn = new Set<string>(BUILT_IN_POLICIES.map((p) => p.name));
      const current = await listPolicies(trx, { environmentId: env.id, limit: 10_000 });
      let untouched = current.every((p) => builtIn.has(p.name) && !ids.has(p.id));
      for (const p of current) untouched &&= (await countPopulationsUsingPolicy(trx, p.id)) === 0;
      if (untouched) for (const p of current) await deletePolicy(trx, p.id);
    }
  }

  async function seedPolicies(trx: Db, env: Environment, seed: SeedEnvironment, path: string) {
    const existing = await listPolicies(trx, { environmentId: env.id, limit: 10_000 });
    for (const [i, p] of (seed.passwordPolicies ?? []).entries()) {
      await at(`${path}.passwordPolicies[${i}]`, async () => {
        const found =
          p.id !== undefined ? await findPolicy(trx, env.id, p.id) : existing.find((e) => e.name === p.name);
        if (found) return;
        const rules = await at(`${path}.passwordPolicies[${i}].rules`, async () => normalizeRules(p.rules));
        const now = clock.now();
        const id = p.id ?? newId();
        const policy = {
          id,
          environmentId: env.id,
          name: p.name,
          description: p.description,
          isDefault: p.default ?? false,
          rules,
          createdAt: now,
          updatedAt: now,
        };
        await insertPolicy(trx, policy);
        if (policy.isDefault) await clearOtherDefaults(trx, env.id, id);
      });
    }
  }

  async function seedPopulations(trx: Db, env: Environment, seed: SeedEnvironment, path: string) {
    const existing = await listPopulations(trx, { environmentId: env.id, limit: 100_000 });
    for (const [i, p] of (seed.populations ?? []).entries()) {
      await at(`${path}.populations[${i}]`, async () => {
        const found =
          p.id !== undefined
            ? await findPopulation(trx, env.id, p.id)
            : existing.find((e) => e.name === p.name);
        if (found) return;
        if (p.passwordPolicyId !== undefined && !(await findPolicy(trx, env.id, p.passwordPolicyId)))
          throw new SeedError(
            `${path}.populations[${i}].passwordPolicyId`,
            'no such password policy in this environment',
          );
        const id = p.id ?? newId();
        await insertPopulation(trx, {
          id,
          environmentId: env.id,
          isDefault: p.default ?? false,
          now: clock.now(),
          name: p.name,
          description: p.description,
          passwordPolicyId: p.passwordPolicyId,
        });
        if (p.default) await clearDefaultPopulation(trx, env.id, id);
      });
    }
  }

  async function seedAttributes(trx: Db, env: Environment, seed: SeedEnvironment, path: string) {
    const existing = await listAttributes(trx, env.id);
    for (const [i, a] of (seed.schemaAttributes ?? []).entries()) {
      await at(`${path}.schemaAttributes[${i}]`, async () => {
        const found =
          a.id !== undefined
            ? await findAttribute(trx, env.id, a.id)
            : existing.find((e) => e.name === a.name);
        if (found) return;
        const now = clock.now();
        await insertAttribute(trx, {
          id: a.id ?? newId(),
          environmentId: env.id,
          schemaId: userSchemaId(env.id),
          name: a.name,
          displayName: a.displayName,
          description: a.description,
          type: a.type,
          enabled: a.enabled ?? true,
          required: a.required ?? false,
          unique: a.unique ?? false,
          multiValued: a.multiValued ?? false,
          enumeratedValues: a.enumeratedValues,
          regexValidation: a.regexValidation,
          createdAt: now,
          updatedAt: now,
        });
      });
    }
  }

  async function seedUser(trx: Db, env: Environment, u: SeedUser, path: string): Promise<string> {
    const known =
      u.id !== undefined
        ? (await findUser(trx, env.id, u.id))?.id
        : await findUserIdByUsername(trx, env.id, u.username);
    if (known !== undefined) return known;
    const user = await at(path, () =>
      users.insertWithin(trx, env, {
        id: u.id,
        username: u.username,
        email: u.email,
        populationId: u.populationId,
        enabled: u.enabled,
        mfaEnabled: u.mfaEnabled,
        emailVerified: u.emailVerified,
        lifecycleStatus: u.lifecycleStatus,
        profile: u.profile,
      }),
    );
    if (u.password !== undefined) {
      const password = typeof u.password === 'string' ? { value: u.password } : u.password;
      await at(`${path}.password`, () => passwords.importWithin(trx, env, user, password));
    }
    return user.id;
  }

  async function seedGroups(
    trx: Db,
    env: Environment,
    seed: SeedEnvironment,
    path: string,
    userIds: Map<string, string>,
  ) {
    const existing = await listGroups(trx, { environmentId: env.id, limit: 1_000_000 });
    for (const [i, g] of (seed.groups ?? []).entries()) {
      const groupPath = `${path}.groups[${i}]`;
      const id = await at(groupPath, async () => {
        const found =
          g.id !== undefined ? await findGroup(trx, env.id, g.id) : existing.find((e) => e.name === g.name);
        if (found) return found.id;
        const now = clock.now();
        const group = {
          id: g.id ?? newId(),
          environmentId: env.id,
          populationId: g.populationId,
          name: g.name,
          description: g.description,
          externalId: g.externalId,
          customData: g.customData,
          createdAt: now,
          updatedAt: now,
        };
        await insertGroup(trx, group);
        return group.id;
      });
      for (const [j, member] of (g.members ?? []).entries()) {
        const userId =
          userIds.get(member) ??
          (await findUser(trx, env.id, member))?.id ??
          (await findUserIdByUsername(trx, env.id, member));
        if (userId === undefined)
          throw new SeedError(`${groupPath}.members[${j}]`, `no user ${member} in this environment`);
        await insertMembership(trx, id, userId, clock.now());
      }
    }
  }

  async function seedApplications(trx: Db, env: Environment, seed: SeedEnvironment, path: string) {
    const existing = await listApplications(trx, env.id);
    for (const [i, a] of (seed.applications ?? []).entries()) {
      const appPath = `${path}.applications[${i}]`;
      const { id, secret, roleAssignments, ...input } = a;
      const found =
        id !== undefined ? existing.find((e) => e.id === id) : existing.find((e) => e.name === a.name);
      const appId =
        found?.id ??
        (await at(appPath, () => applications.createWithin(trx, env.id, input, { id, secret }))).application
          .id;
      await applyRoleAssignments(
        trx,
        env,
        { type: 'application', id: appId },
        roleAssignments,
        appPath,
        clock,
      );
    }
  }

  async function seedContents(trx: Db, env: Environment, seed: SeedEnvironment, path: string) {
    for (const [i, c] of (seed.notificationContents ?? []).entries()) {
      await at(`${path}.notificationContents[${i}]`, async () => {
        const variant = c.variant ?? '';
        const found =
          c.id !== undefined
            ? await findContent(trx, env.id, c.template, c.id)
            : (await listContents(trx, env.id, c.template)).find(
                (e) =>
                  e.deliveryMethod === c.deliveryMethod && e.locale === c.locale && e.variant === variant,
              );
        if (found) return;
        const now = clock.now();
        await insertContent(trx, {
          id: c.id ?? newId(),
          environmentId: env.id,
          template: c.template,
          deliveryMethod: c.deliveryMethod,
          locale: c.locale,
          variant,
          isDefault: false,
          ...(c.email ? { email: c.email as never } : {}),
          ...(c.sms ? { sms: c.sms as never } : {}),
          createdAt: now,
          updatedAt: now,
        });
      });
    }
  }

  async function seedCredentialTypes(trx: Db, env: Environment, seed: SeedEnvironment, path: string) {
    for (const [i, t] of (seed.credentialTypes ?? []).entries()) {
      await at(`${path}.credentialTypes[${i}]`, async () => {
        if (await findCredentialType(trx, env.id, t.id)) return;
        const { versions, ...type } = t;
        await insertCredentialType(trx, { ...type, environmentId: env.id });
        for (const v of versions ?? [])
          await insertVersion(trx, { ...v, environmentId: env.id, credentialTypeId: t.id });
      });
    }
  }

  async function applyEnvironment(seed: SeedEnvironment, path: string, target: SeedTarget) {
    await store.transaction(async (trx) => {
      const env = await at(path, () => environmentFor(trx, seed, target));
      await replaceDefaults(trx, env, seed);
      await seedPolicies(trx, env, seed, path);
      await seedPopulations(trx, env, seed, path);
      await seedAttributes(trx, env, seed, path);
      const userIds = new Map<string, string>();
      for (const [i, u] of (seed.users ?? []).entries()) {
        const id = await seedUser(trx, env, u, `${path}.users[${i}]`);
        userIds.set(u.username, id).set(id, id);
        await applyRoleAssignments(
          trx,
          env,
          { type: 'user', id },
          u.roleAssignments,
          `${path}.users[${i}]`,
          clock,
        );
      }
      await seedGroups(trx, env, seed, path, userIds);
      await seedApplications(trx, env, seed, path);
      await seedContents(trx, env, seed, path);
      await seedCredentialTypes(trx, env, seed, path);
    });
  }

  return {
    /** Applies a (validated) document to the instance, one transaction per environment. */
    async apply(document: SeedDocument, target: SeedTarget): Promise<void> {
      for (const [i, seed] of document.environments.entries())
        await applyEnvironment(seed, `environments[${i}]`, target);
    },
    export: createSeedExporter({ store, applications }),
    /** `tessera import-users`: one batch of users, one transaction (see user-import.ts). */
    importUsers: createUserImporter({ store, clock, users, passwords }),
    /** Once `tessera import-users` has written its batches. */
    importFinished: refreshImportStatistics(store),
  };
}
