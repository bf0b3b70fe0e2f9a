import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { Flow } from './flow.js';
import { inEnvironmentScope, type EnvironmentScope } from '../shared/environment-scope.js';

export interface SignonFlowsTable {
  id: string;
  environment_id: string;
  application_id: string;
  status: string;
  version: number;
  document: string;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

declare module '../../db/schema.js' {
  interface Database {
    signon_flows: SignonFlowsTable;
  }
}

/** What the engine keeps about a flow besides the public `Flow` (never a password or a code). */
export interface FlowInternals {
  /** Failed checks of usernames that cannot sign on (unknown, disabled), counted per flow. */
  readonly phantomFailures: number;
}

export interface StoredFlow {
  readonly flow: Flow;
  readonly internals: FlowInternals;
  readonly version: number;
}

type Document = Omit<
  Flow,
  'id' | 'environmentId' | 'applicationId' | 'status' | 'createdAt' | 'updatedAt' | 'expiresAt'
> &
  FlowInternals;

function toStored(row: Selectable<SignonFlowsTable>): StoredFlow {
  const doc = JSON.parse(row.document) as Document;
  const { phantomFailures, ...rest } = doc;
  return {
    flow: {
      ...rest,
      id: row.id,
      environmentId: row.environment_id,
      applicationId: row.application_id,
      status: row.status as Flow['status'],
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      expiresAt: Number(row.expires_at),
    },
    internals: { phantomFailures: phantomFailures ?? 0 },
    version: Number(row.version),
  };
}

function documentOf(flow: Flow, internals: FlowInternals): string {
  const {
    id: _id,
    environmentId: _e,
    applicationId: _a,
    status: _s,
    createdAt: _c,
    updatedAt: _u,
    expiresAt: _x,
    ...rest
  } = flow;
  return JSON.stringify({ ...rest, ...internals } satisfies Document);
}

export async function findFlow(db: Db, environmentId: string, id: string): Promise<StoredFlow | undefined> {
  const row = await db
    .selectFrom('signon_flows')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toStored(row) : undefined;
}

export async function insertFlow(db: Db, flow: Flow, internals: FlowInternals): Promise<void> {
  await db
    .insertInto('signon_flows')
    .values({
      id: flow.id,
      environment_id: flow.environmentId,
      application_id: flow.applicationId,
      status: flow.status,
      version: 1,
      document: documentOf(flow, internals),
      created_at: flow.createdAt,
      updated_at: flow.updatedAt,
      expires_at: flow.expiresAt,
    })
    .execute();
}

/** Writes the flow only if nobody changed it since `readVersion`; false when someone did. */
export async function updateFlow(
  db: Db,
  flow: Flow,
  internals: FlowInternals,
  readVersion: number,
): Promise<boolean> {
  const result = await db
    .updateTable('signon_flows')
    .set({
      status: flow.status,
      version: readVersion + 1,
      document: documentOf(flow, internals),
      updated_at: flow.updatedAt,
      expires_at: flow.expiresAt,
    })
    .where('id', '=', flow.id)
    .where('version', '=', readVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes the flow only at the version read (consume: exactly one caller wins). */
export async function deleteFlow(db: Db, id: string, readVersion: number): Promise<boolean> {
  const result = await db
    .deleteFrom('signon_flows')
    .where('id', '=', id)
    .where('version', '=', readVersion)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Deletes the flows past their expiry; answers the status of each one deleted. */
export async function deleteExpiredFlows(
  db: Db,
  now: number,
  scope?: EnvironmentScope,
): Promise<Flow['status'][]> {
  const rows = await db
    .deleteFrom('signon_flows')
    .where('expires_at', '<=', now)
    .where(inEnvironmentScope(scope))
    .returning('status')
    .execute();
  return rows.map((row) => row.status as Flow['status']);
}

/** Slides a flow's expiry without changing its state (so it never beats a real change to the version). */
export async function touchFlow(db: Db, id: string, now: number, expiresAt: number): Promise<void> {
  await db
    .updateTable('signon_flows')
    .set({ updated_at: now, expires_at: expiresAt })
    .where('id', '=', id)
    .execute();
}
