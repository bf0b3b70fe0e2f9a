import type { Selectable } from 'kysely';
import { prepareQuery, prepareWrite } from '../../db/prepared.js';
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

// Each step of a sign-on reads and writes its flow: these statements are built and compiled once
// (prepared.ts), not by Kysely on every request.
const selectFlow = prepareQuery(2, (db: Db, environmentId: string, id: string) =>
  db.selectFrom('signon_flows').selectAll().where('environment_id', '=', environmentId).where('id', '=', id),
);

export async function findFlow(db: Db, environmentId: string, id: string): Promise<StoredFlow | undefined> {
  const row = (await selectFlow(db, environmentId, id))[0];
  return row ? toStored(row) : undefined;
}

const insertFlowRow = prepareWrite(
  8,
  (db: Db, ...v: [string, string, string, string, string, number, number, number]) =>
    db.insertInto('signon_flows').values({
      id: v[0],
      environment_id: v[1],
      application_id: v[2],
      status: v[3],
      version: 1,
      document: v[4],
      created_at: v[5],
      updated_at: v[6],
      expires_at: v[7],
    }),
);

export async function insertFlow(db: Db, flow: Flow, internals: FlowInternals): Promise<void> {
  await insertFlowRow(
    db,
    flow.id,
    flow.environmentId,
    flow.applicationId,
    flow.status,
    documentOf(flow, internals),
    flow.createdAt,
    flow.updatedAt,
    flow.expiresAt,
  );
}

const updateFlowRow = prepareWrite(
  7,
  (db: Db, ...v: [string, number, string, number, number, string, number]) =>
    db
      .updateTable('signon_flows')
      .set({ status: v[0], version: v[1], document: v[2], updated_at: v[3], expires_at: v[4] })
      .where('id', '=', v[5])
      .where('version', '=', v[6]),
);

/** Writes the flow only if nobody changed it since `readVersion`; false when someone did. */
export async function updateFlow(
  db: Db,
  flow: Flow,
  internals: FlowInternals,
  readVersion: number,
): Promise<boolean> {
  const changed = await updateFlowRow(
    db,
    flow.status,
    readVersion + 1,
    documentOf(flow, internals),
    flow.updatedAt,
    flow.expiresAt,
    flow.id,
    readVersion,
  );
  return changed === 1;
}

const deleteFlowRow = prepareWrite(2, (db: Db, id: string, readVersion: number) =>
  db.deleteFrom('signon_flows').where('id', '=', id).where('version', '=', readVersion),
);

/** Deletes the flow only at the version read (consume: exactly one caller wins). */
export async function deleteFlow(db: Db, id: string, readVersion: number): Promise<boolean> {
  return (await deleteFlowRow(db, id, readVersion)) === 1;
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
