import type { Store } from '../../db/store.js';
import { refreshPlannerStatistics } from '../../db/dialect.js';
import type { Db } from '../../db/schema.js';
import { recordActivities } from '../activities/activities.repository.js';
import { findEnvironment } from '../environments/environments.repository.js';
import type { Environment } from '../environments/environment.js';
import { parseEncoded } from '../passwords/encodings.js';
import { passwordActivityInputs } from '../passwords/password-activities.js';
import { withNewHash } from '../passwords/password-state.js';
import { emptyRecord, insertRecords } from '../passwords/passwords.repository.js';
import type { PasswordsService } from '../passwords/passwords.service.js';
import type { Population } from '../populations/population.js';
import { findDefaultPopulation, findPopulation } from '../populations/populations.repository.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, notFound } from '../shared/errors.js';
import type { JsonObject } from '../shared/json.js';
import { newUserRecord } from '../users/user-writes.js';
import { findUserIdByUsername, insertUsers } from '../users/users.repository.js';
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

/** The pre-encoded hash of a row, undefined without a password; null when it needs the slow path. */
function preEncoded(row: ImportedUserRow): string | undefined | null {
  if (row.password === undefined) return undefined;
  try {
    return parseEncoded(row.password)?.value ?? null; // cleartext: policy check and argon2id
  } catch {
    return null; // malformed: the slow path reports it on its line
  }
}

/** Thrown inside the fast path's transaction to roll it back and take the row-by-row path. */
class SlowPath extends Error {}

/**
 * Bulk user import: each batch is one transaction, all or nothing.
 *
 * Fast path: a batch whose passwords are all pre-encoded (or absent) is written with multi-row
 * INSERTs (users, password records, their `PASSWORD.SET` activities), its populations read once.
 * It writes what the row-by-row path writes. Any refusal (a taken username, an unknown population,
 * a malformed hash) rolls it back, and the batch goes through the row-by-row path, which finds
 * the bad rows: a row the core refuses aborts that attempt; the row is recorded as failed and the
 * batch is retried without it, so the batch's good rows still commit together and a bad row
 * never commits half a user.
 */
export function createUserImporter(deps: {
  readonly store: Store;
  readonly clock: Clock;
  readonly users: UsersService;
  readonly passwords: PasswordsService;
}) {
  const { store, clock, users, passwords } = deps;

  /** The fast path; false when the batch needs the row-by-row path (nothing was written). */
  async function fastBatch(environmentId: string, rows: readonly ImportedUserRow[]): Promise<boolean> {
    const hashes = rows.map(preEncoded);
    if (hashes.includes(null)) return false;
    try {
      await store.transaction(async (trx) => {
        const env = await environmentWithin(trx, environmentId);
        const populations = new Map<string, Population | undefined>();
        const populationOf = async (id: string | undefined) => {
          const key = id ?? '';
          if (!populations.has(key))
            populations.set(
              key,
              id ? await findPopulation(trx, env.id, id) : await findDefaultPopulation(trx, env.id),
            );
          const population = populations.get(key);
          if (!population) throw new SlowPath();
          return population;
        };
        const now = clock.now();
        const made = [];
        for (const row of rows) {
          const population = await populationOf(row.populationId);
          made.push(
            newUserRecord(
              env,
              population.id,
              { username: row.username, email: row.email, profile: row.profile },
              now,
            ),
          );
        }
        await insertUsers(trx, made);
        const changes = made.flatMap((user, i) => {
          const hash = hashes[i];
          if (hash === undefined || hash === null) return [];
          const before = emptyRecord(user.id, env.id);
          return [
            {
              user,
              before,
              after: withNewHash(before, hash, false, now),
              types: ['PASSWORD.SET' as const],
              actor: undefined,
            },
          ];
        });
        await insertRecords(
          trx,
          changes.map((c) => c.after),
          now,
        );
        await recordActivities(trx, now, changes.flatMap(passwordActivityInputs));
      });
      return true;
    } catch (error) {
      if (error instanceof SlowPath || store.dialect.isUniqueViolation(error)) return false;
      if (error instanceof DomainError && error.kind !== 'not_found') return false;
      throw error;
    }
  }

  async function environmentWithin(trx: Db, environmentId: string): Promise<Environment> {
    const env = await findEnvironment(trx, environmentId);
    if (!env) throw notFound();
    return env;
  }

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

  /**
   * Imports one batch of rows into the environment; returns how many committed and which failed.
   * Everything it reads is read inside its transactions (never on `store.db`), so several batches
   * in flight at once can share one SQLite COMMIT (group commit, each in its own savepoint).
   */
  return async function importBatch(
    environmentId: string,
    rows: readonly ImportedUserRow[],
  ): Promise<ImportBatchResult> {
    if (await fastBatch(environmentId, rows)) return { imported: rows.length, failed: [] };
    const failed: ImportFailure[] = [];
    let pending = [...rows];
    while (pending.length > 0) {
      try {
        await store.transaction(async (trx) => {
          const env = await environmentWithin(trx, environmentId);
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

/** After an import: the planner learns of the new rows (PostgreSQL; see refreshPlannerStatistics). */
export function refreshImportStatistics(store: Store): () => Promise<void> {
  return () =>
    refreshPlannerStatistics(store.db, ['users', 'user_passwords', 'activities', 'activity_resources']);
}
