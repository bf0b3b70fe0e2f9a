import { sql } from 'kysely';
import type { Db } from './schema.js';
import { insertRows, type StoreSnapshot } from './snapshot.js';

/**
 * Tables without an `environment_id` whose rows belong to an environment through a parent row
 * (the parent table has one). A new such table must be listed here: a per-environment reset
 * refuses a table it cannot place (see `placeTables`), so its tests fail until it is.
 */
const CHILD_TABLES: Readonly<Record<string, { readonly column: string; readonly parent: string }>> = {
  group_memberships: { column: 'group_id', parent: 'groups' },
  user_password_history: { column: 'user_id', parent: 'users' },
  activity_resources: { column: 'activity_id', parent: 'activities' },
  webhook_outbox: { column: 'subscription_id', parent: 'webhook_subscriptions' },
};

/** Tables above any one environment, which a per-environment reset leaves alone. */
const ORGANIZATION_TABLES = new Set(['organizations']);

type Placement =
  | { readonly kind: 'environment' }
  | { readonly kind: 'child'; readonly column: string; readonly parent: string };

function placeTables(snapshot: StoreSnapshot): Map<string, Placement> {
  const placed = new Map<string, Placement>();
  for (const { name } of snapshot.tables) {
    if (name === 'environments' || ORGANIZATION_TABLES.has(name)) continue;
    const child = CHILD_TABLES[name];
    if (snapshot.environmentKeyed.has(name)) placed.set(name, { kind: 'environment' });
    else if (child && snapshot.environmentKeyed.has(child.parent))
      placed.set(name, { kind: 'child', ...child });
    else throw new Error(`a per-environment reset does not know which environment rows of ${name} belong to`);
  }
  return placed;
}

export interface EnvironmentRestore {
  /** The environment is in the start state (restored) or not (it was deleted). */
  readonly kept: boolean;
  /** Tables written, for the read caches. */
  readonly tables: readonly string[];
}

/** True when the environment exists in the snapshot (it existed at start). */
export function snapshotHasEnvironment(snapshot: StoreSnapshot, environmentId: string): boolean {
  return environmentRow(snapshot, environmentId) !== undefined;
}

function environmentRow(snapshot: StoreSnapshot, environmentId: string): Record<string, unknown> | undefined {
  return snapshot.tables.find((t) => t.name === 'environments')?.rows.find((row) => row.id === environmentId);
}

/**
 * Puts one environment's rows back as they are in the snapshot, inside `trx`: every row keyed by
 * the environment (and the rows of its child tables) is deleted, then the snapshot's are
 * inserted. The environment's own row is updated in place (so what hangs on it and is kept, its
 * signing keys, stays); an environment missing from the snapshot is deleted. Other environments'
 * rows are not touched.
 */
export async function restoreEnvironment(
  trx: Db,
  snapshot: StoreSnapshot,
  environmentId: string,
): Promise<EnvironmentRestore> {
  const placed = placeTables(snapshot);
  const start = environmentRow(snapshot, environmentId);
  for (const { name } of [...snapshot.tables].reverse()) {
    const placement = placed.get(name);
    if (!placement) continue;
    // Table and column names come from the catalogue and the constants above, never a caller.
    if (placement.kind === 'environment')
      await sql`delete from ${sql.table(name)} where environment_id = ${environmentId}`.execute(trx);
    else
      await sql`delete from ${sql.table(name)} where ${sql.ref(placement.column)} in
        (select id from ${sql.table(placement.parent)} where environment_id = ${environmentId})`.execute(trx);
  }
  if (!start) {
    await sql`delete from environments where id = ${environmentId}`.execute(trx);
    return { kept: false, tables: ['environments', ...placed.keys()] };
  }
  const present = await trx
    .selectFrom('environments')
    .select('id')
    .where('id', '=', environmentId)
    .executeTakeFirst();
  if (!present) await insertRows(trx, 'environments', [start]);
  else {
    const columns = Object.keys(start).filter((column) => column !== 'id');
    await sql`update environments set ${sql.join(
      columns.map((column) => sql`${sql.ref(column)} = ${start[column] ?? null}`),
    )} where id = ${environmentId}`.execute(trx);
  }
  const idsOf = new Map<string, Set<unknown>>();
  for (const { name, rows } of snapshot.tables) {
    const placement = placed.get(name);
    if (!placement) continue;
    const own =
      placement.kind === 'environment'
        ? rows.filter((row) => row.environment_id === environmentId)
        : rows.filter((row) => idsOf.get(placement.parent)?.has(row[placement.column]) === true);
    idsOf.set(name, new Set(own.map((row) => row.id)));
    await insertRows(trx, name, own);
  }
  return { kept: true, tables: ['environments', ...placed.keys()] };
}
