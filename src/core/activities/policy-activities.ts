import type { Actor } from '../access/actor.js';
import type { Db } from '../../db/schema.js';
import type { ActivityResource } from './activity.js';
import { recordChange, type ChangeVerb } from './record-change.js';

export type PolicyKind = 'PASSWORD_POLICY' | 'SIGN_ON_POLICY';

/**
 * POLICY.CREATED/UPDATED/DELETED (reference more §3.5, marked ❓ for which policies it covers;
 * Tessera's choice, docs/audit.md: password and sign-on policies both). `resources[0]` is the
 * policy with its kind as type; a sign-on policy's actions and application assignments are
 * recorded as POLICY.UPDATED of their policy, the action or application following as `related`
 * and `description` saying what changed.
 */
export function recordPolicyActivity(
  trx: Db,
  now: number,
  actor: Actor,
  change: {
    readonly environmentId: string;
    readonly kind: PolicyKind;
    readonly policy: { readonly id: string; readonly name: string };
    readonly verb: ChangeVerb;
    readonly related?: readonly ActivityResource[] | undefined;
    readonly description?: string | undefined;
  },
) {
  return recordChange(trx, now, {
    environmentId: change.environmentId,
    actor,
    type: `POLICY.${change.verb}`,
    resource: { type: change.kind, id: change.policy.id, name: change.policy.name },
    related: change.related,
    description: change.description,
  });
}
