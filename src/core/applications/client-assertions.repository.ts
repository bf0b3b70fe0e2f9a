import type { Db } from '../../db/schema.js';

export interface ClientAssertionJtisTable {
  application_id: string;
  jti: string;
  expires_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    client_assertion_jtis: ClientAssertionJtisTable;
  }
}

/** Forgets the assertion ids of an application that have expired (they can no longer be replayed). */
export async function pruneAssertionIds(db: Db, applicationId: string, now: number): Promise<void> {
  await db
    .deleteFrom('client_assertion_jtis')
    .where('application_id', '=', applicationId)
    .where('expires_at', '<=', now)
    .execute();
}

/** Records an assertion id; a second insert of the same id is a unique violation. */
export async function insertAssertionId(
  db: Db,
  row: { applicationId: string; jti: string; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('client_assertion_jtis')
    .values({ application_id: row.applicationId, jti: row.jti, expires_at: row.expiresAt })
    .execute();
}
