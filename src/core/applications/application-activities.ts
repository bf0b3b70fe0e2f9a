import type { Actor } from '../access/actor.js';
import { recordChange, type ChangeVerb } from '../activities/record-change.js';
import type { Db } from '../../db/schema.js';

/** The `APPLICATION` resource of an activity. */
export const applicationResource = (app: { readonly id: string; readonly name?: string | undefined }) => ({
  type: 'APPLICATION',
  id: app.id,
  name: app.name,
});

/** APPLICATION.CREATED/UPDATED/DELETED (reference more §3.5), inside the change's transaction. */
export function recordApplicationActivity(
  trx: Db,
  now: number,
  actor: Actor | undefined,
  app: { readonly id: string; readonly environmentId: string; readonly name: string },
  verb: ChangeVerb,
) {
  return recordChange(trx, now, {
    environmentId: app.environmentId,
    actor,
    type: `APPLICATION.${verb}`,
    resource: applicationResource(app),
  });
}

/**
 * SECRET.READ / SECRET.UPDATED about an application's client secret, described as in the
 * reference's sample ("Client secret read for application '<id>'"). Never the secret itself.
 */
export function recordSecretActivity(
  trx: Db,
  now: number,
  actor: Actor,
  app: { readonly id: string; readonly environmentId: string; readonly name: string },
  change: 'read' | 'regenerated' | 'previous revoked',
) {
  return recordChange(trx, now, {
    environmentId: app.environmentId,
    actor,
    type: change === 'read' ? 'SECRET.READ' : 'SECRET.UPDATED',
    resource: applicationResource(app),
    description: `Client secret ${change} for application '${app.id}'`,
  });
}

/**
 * GRANT.CREATED/UPDATED/DELETED: an application's grant of a resource's scopes. `resources[0]` is
 * the grant, named after the granted resource; the application follows.
 */
export function recordGrantActivity(
  trx: Db,
  now: number,
  actor: Actor,
  grant: { readonly id: string; readonly environmentId: string; readonly resourceName: string },
  app: { readonly id: string; readonly name: string },
  verb: ChangeVerb,
) {
  return recordChange(trx, now, {
    environmentId: grant.environmentId,
    actor,
    type: `GRANT.${verb}`,
    resource: { type: 'GRANT', id: grant.id, name: grant.resourceName },
    related: [applicationResource(app)],
  });
}
