import type { Actor } from '../access/actor.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { Clock } from '../shared/clock.js';
import { invalidValue, notFound, uniquenessViolation } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Db } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { recordPolicyActivity } from '../activities/policy-activities.js';
import { applicationResource } from '../applications/application-activities.js';
import { countActions } from './actions.repository.js';
import {
  deleteAssignment,
  findAssignment,
  insertAssignment,
  listAssignments,
  updateAssignment,
} from './assignments.repository.js';
import { findPolicy } from './sign-on-policies.repository.js';
import type { SignOnPolicyAssignment, SignOnPolicyAssignmentInput } from './sign-on-policy.js';
import { authorizeIn, checkPriority, PERMISSIONS } from './validation.js';

export interface AssignmentsServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly environments: EnvironmentsService;
  readonly applications: ApplicationsService;
}

/** Which sign-on policies an application runs, in priority order (reference §5.3). */
export function createAssignmentsService({
  store,
  clock,
  environments,
  applications,
}: AssignmentsServiceDeps) {
  /** The environment, the permission, then the application (404 when it is not in the environment). */
  async function context(actor: Actor, environmentId: string, applicationId: string, permission: string) {
    await authorizeIn(environments, actor, environmentId, permission);
    return applications.get(actor, environmentId, applicationId);
  }

  /** An assignment's change is POLICY.UPDATED of its policy, the application following. */
  async function audit(
    trx: Db,
    actor: Actor,
    app: { id: string; name: string },
    assignment: SignOnPolicyAssignment,
    verb: 'Assigned' | 'Updated assignment of' | 'Unassigned',
  ) {
    const policy = await findPolicy(trx, assignment.environmentId, assignment.policyId);
    const name = policy?.name ?? assignment.policyId;
    await recordPolicyActivity(trx, clock.now(), actor, {
      environmentId: assignment.environmentId,
      kind: 'SIGN_ON_POLICY',
      policy: { id: assignment.policyId, name },
      verb: 'UPDATED',
      related: [applicationResource(app)],
      description: `${verb} Sign On Policy ${name} ${verb === 'Unassigned' ? 'from' : 'to'} application ${app.name}`,
    });
  }

  /**
   * The policy must exist in the environment and have an action (PingOne: "the policy must have
   * at least one associated action before it can be assigned"). Its row is locked so that a
   * concurrent delete of the policy waits and then sees this assignment.
   */
  async function checkPolicy(db: Db, environmentId: string, policyId: string): Promise<void> {
    if (!(await findPolicy(db, environmentId, policyId, true))) {
      throw invalidValue('signOnPolicy.id', 'The sign-on policy does not exist in the environment.');
    }
    if ((await countActions(db, policyId)) === 0) {
      throw invalidValue(
        'signOnPolicy.id',
        'The sign-on policy has no actions; add one before assigning it.',
      );
    }
  }

  async function checkUnique(
    db: Db,
    environmentId: string,
    applicationId: string,
    input: SignOnPolicyAssignmentInput,
    exceptId?: string,
  ): Promise<void> {
    const others = (await listAssignments(db, environmentId, applicationId)).filter((a) => a.id !== exceptId);
    if (others.some((a) => a.policyId === input.policyId)) throw uniquenessViolation('signOnPolicy.id');
    if (others.some((a) => a.priority === input.priority)) throw uniquenessViolation('priority');
  }

  // The checks above run in the transaction; this only names a lost race on PostgreSQL.
  const duplicate = (error: unknown) => {
    if (store.dialect.isUniqueViolation(error, 'sign_on_policy_assignments_policy')) {
      return uniquenessViolation('signOnPolicy.id');
    }
    return store.dialect.isUniqueViolation(error) ? uniquenessViolation('priority') : error;
  };

  async function requireAssignment(db: Db, environmentId: string, applicationId: string, id: string) {
    const assignment = await findAssignment(db, environmentId, applicationId, id);
    if (!assignment) throw notFound();
    return assignment;
  }

  return {
    async list(
      actor: Actor,
      environmentId: string,
      applicationId: string,
    ): Promise<SignOnPolicyAssignment[]> {
      await context(actor, environmentId, applicationId, PERMISSIONS.read);
      return listAssignments(store.db, environmentId, applicationId);
    },

    async get(
      actor: Actor,
      environmentId: string,
      applicationId: string,
      id: string,
    ): Promise<SignOnPolicyAssignment> {
      await context(actor, environmentId, applicationId, PERMISSIONS.read);
      return requireAssignment(store.db, environmentId, applicationId, id);
    },

    async create(
      actor: Actor,
      environmentId: string,
      applicationId: string,
      input: SignOnPolicyAssignmentInput,
    ): Promise<SignOnPolicyAssignment> {
      const app = await context(actor, environmentId, applicationId, PERMISSIONS.create);
      checkPriority(input.priority);
      return store.transaction(async (trx) => {
        await checkPolicy(trx, environmentId, input.policyId);
        await checkUnique(trx, environmentId, applicationId, input);
        const now = clock.now();
        const assignment: SignOnPolicyAssignment = {
          id: newId(),
          environmentId,
          applicationId,
          policyId: input.policyId,
          priority: input.priority,
          createdAt: now,
          updatedAt: now,
        };
        try {
          await insertAssignment(trx, assignment);
        } catch (error) {
          throw duplicate(error);
        }
        await audit(trx, actor, app, assignment, 'Assigned');
        return assignment;
      });
    },

    async replace(
      actor: Actor,
      environmentId: string,
      applicationId: string,
      id: string,
      input: SignOnPolicyAssignmentInput,
    ): Promise<SignOnPolicyAssignment> {
      const app = await context(actor, environmentId, applicationId, PERMISSIONS.update);
      checkPriority(input.priority);
      return store.transaction(async (trx) => {
        const existing = await requireAssignment(trx, environmentId, applicationId, id);
        await checkPolicy(trx, environmentId, input.policyId);
        await checkUnique(trx, environmentId, applicationId, input, id);
        const assignment: SignOnPolicyAssignment = {
          ...existing,
          policyId: input.policyId,
          priority: input.priority,
          updatedAt: clock.now(),
        };
        try {
          await updateAssignment(trx, assignment);
        } catch (error) {
          throw duplicate(error);
        }
        await audit(trx, actor, app, assignment, 'Updated assignment of');
        return assignment;
      });
    },

    async delete(actor: Actor, environmentId: string, applicationId: string, id: string): Promise<void> {
      const app = await context(actor, environmentId, applicationId, PERMISSIONS.delete);
      await store.transaction(async (trx) => {
        const assignment = await requireAssignment(trx, environmentId, applicationId, id);
        await deleteAssignment(trx, id);
        await audit(trx, actor, app, assignment, 'Unassigned');
      });
    },
  };
}
