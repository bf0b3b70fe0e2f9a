import { execFile } from 'node:child_process';
import { LIBRARY_BOOTSTRAP, type TesseraInstance } from '../../src/library/index.js';
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

/** The status of a password check (200 right, 400 wrong) of a user of an instance. */
export async function passwordCheckStatus(t: TesseraInstance, env: string, userId: string, password: string) {
  const response = await fetch(`${t.apiPath}/environments/${env}/users/${userId}/password`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await t.token()}`,
      'content-type': 'application/vnd.pingidentity.password.check+json',
    },
    body: JSON.stringify({ password }),
  });
  return response.status;
}

/**
 * The real CLI (from source), as a user runs it, against `database` with the library's bootstrap;
 * resolves with its exit code and output, whatever the code.
 */
export function runCli(args: string[], database: string, dataDir: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: database,
          TESSERA_DATA_DIR: dataDir,
          TESSERA_BOOTSTRAP_ENVIRONMENT_ID: LIBRARY_BOOTSTRAP.environmentId,
          TESSERA_BOOTSTRAP_CLIENT_ID: LIBRARY_BOOTSTRAP.clientId,
          TESSERA_BOOTSTRAP_CLIENT_SECRET: LIBRARY_BOOTSTRAP.clientSecret,
          LOG_LEVEL: 'warn',
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
