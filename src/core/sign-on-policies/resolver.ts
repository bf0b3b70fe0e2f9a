import type { Store } from '../../db/store.js';
import { firstLoginActions } from './actions.repository.js';
import { listAssignedPolicies } from './assignments.repository.js';
import { findDefaultPolicy, findPoliciesByName } from './sign-on-policies.repository.js';

/** The sign-on policy a sign-on runs, reduced to what the engine needs. */
export interface ResolvedSignOnPolicy {
  id: string;
  name: string;
  login: { recoveryEnabled: boolean; registration: { enabled: boolean; populationId: string | undefined } };
}

/**
 * The port the sign-on engine uses to pick a policy (the engine declares the same interface in
 * `core/signon/policy-port.ts`).
 */
export interface SignOnPolicyResolver {
  resolve(
    environmentId: string,
    applicationId: string,
    acrValues: readonly string[],
  ): Promise<ResolvedSignOnPolicy | undefined>;
}

/**
 * Reference §5.3, with two choices of ours (docs/sign-on-policies.md):
 * - candidates are, in order: the `acr_values` names assigned to the application (or, when the
 *   application has no assignments, the names of any policy of the environment); else the
 *   assignments by priority; else the environment's default policy;
 * - the first candidate with a LOGIN action wins (a policy without one cannot run, so the next
 *   one is tried, as PingOne tries the next assignment when one fails). Its LOGIN settings are
 *   those of its first LOGIN action; action conditions are not evaluated.
 */
export function createSignOnPolicyResolver(store: Store): SignOnPolicyResolver {
  return {
    async resolve(environmentId, applicationId, acrValues) {
      const db = store.db;
      const assigned = await listAssignedPolicies(db, environmentId, applicationId);
      let candidates: Array<{ id: string; name: string }>;
      if (acrValues.length > 0) {
        const pool =
          assigned.length > 0
            ? assigned.map((a) => ({ id: a.policyId, name: a.name }))
            : await findPoliciesByName(db, environmentId, acrValues);
        candidates = acrValues.flatMap((name) => pool.filter((p) => p.name === name).slice(0, 1));
      } else if (assigned.length > 0) {
        candidates = assigned.map((a) => ({ id: a.policyId, name: a.name }));
      } else {
        const fallback = await findDefaultPolicy(db, environmentId);
        candidates = fallback ? [fallback] : [];
      }
      if (candidates.length === 0) return undefined;
      const logins = await firstLoginActions(
        db,
        candidates.map((c) => c.id),
      );
      for (const candidate of candidates) {
        const login = logins.get(candidate.id)?.login;
        if (!login) continue;
        return {
          id: candidate.id,
          name: candidate.name,
          login: {
            recoveryEnabled: login.recoveryEnabled,
            registration: {
              enabled: login.registration.enabled,
              populationId: login.registration.populationId,
            },
          },
        };
      }
      return undefined;
    },
  };
}
