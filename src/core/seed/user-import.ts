import type { Store } from '../../db/store.js';
import type { Db } from '../../db/schema.js';
import { findEnvironment } from '../environments/environments.repository.js';
import type { Environment } from '../environments/environment.js';
import type { PasswordsService } from '../passwords/passwords.service.js';
import { DomainError, notFound } from '../shared/errors.js';
import type { JsonObject } from '../shared/json.js';
import { findUserIdByUsername } from '../users/users.repository.js';
import type { UsersService } from '../users/users.service.js';

/** One user to import; `line` is where it came from, so failures can be reported by it. */
export interface ImportedUserRow {
  readonly line: number;
  readonly username: string;
  readonly email?: string | undefined;
  readonly populationId?: string | undefined;
  /** Cleartext (checked against the policy, then hashed) or pre-encoded (`{SCHEME}…`). */
  readonly password?: string | undefined;
  readonly profile?: JsonObject | undefined;
}

export interface ImportFailure {
  readonly line: number;
  readonly reason: string;
}

export interface ImportBatchResult {
  readonly imported: number;
  readonly failed: readonly ImportFailure[];
}

/** Why a row was refused, in one line (never the password). */
function reasonOf(error: DomainError): string {
  if (error.details.length === 0) return error.message;
  return error.details.map((d) => d.message).join('; ');
}

/**
 * Bulk user import: each batch is one transaction, all or nothing. A row the core refuses (a
 * taken username, a password against the policy, an unknown population) aborts that attempt;
 * the row is recorded as failed and the batch is retried without it, so the batch's good rows
 * still commit together and a bad row never commits half a user.
 */
export function createUserImporter(deps: {
  readonly store: Store;
  readonly users: UsersService;
  readonly passwords: PasswordsService;
}) {
  const { store, users, passwords } = deps;

  class RowRefused extends Error {
    constructor(
      readonly index: number,
      readonly reason: string,
    ) {
      super(reason);
    }
  }

  async function insertRow(trx: Db, env: Environment, row: ImportedUserRow, index: number) {
    try {
      if ((await findUserIdByUsername(trx, env.id, row.username)) !== undefined)
        throw new RowRefused(index, `username ${row.username} is already taken in this environment`);
      const user = await users.insertWithin(trx, env, {
        username: row.username,
        email: row.email,
        populationId: row.populationId,
        profile: row.profile,
      });
      if (row.password !== undefined) await passwords.importWithin(trx, env, user, { value: row.password });
    } catch (error) {
      if (error instanceof RowRefused) throw error;
      if (error instanceof DomainError) throw new RowRefused(index, reasonOf(error));
      if (store.dialect.isUniqueViolation(error))
        throw new RowRefused(index, 'conflicts with an existing user (a unique value is taken)');
      throw error;
    }
  }

  /** Imports one batch of rows into the environment; returns how many committed and which failed. */
  return async function importBatch(
    environmentId: string,
    rows: readonly ImportedUserRow[],
  ): Promise<ImportBatchResult> {
    const env = await findEnvironment(store.db, environmentId);
    if (!env) throw notFound();
    const failed: ImportFailure[] = [];
    let pending = [...rows];
    while (pending.length > 0) {
      try {
        await store.transaction(async (trx) => {
          for (const [index, row] of pending.entries()) await insertRow(trx, env, row, index);
        });
        return { imported: pending.length, failed };
      } catch (error) {
        if (!(error instanceof RowRefused)) throw error;
        failed.push({ line: pending[error.index]!.line, reason: error.reason });
        pending = pending.filter((_row, i) => i !== error.index);
      }
    }
    return { imported: 0, failed };
  };
}
