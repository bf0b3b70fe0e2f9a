import { createHash, randomBytes } from 'node:crypto';
import { authorize, type Actor } from '../access/actor.js';
import {
  deleteRoleAssignment,
  findRoleAssignment,
  insertRoleAssignment,
  listRoleAssignments,
  loadGrants,
  type RoleAssignment,
} from '../access/role-assignments.repository.js';
import { findRole, type ScopeType } from '../access/roles.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import { findEnvironment } from '../environments/environments.repository.js';
import { findPopulation } from '../populations/populations.repository.js';
import type { Clock } from '../shared/clock.js';
import { forbidden, invalidValue, notFound, requestFailed } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { createSecretBox, generateSecret, hashSecret, type SecretBox } from '../shared/secrets.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { Application, ApplicationCredentials, ApplicationInput } from './application.js';
import {
  deleteApplication,
  findApplication,
  findApplicationEnvironment,
  findApplicationWithCredentials,
  insertApplication,
  listApplications,
  updateApplication,
  updateApplicationCredentials,
} from './applications.repository.js';

export interface ApplicationsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly secretKey: string | undefined;
}

export type ApplicationsService = ReturnType<typeof createApplicationsService>;

const SECRET_KEY_SETTING = 'client_secret_box_key';

export function createApplicationsService({
  store,
  clock,
  environments,
  secretKey,
}: ApplicationsServiceDeps) {
  let box: SecretBox | undefined;

  /** The sealing key: from configuration, else one generated once and kept in the store. */
  async function secretBox(db: Db = store.db): Promise<SecretBox> {
    if (box) return box;
    if (secretKey !== undefined) {
      box = createSecretBox(createHash('sha256').update(secretKey, 'utf8').digest());
      return box;
    }
    const generated = randomBytes(32).toString('base64');
    await db
      .insertInto('instance_settings')
      .values({ name: SECRET_KEY_SETTING, value: generated })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await db
      .selectFrom('instance_settings')
      .select('value')
      .where('name', '=', SECRET_KEY_SETTING)
      .executeTakeFirstOrThrow();
    box = createSecretBox(Buffer.from(row.value, 'base64'));
    return box;
  }

  async function newCredentials(secret: string, db: Db = store.db): Promise<ApplicationCredentials> {
    return { secretHash: hashSecret(secret), secretSealed: (await secretBox(db)).seal(secret) };
  }

  async function requireApp(actor: Actor, environmentId: string, id: string, permission: string) {
    const env = await environments.require(environmentId);
    authorize(actor, permission, { environmentId: env.id, organizationId: env.organizationId });
    const app = await findApplication(store.db, environmentId, id);
    if (!app) throw notFound();
    return { env, app };
  }

  /** Inserts a worker inside a transaction; used by the API and by bootstrap. */
  async function createWithin(
    trx: Db,
    environmentId: string,
    input: ApplicationInput,
    options: { id?: string; secret?: string } = {},
  ): Promise<{ application: Application; secret: string }> {
    const secret = options.secret ?? generateSecret();
    const id = options.id ?? newId();
    await insertApplication(trx, {
      id,
      environmentId,
      now: clock.now(),
      credentials: await newCredentials(secret, trx),
      ...input,
    });
    return { application: (await findApplication(trx, environmentId, id))!, secret };
  }

  /** Checks PingOne's assignment rules: the assigner must be allowed to grant the role there. */
  async function checkAssignable(
    actor: Actor,
    roleId: string,
    scopeType: ScopeType,
    scopeId: string,
  ): Promise<string> {
    const role = findRole(roleId);
    if (!role) throw invalidValue('role.id', 'The role does not exist.');
    if (!role.applicableTo.includes(scopeType)) {
      throw invalidValue('scope.type', `The role ${role.name} cannot be assigned at ${scopeType} scope.`);
    }
    let target: { environmentId: string; organizationId: string; populationId?: string };
    if (scopeType === 'ORGANIZATION') {
      if (scopeId !== actor.organizationId)
        throw invalidValue('scope.id', 'The organization does not exist.');
      target = { environmentId: '', organizationId: scopeId };
    } else if (scopeType === 'ENVIRONMENT') {
      const env = await findEnvironment(store.db, scopeId);
      if (!env) throw invalidValue('scope.id', 'The environment does not exist.');
      target = { environmentId: env.id, organizationId: env.organizationId };
    } else if (scopeType === 'POPULATION') {
      const population = await store.db
        .selectFrom('populations')
        .select(['id', 'environment_id'])
        .where('id', '=', scopeId)
        .executeTakeFirst();
      const env = population ? await findEnvironment(store.db, population.environment_id) : undefined;
      if (!population || !env) throw invalidValue('scope.id', 'The population does not exist.');
      target = { environmentId: env.id, organizationId: env.organizationId, populationId: population.id };
    } else {
      throw invalidValue('scope.type', 'APPLICATION scope is not supported.');
    }
    const assignerMay = actor.grants.some((grant) => {
      const granted = findRole(grant.roleId);
      if (!granted?.canAssign.includes(roleId)) return false;
      const covers =
        grant.scopeType === 'ORGANIZATION'
          ? grant.scopeId === target.organizationId
          : grant.scopeType === 'ENVIRONMENT'
            ? grant.scopeId === target.environmentId
            : grant.scopeType === 'POPULATION' && grant.scopeId === target.populationId;
      return covers;
    });
    if (!assignerMay) throw forbidden();
    return target.environmentId;
  }

  return {
    createWithin,

    async create(actor: Actor, environmentId: string, input: ApplicationInput) {
      const env = await environments.require(environmentId);
      authorize(actor, 'apps:create:application', {
        environmentId: env.id,
        organizationId: env.organizationId,
      });
      return store.transaction(async (trx) => {
        const created = await createWithin(trx, environmentId, input);
        // PingOne: a worker created by an admin inherits the creator's role assignments, so it
        // can get a token at once (a worker without any role is refused one).
        const now = clock.now();
        for (const inherited of await listRoleAssignments(trx, actor.id)) {
          await insertRoleAssignment(trx, {
            ...inherited,
            id: newId(),
            environmentId,
            actorType: 'application',
            actorId: created.application.id,
            readOnly: false,
            createdAt: now,
          });
        }
        return created.application;
      });
    },

    async get(actor: Actor, environmentId: string, id: string): Promise<Application> {
      return (await requireApp(actor, environmentId, id, 'apps:read:application')).app;
    },

    async list(actor: Actor, environmentId: string): Promise<Application[]> {
      const env = await environments.require(environmentId);
      authorize(actor, 'apps:read:application', {
        environmentId: env.id,
        organizationId: env.organizationId,
      });
      return listApplications(store.db, environmentId);
    },

    async replace(
      actor: Actor,
      environmentId: string,
      id: string,
      input: ApplicationInput,
    ): Promise<Application> {
      await requireApp(actor, environmentId, id, 'apps:update:application');
      await updateApplication(store.db, id, input, clock.now());
      return (await findApplication(store.db, environmentId, id))!;
    },

    async delete(actor: Actor, environmentId: string, id: string): Promise<void> {
      await requireApp(actor, environmentId, id, 'apps:delete:application');
      if (id === actor.id)
        throw requestFailed('CONSTRAINT_VIOLATION', 'An application cannot delete itself.');
      await store.transaction((trx) => deleteApplication(trx, id));
    },

    async readSecret(actor: Actor, environmentId: string, id: string): Promise<string> {
      await requireApp(actor, environmentId, id, 'apps:read:applicationSecret');
      const found = await findApplicationWithCredentials(store.db, environmentId, id);
      if (!found) throw notFound();
      return (await secretBox()).open(found.credentials.secretSealed);
    },

    async rotateSecret(actor: Actor, environmentId: string, id: string): Promise<string> {
      await requireApp(actor, environmentId, id, 'apps:update:applicationSecret');
      const secret = generateSecret();
      await updateApplicationCredentials(store.db, id, await newCredentials(secret), clock.now());
      return secret;
    },

    async listRoleAssignments(actor: Actor, environmentId: string, id: string): Promise<RoleAssignment[]> {
      await requireApp(actor, environmentId, id, 'permissions:read:roleAssignments');
      return listRoleAssignments(store.db, id);
    },

    async getRoleAssignment(actor: Actor, environmentId: string, id: string, assignmentId: string) {
      await requireApp(actor, environmentId, id, 'permissions:read:roleAssignments');
      const assignment = await findRoleAssignment(store.db, id, assignmentId);
      if (!assignment) throw notFound();
      return assignment;
    },

    async assignRole(
      actor: Actor,
      environmentId: string,
      id: string,
      request: { roleId: string; scopeType: ScopeType; scopeId: string },
    ): Promise<RoleAssignment> {
      await requireApp(actor, environmentId, id, 'permissions:create:roleAssignments');
      await checkAssignable(actor, request.roleId, request.scopeType, request.scopeId);
      const assignment: RoleAssignment = {
        id: newId(),
        environmentId,
        actorType: 'application',
        actorId: id,
        roleId: request.roleId,
        scopeType: request.scopeType,
        scopeId: request.scopeId,
        readOnly: false,
        createdAt: clock.now(),
      };
      try {
        await insertRoleAssignment(store.db, assignment);
      } catch (error) {
        if (store.dialect.isUniqueViolation(error)) {
          throw invalidValue('role.id', 'The role is already assigned at that scope.');
        }
        throw error;
      }
      return assignment;
    },

    async unassignRole(actor: Actor, environmentId: string, id: string, assignmentId: string): Promise<void> {
      await requireApp(actor, environmentId, id, 'permissions:delete:roleAssignments');
      const assignment = await findRoleAssignment(store.db, id, assignmentId);
      if (!assignment) throw notFound();
      if (assignment.readOnly) {
        throw requestFailed(
          'CONSTRAINT_VIOLATION',
          `Role assignment ${assignment.id} cannot be deleted as it is read only`,
        );
      }
      await deleteRoleAssignment(store.db, assignmentId);
    },

    /** Grants of an application, for token issuance and request authentication. */
    grantsOf: (applicationId: string) => loadGrants(store.db, applicationId),
    /** The environment of an application, for token requests that name no environment. */
    environmentOf: (applicationId: string): Promise<string | undefined> =>
      findApplicationEnvironment(store.db, applicationId),
    findWithCredentials: (environmentId: string, id: string) =>
      findApplicationWithCredentials(store.db, environmentId, id),
    populationExists: async (environmentId: string, id: string) =>
      (await findPopulation(store.db, environmentId, id)) !== undefined,
  };
}
