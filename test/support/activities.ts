/**
 * Reading the audit trail in tests: the activities matching a filter (POSTed, so ids stay out
 * of URLs), and just their action types in the order they were recorded.
 *
 *   assert.deepEqual(await activityTypes(server(), env, `resources.id eq "${id}"`), ['USER.CREATED']);
 */
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';

export interface ActivityWire {
  id: string;
  correlationId?: string;
  actors: {
    client?: { id: string; name?: string; type: string };
    user?: { id: string; name?: string; type: string; population?: { id?: string } };
  };
  action: { type: string; description: string };
  resources: Array<{ type: string; id: string; name?: string; population?: { id: string } }>;
  result: { status: string; description: string };
}

export async function activitiesWhere(
  server: TestServer,
  env: string,
  filter: string,
  token?: string,
): Promise<ActivityWire[]> {
  const res = await server.request('POST', `/v1/environments/${env}/activities`, {
    body: { filter },
    ...(token !== undefined ? { token } : {}),
  });
  assert.equal(res.status, 200, res.text);
  return res.body._embedded.activities as ActivityWire[];
}

export async function activityTypes(server: TestServer, env: string, filter: string): Promise<string[]> {
  return (await activitiesWhere(server, env, filter)).map((a) => a.action.type);
}

/** The activities the request answered by `res` recorded (by its Correlation-Id). */
export function activitiesOf(server: TestServer, env: string, res: { headers: Record<string, unknown> }) {
  return activitiesWhere(server, env, `correlationId eq "${String(res.headers['correlation-id'])}"`);
}
