import type { TesseraInstance } from '../../src/library/index.js';
import type { TestStore } from './harness.js';

/** A database URL for the library on a private test location (PostgreSQL: its own schema). */
export function libraryDatabase(store: TestStore): string {
  if (store.kind === 'sqlite') return store.databaseUrl;
  return `${store.databaseUrl}?options=${encodeURIComponent(`-c search_path=${store.postgresSchema}`)}`;
}

export async function api(t: TesseraInstance, method: string, path: string, body?: unknown) {
  const response = await fetch(t.apiPath + path, {
    method,
    headers: {
      authorization: `Bearer ${await t.token()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();

  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), text };
}
