import { DomainError, forbidden } from '../shared/errors.js';
import { findRole, type ScopeType } from './roles.js';

export interface Grant {
  readonly roleId: string;
  readonly scopeType: ScopeType;
  readonly scopeId: string;
  /** The environment a POPULATION-scoped grant lives in. */
  readonly scopeEnvironmentId: string | null;
}

/**
 * Who is calling, with its role grants: an application (worker) by its client-credentials token,
 * or a user by the access token it got signing on to an application granted the PingOne API
 * resource (`id` is then the user's, `applicationId` the application's).
 */
export interface Actor {
  readonly kind: 'application' | 'user';
  readonly id: string;
  /** The application's name, or the user's username, for audit activities. */
  readonly name?: string | undefined;
  /** A user actor's population, for audit activities (`actors.user.population`). */
  readonly populationId?: string | undefined;
  /** The application the token was issued to (the worker itself for an application). */
  readonly applicationId?: string | undefined;
  readonly environmentId: string;
  readonly organizationId: string;
  /**
   * The request this call serves (a face copies its correlation id here), so the activities a
   * change records carry it; face-neutral, no HTTP type involved.
   */
  readonly correlationId?: string | undefined;
  readonly grants: readonly Grant[];
  /** OAuth scopes granted to the token. */
  readonly scopes: readonly string[];
  /**
   * Where the actor's rights come from. Absent: its role grants. `scopes`: the permissions a
   * face read from the token's OAuth scopes, valid in the actor's own environment only (role
   * grants are then not consulted).
   */
  readonly authority?: ScopeAuthority | undefined;
  /** Aborts when the caller's connection closes: slow work queued for it (hashing) is dropped. */
  readonly connection?: AbortSignal | undefined;
}

export interface ScopeAuthority {
  readonly kind: 'scopes';
  readonly permissions: readonly string[];
}

/** The actor with rights read from its OAuth scopes (`permissions`) instead of role grants. */
export const withScopeAuthority = (actor: Actor, permissions: readonly string[]): Actor => ({
  ...actor,
  authority: { kind: 'scopes', permissions },
});

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
  if (actor.authority?.kind === 'scopes')
    return actor.environmentId === target.environmentId && actor.authority.permissions.includes(permission);
  return actor.grants.some(
    (grant) =>
      grantCovers(grant, target) && (findRole(grant.roleId)?.permissions.includes(permission) ?? false),
  );
}

/**
 * The one authorization check, for role grants and OAuth scopes alike: throws 403 unless the
 * actor holds `permission` on `target`. A scope-authorized actor in the right environment whose
 * scopes lack the permission gets a `missing_scope` refusal (the face names the scopes).
 */
export function authorize(actor: Actor, permission: string, target: AccessTarget): void {
  if (can(actor, permission, target)) return;
  if (actor.authority?.kind === 'scopes' && actor.environmentId === target.environmentId)
    throw missingScope(actor, permission);
  throw forbidden();
}

const missingScope = (actor: Actor, permission: string): DomainError =>
  new DomainError('forbidden', [], { reason: 'missing_scope', permission, grantedScopes: [...actor.scopes] });

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
