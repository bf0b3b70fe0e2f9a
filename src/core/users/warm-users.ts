import type { Store } from '../../db/store.js';
import type { User } from './user.js';
import { findUserVersion, findUserVersioned } from './user-versions.repository.js';
import { findUserWithLockout } from './users.repository.js';

/** A user as `GET /users/{id}` answers it: the row and whether its password is locked out now. */
export interface UserRead {
  readonly user: User;
  readonly passwordLockedOut: boolean;
  /**
   * True when this very object was kept and is being handed out again (WarmUsers), as it will be
   * for as long as the answer holds: a face may keep what it derives from it (its response
   * bytes) keyed by the object itself. False on the read that fetched it.
   */
  readonly warm: boolean;
}

/**
 * Tables a user's answer is read from: the row, and the password record whose lockout sets
 * `account.canAuthenticate`. Deleting an environment cascades to both; the environment itself is
 * checked on every request anyway.
 */
const TABLES = ['users', 'user_passwords'] as const;

/** Users kept at most (with a face's bytes, about 5 KB each); the oldest goes first. */
const WARM_USERS = 4096;
/** Slots of the fingerprints of users read once lately (64 KiB; a power of two). */
const SEEN_SLOTS = 16_384;

interface Entry {
  /** What a hit hands out (the same object every time). */
  readonly warm: UserRead;
  /** SQLite: the write watcher's version of TABLES and the other connections' commit count, before reading. */
  readonly writes: number;
  readonly commits: number | undefined;
  /** PostgreSQL: the row's version in the read (`rowVersion`). */
  readonly version: string | undefined;
  /** The clock when read: the answer holds from then on, never before (a clock set back). */
  readonly since: number;
}

type Found = Omit<UserRead, 'warm'>;

/**
 * Warm users: a GET of a user read moments ago skips the row's transfer and mapping, and the face
 * skips the serializer. Only answers that time cannot change are kept: a password lockout or an
 * account lock that will expire (`secondsUntilUnlock`) never is, nor is an answer read before
 * the clock was set back. Authorization is not kept: the caller authorizes every read.
 *
 * - SQLite: a kept answer serves without any statement (the read costs 12–15 µs of CPU, most of
 *   it the WAL lock syscalls) while provably fresh: no write of this process to TABLES (write
 *   watcher), no commit by another connection to the file (`PRAGMA data_version`, a third of
 *   the statement's cost).
 * - PostgreSQL: processes share the database and no cheap check sees their commits, so every
 *   GET still asks it, with a statement that answers only the row's version (any write to the
 *   row changes it, whoever writes) and the password lockout at `now`; when both are as kept,
 *   the kept answer serves. When they differ, the row is read again (a second round trip).
 */
export class WarmUsers {
  private readonly entries = new Map<string, Entry>();
  /**
   * A fingerprint of each user read lately, so that a user is kept from its second read on: GETs
   * over ever-new users (a scan of a million) then cost one hash each, not a `data_version` call,
   * an entry and its bytes that survive long enough to be promoted and collected as old objects
   * (measured: without this, a GET over 6,000 users in turn cost 17% more CPU than no cache).
   */
  private readonly seen = new Uint32Array(SEEN_SLOTS);

  private constructor(
    private readonly store: Store,
    /** SQLite's proof of other connections' commits; undefined on PostgreSQL (row versions). */
    private readonly commitsByOthers: (() => number | undefined) | undefined,
    private readonly limit: number,
  ) {}

  static forStore(store: Store, limit = WARM_USERS): WarmUsers | undefined {
    const { commitsByOthers, rowVersions } = store.dialect;
    return commitsByOthers || rowVersions ? new WarmUsers(store, commitsByOthers, limit) : undefined;
  }

  /**
   * SQLite: the kept read of user `id` of the environment at `now`, if nothing it depends on may
   * have changed. PostgreSQL: always undefined (`load` asks the database).
   */
  peek(environmentId: string, id: string, now: number): UserRead | undefined {
    if (!this.commitsByOthers) return undefined;
    const entry = this.entries.get(id);
    if (!entry || entry.warm.user.environmentId !== environmentId || now < entry.since) return undefined;
    if (entry.writes !== this.store.writes.version(TABLES) || entry.commits !== this.commitsByOthers())
      return undefined;
    return entry.warm;
  }

  /** The answer for user `id` of the environment at `now`: read, or kept and checked (PostgreSQL). */
  async load(environmentId: string, id: string, now: number): Promise<UserRead | undefined> {
    return this.commitsByOthers
      ? this.loadProven(this.commitsByOthers, environmentId, id, now)
      : this.loadValidated(environmentId, id, now);
  }

  /** True when `id` was read lately (a fingerprint collision only keeps a user one read early). */
  private readBefore(id: string): boolean {
    // FNV-1a over the UTF-16 units; never 0, so an empty slot matches nothing.
    let hash = 0x811c9dc5;
    for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    hash = (hash | 1) >>> 0;
    const slot = hash & (SEEN_SLOTS - 1);
    if (this.seen[slot] === hash) return true;
    this.seen[slot] = hash;
    return false;
  }

  /** SQLite: reads the user and keeps the answer when it cannot go stale unseen. */
  private async loadProven(
    commitsByOthers: () => number | undefined,
    environmentId: string,
    id: string,
    now: number,
  ): Promise<UserRead | undefined> {
    const read = () => findUserWithLockout(this.store.db, environmentId, id, now);
    if (!this.readBefore(id)) return cold(await read());
    // Versions taken before the read: a change during it makes the entry miss, never serve stale.
    const writes = this.store.writes.version(TABLES);
    const commits = commitsByOthers();
    const found = await read();
    if (found && commits !== undefined && writes === this.store.writes.version(TABLES))
      this.keep(id, found, now, writes, commits, undefined);
    return cold(found);
  }

  /** PostgreSQL: serves the kept answer when the row's version and lockout are as kept, else reads it. */
  private async loadValidated(environmentId: string, id: string, now: number): Promise<UserRead | undefined> {
    const { db } = this.store;
    const entry = this.entries.get(id);
    // The statement reads the user of this environment only: another's id answers not found.
    if (entry && now >= entry.since) {
      const current = await findUserVersion(db, environmentId, id, now);
      if (!current) {
        this.entries.delete(id);
        return undefined;
      }
      if (current.version === entry.version && current.passwordLockedOut === entry.warm.passwordLockedOut)
        return entry.warm;
    } else if (!this.readBefore(id)) return cold(await findUserWithLockout(db, environmentId, id, now));
    // The row, its lockout and its version come from one statement: the version is the answer's.
    const found = await findUserVersioned(db, environmentId, id, now);
    if (found) this.keep(id, found, now, 0, undefined, found.version);
    return cold(found && { user: found.user, passwordLockedOut: found.passwordLockedOut });
  }

  /** Keeps `found` as read at `now` if time cannot change it (else forgets what was kept). */
  private keep(
    id: string,
    found: Found,
    now: number,
    writes: number,
    commits: number | undefined,
    version: string | undefined,
  ): void {
    if (!timeless(found, now)) {
      this.entries.delete(id);
      return;
    }
    if (this.entries.size >= this.limit && !this.entries.has(id))
      this.entries.delete(this.entries.keys().next().value!);
    const warm = { user: found.user, passwordLockedOut: found.passwordLockedOut, warm: true };
    this.entries.set(id, { warm, writes, commits, version, since: now });
  }
}

/** A read handed out once: not kept, so a face must not keep what it derives from it. */
const cold = (found: Found | undefined): UserRead | undefined => found && { ...found, warm: false };

/**
 * True when the answer stays the same at every later instant: no password lockout (whose end
 * the read does not report) and no account lock that ends (`status` and `secondsUntilUnlock`
 * change with time). A lockout or lock that has already ended, or a lock without an end, stays as is.
 */
function timeless({ user, passwordLockedOut }: Found, now: number): boolean {
  if (passwordLockedOut) return false;
  const { locked, unlockAt } = user.account;
  return !(locked && unlockAt !== undefined && unlockAt > now);
}
