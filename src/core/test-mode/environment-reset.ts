import { deleteRoleAssignmentsScopedToEnvironment } from '../access/role-assignments.repository.js';
import type { Db } from '../../db/schema.js';
import { restoreEnvironment, snapshotHasEnvironment } from '../../db/environment-restore.js';
import type { StoreSnapshot } from '../../db/snapshot.js';

/**
 * Puts one environment back as it was at start, inside `trx`; answers the tables written, or
 * undefined when the environment neither exists nor existed at start.
 *
 * Role assignments belong to the environment of the user or application holding them: the reset
 * restores those of the environment's own subjects, whatever their scope, and leaves the
 * assignments other environments' subjects hold on it alone, except the ones that would dangle
 * (scoped to the environment when the reset deletes it, because it was made after start, or to
 * one of its populations the reset removes). That is what deleting an environment or a
 * population does too.
 */
export async function resetEnvironment(
  trx: Db,
  snapshot: StoreSnapshot,
  environmentId: string,
): Promise<readonly string[] | undefined> {
  const exists = await trx
    .selectFrom('environments')
    .select('id')
    .where('id', '=', environmentId)
    .executeTakeFirst();
  if (!exists && !snapshotHasEnvironment(snapshot, environmentId)) return undefined;
  const populationsBefore = (
    await trx.selectFrom('populations').select('id').where('environment_id', '=', environmentId).execute()
  ).map((row) => row.id);
  if (!snapshotHasEnvironment(snapshot, environmentId))
    await deleteRoleAssignmentsScopedToEnvironment(trx, environmentId);
  const restored = await restoreEnvironment(trx, snapshot, environmentId);
  if (restored.kept && populationsBefore.length > 0) {
    const left = new Set(
      (
        await trx.selectFrom('populations').select('id').where('environment_id', '=', environmentId).execute()
      ).map((row) => row.id),
    );
    const gone = populationsBefore.filter((id) => !left.has(id));
    if (gone.length > 0)
      await trx
        .deleteFrom('role_assignments')
        .where('scope_type', '=', 'POPULATION')
        .where('scope_id', 'in', gone)
        .execute();
  }
  return [...restored.tables, 'role_assignments'];
}
