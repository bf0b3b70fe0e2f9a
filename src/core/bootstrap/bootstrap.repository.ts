import type { Db } from '../../db/schema.js';

/** The instance_settings row that records the bootstrap (made once, at first start). */
export const BOOTSTRAP_MARKER = 'bootstrap';

export interface BootstrapFacts {
  readonly organizationId: string;
  readonly environmentId: string;
  readonly clientId: string;
}

export async function findBootstrapFacts(db: Db): Promise<BootstrapFacts | undefined> {
  const row = await db
    .selectFrom('instance_settings')
    .select('value')
    .where('name', '=', BOOTSTRAP_MARKER)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as BootstrapFacts) : undefined;
}
