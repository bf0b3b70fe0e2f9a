import { forbidden } from '../shared/errors.js';
import { findRole, type ScopeType } from './roles.js';

export interface Grant {
  readonly roleId: string;
  readonly scopeType: ScopeType;
  readonly scopeId: string;
  /** The environment a POPULATION-scoped grant lives in. */
  readonly scopeEnvironmentId: string | null;
}

/** Who is calling: an application (worker) identified by its token, with its role grants. */
export interface Actor {
  readonly kind: 'application';
  readonly id: string;
  readonly environmentId: string;
  readonly organizationId: string;
  readonly grants: readonly Grant[];
  /** OAuth scopes granted to the token (used by the UiPath face). */
  readonly scopes: readonly string[];
}

/** Where an operation applies: always an environment, and for user data the user's population. */
export interface AccessTarget {
  readonly environmentId: string;
  readonly organizationId: string;
  readonly populationId?: string | undefined;
}

function grantCovers(grant: Grant, target: AccessTarget): boolean {
  switch (grant.scopeType) {
    case 'ORGANIZATION':
      return grant.scopeId === target.organizationId;
    case 'ENVIRONMENT':
      return grant.scopeId === target.environmentId;
    case 'POPULATION':
      return (
        grant.scopeEnvironmentId === target.environmentId &&
        target.populationId !== undefined &&
        grant.scopeId === target.populationId
      );
    case 'APPLICATION':
      return false;
  }
}

export function can(actor: Actor, permission: string, target: AccessTarget): boolean {
  return actor.grants.some(
    (grant) =>
      grantCovers(grant, target) && (findRole(grant.roleId)?.permissions.includes(permission) ?? false),
  );
}

/** Throws 403 unless some grant of the actor covers `permission` on `target`. */
export function authorize(actor: Actor, permission: string, target: AccessTarget): void {
  if (!can(actor, permission, target)) throw forbidden();
}

/**
 * The populations of an environment in which the actor holds `permission` through a
 * population-scoped grant only; `'all'` when an organization or environment grant covers it.
 */
export function permittedPopulations(
  actor: Actor,
  permission: string,
  target: AccessTarget,
): 'all' | string[] {
  if (can(actor, permission, { ...target, populationId: undefined })) return 'all';
  return actor.grants
    .filter(
      (g) =>
        g.scopeType === 'POPULATION' &&
        g.scopeEnvironmentId === target.environmentId &&
        (findRole(g.roleId)?.permissions.includes(permission) ?? false),
    )
    .map((g) => g.scopeId);
}
