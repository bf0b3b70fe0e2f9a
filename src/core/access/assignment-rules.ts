import type { Db } from '../../db/schema.js';
import { findEnvironment } from '../environments/environments.repository.js';
import { DomainError, invalidValue } from '../shared/errors.js';
import type { Actor } from './actor.js';
import { findRole, type ScopeType } from './roles.js';

/** Reference more §2.2: the escalation refusal's detail text. */
const escalationRefused = (): DomainError =>
  new DomainError('forbidden', [
    {
      code: 'insufficient_permissions',
      message: 'Must have role at the same or broader scope to assign it.',
    },
  ]);

/**
 * PingOne's assignment rules, for every kind of assignee (application, user, group): the role
 * exists, applies at the scope type (a refusal targets `scope`, reference more §2.2), the scope
 * exists, and the assigner holds at the same or a broader scope a role that may assign it (no
 * escalation). Returns the environment of the scope ('' for ORGANIZATION).
 */
export async function checkAssignable(
  db: Db,
  actor: Actor,
  request: { roleId: string; scopeType: ScopeType; scopeId: string },
): Promise<string> {
  const { roleId, scopeType, scopeId } = request;
  const role = findRole(roleId);
  if (!role) throw invalidValue('role.id', 'The role does not exist.');
  if (!role.applicableTo.includes(scopeType)) {
    throw invalidValue(
      'scope',
      `Incompatible role and scope combination: ${role.name} at ${scopeType} scope.`,
    );
  }
  let target: { environmentId: string; organizationId: string; populationId?: string };
  if (scopeType === 'ORGANIZATION') {
    if (scopeId !== actor.organizationId) throw invalidValue('scope.id', 'The organization does not exist.');
    target = { environmentId: '', organizationId: scopeId };
  } else if (scopeType === 'ENVIRONMENT') {
    const env = await findEnvironment(db, scopeId);
    if (!env) throw invalidValue('scope.id', 'The environment does not exist.');
    target = { environmentId: env.id, organizationId: env.organizationId };
  } else if (scopeType === 'POPULATION') {
    const population = await db
      .selectFrom('populations')
      .select(['id', 'environment_id'])
      .where('id', '=', scopeId)
      .executeTakeFirst();
    const env = population ? await findEnvironment(db, population.environment_id) : undefined;
    if (!population || !env) throw invalidValue('scope.id', 'The population does not exist.');
    target = { environmentId: env.id, organizationId: env.organizationId, populationId: population.id };
  } else {
    throw invalidValue('scope', 'APPLICATION scope is not supported.');
  }
  const assignerMay = actor.grants.some((grant) => {
    if (!findRole(grant.roleId)?.canAssign.includes(roleId)) return false;
    return grant.scopeType === 'ORGANIZATION'
      ? grant.scopeId === target.organizationId
      : grant.scopeType === 'ENVIRONMENT'
        ? grant.scopeId === target.environmentId
        : grant.scopeType === 'POPULATION' && grant.scopeId === target.populationId;
  });
  if (!assignerMay) throw escalationRefused();
  return target.environmentId;
}
