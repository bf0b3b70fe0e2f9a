import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/config.js';

export interface Credentials {
  readonly organizationId: string;
  readonly environmentId: string;
  readonly clientId: string;
  /** Known only when just generated or reset; never read back from the store. */
  readonly clientSecret?: string | undefined;
}

/** An in-memory store vanishes with the process: a credentials file for it would only mislead. */
export const keepsData = (config: Config): boolean =>
  !(config.store.kind === 'sqlite' && config.store.filename === ':memory:');

/**
 * Writes the bootstrap credentials file, readable by the owner only, for a file or PostgreSQL
 * store. Returns the file written, or undefined when the store is in memory.
 */
export function writeCredentialsFile(config: Config, credentials: Required<Credentials>): string | undefined {
  if (!keepsData(config)) return undefined;
  const file = config.bootstrap.credentialsFile;
  mkdirSync(dirname(file), { recursive: true });
  const { organizationId, environmentId, clientId, clientSecret } = credentials;
  writeFileSync(
    file,
    JSON.stringify({ organizationId, environmentId, clientId, clientSecret }, null, 2) + '\n',
    { mode: 0o600 },
  );
  return file;
}

/**
 * What an operator needs to make a first call: the organization, the bootstrap worker, the token
 * URL and a curl command. Written to stdout, never through the logger: a secret shown here must
 * not reach log storage.
 */
export function credentialsBanner(
  credentials: Credentials,
  publicUrl: string,
  how: { readonly title: string; readonly savedTo?: string | undefined },
): string {
  const tokenUrl = `${publicUrl}/${credentials.environmentId}/as/token`;
  return [
    '',
    how.title + (how.savedTo ? ` (also saved to ${how.savedTo})` : ''),
    `  organization id: ${credentials.organizationId}`,
    `  environment id:  ${credentials.environmentId}`,
    `  client id:       ${credentials.clientId}`,
    ...(credentials.clientSecret ? [`  client secret:   ${credentials.clientSecret}`] : []),
    `  token URL:       ${tokenUrl}`,
    '  first call:',
    // The secret is shown once above, never twice (a terminal log is still a log).
    `    curl -s -u "${credentials.clientId}:$TESSERA_CLIENT_SECRET" -d grant_type=client_credentials ${tokenUrl}`,
    '',
  ].join('\n');
}
