import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import { isJsonObject, type JsonObject } from '../shared/json.js';
import type { SignOnPolicyActionsTable } from './sign-on-policies.repository.js';
import type { ActionType, LoginSettings, SignOnPolicyAction } from './sign-on-policy.js';

/**
 * The stored document of an action. Migration 0006 writes this format for Single_Factor, so a
 * change here must keep reading it.
 */
interface StoredDocument {
  condition?: JsonObject;
  login: LoginSettings;
}

const toAction = (row: Selectable<SignOnPolicyActionsTable>): SignOnPolicyAction => {
  const document = JSON.parse(row.document) as StoredDocument;
  return {
    id: row.id,
    environmentId: row.environment_id,
    policyId: row.policy_id,
    type: row.type as ActionType,
    priority: row.priority,
    condition: isJsonObject(document.condition) ? document.condition : undefined,
    login: document.login,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

const documentOf = (action: SignOnPolicyAction): string =>
  JSON.stringify({
    ...(action.condition !== undefined ? { condition: action.condition } : {}),
    login: action.login,
  } satisfies StoredDocument);

export async function findAction(
  db: Db,
  policyId: string,
  id: string,
): Promise<SignOnPolicyAction | undefined> {
  const row = await db
    .selectFrom('sign_on_policy_actions')
    .selectAll()
    .where('policy_id', '=', policyId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAction(row) : undefined;
}

/** The actions of one policy, lowest priority number (first to run) first. */
export async function listActions(db: Db, policyId: string): Promise<SignOnPolicyAction[]> {
  const rows = await db
    .selectFrom('sign_on_policy_actions')
    .selectAll()
    .where('policy_id', '=', policyId)
    .orderBy('priority')
    .execute();
  return rows.map(toAction);
}

/** The first LOGIN action of each given policy. */
export async function firstLoginActions(
  db: Db,
  policyIds: readonly string[],
): Promise<Map<string, SignOnPolicyAction>> {
  if (policyIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sign_on_policy_actions')
    .selectAll()
    .where('policy_id', 'in', policyIds)
    .where('type', '=', 'LOGIN')
    .orderBy('policy_id')
    .orderBy('priority')
    .execute();
  const first = new Map<string, SignOnPolicyAction>();
  for (const row of rows) if (!first.has(row.policy_id)) first.set(row.policy_id, toAction(row));
  return first;
}

export async function countActions(db: Db, policyId: string): Promise<number> {
  const row = await db
    .selectFrom('sign_on_policy_actions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('policy_id', '=', policyId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insertAction(db: Db, action: SignOnPolicyAction): Promise<void> {
  await db
    .insertInto('sign_on_policy_actions')
    .values({
      id: action.id,
      environment_id: action.environmentId,
      policy_id: action.policyId,
      type: action.type,
      priority: action.priority,
      document: documentOf(action),
      created_at: action.createdAt,
      updated_at: action.updatedAt,
    })
    .execute();
}

export async function updateAction(db: Db, action: SignOnPolicyAction): Promise<void> {
  await db
    .updateTable('sign_on_policy_actions')
    .set({
      type: action.type,
      priority: action.priority,
      document: documentOf(action),
      updated_at: action.updatedAt,
    })
    .where('id', '=', action.id)
    .execute();
}

export async function deleteAction(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sign_on_policy_actions').where('id', '=', id).execute();
}
