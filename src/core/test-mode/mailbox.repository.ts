import type { Db } from '../../db/schema.js';

/** Clears an environment's messages (all, or one recipient's); returns how many went. */
export async function clearMailbox(db: Db, environmentId: string, recipient: string | undefined) {
  let query = db.deleteFrom('notification_outbox').where('environment_id', '=', environmentId);
  if (recipient !== undefined) query = query.where('recipient', '=', recipient);
  const [result] = await query.execute();
  return Number(result?.numDeletedRows ?? 0);
}
