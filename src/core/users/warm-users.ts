import type { Store } from '../../db/store.js';
import type { User } from './user.js';

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
  /** The write watcher's version of TABLES and the other connections' commit count, before reading. */
  readonly writes: number;
  readonly commits: number;
  /** The clock when read: the answer holds from then on, never before (a clock set back). */
  readonly since: number;
}

/**
 * Warm users on SQLite: a GET of a user read moments ago skips its statement (12–15 µs of CPU,
 * most of it the WAL lock syscalls) and the row mapping, and the face skips the serializer. An
 * entry serves only while provably fresh: no write of this process to TABLES (write watcher), no
 * commit by another connection to the file (`PRAGMA data_version`, a third of the statement's
 * cost), the clock not set back, and only answers that time cannot change: a password lockout or
 * an account lock that will expire (`secondsUntilUnlock`) is never kept. Built only on SQLite;
 * PostgreSQL is shared by processes whose commits no cheap check sees. Authorization is not
 * kept: the caller authorizes every read.
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
    private readonly commitsByOthers: () => number | undefined,
    private readonly limit: number,
  ) {}

  static forStore(store: Store, limit = WARM_USERS): WarmUsers | undefined {
    const commits = store.dialect.commitsByOthers;
    return commits ? new WarmUsers(store, commits, limit) : undefined;
  }

  /** The kept read of user `id` of the environment at `now`, if nothing it depends on may have changed. */
  peek(environmentId: string, id: string, now: number): UserRead | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.warm.user.environmentId !== environmentId || now < entry.since) return undefined;
    if (entry.writes !== this.store.writes.version(TABLES) || entry.commits !== this.commitsByOthers())
      return undefined;
    return entry.warm;
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

  /** Reads the user with `read` and keeps the answer when it cannot go stale unseen. */
  async load(
    id: string,
    now: number,
    read: () => Promise<Omit<UserRead, 'warm'> | undefined>,
  ): Promise<UserRead | undefined> {
    if (!this.readBefore(id)) {
      const found = await read();
      return found && { ...found, warm: false };
    }
    // Versions taken before the read: a change during it makes the entry miss, never serve stale.
    const writes = this.store.writes.version(TABLES);
    const commits = this.commitsByOthers();
    const found = await read();
    if (!found) return undefined;
    const result: UserRead = { ...found, warm: false };
    if (commits !== undefined && writes === this.store.writes.version(TABLES) && timeless(found, now)) {
      if (this.entries.size >= this.limit && !this.entries.has(id))
        this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { warm: { ...found, warm: true }, writes, commits, since: now });
    }
    return result;
  }
}

/**
 * True when the answer stays the same at every later instant: no password lockout (whose end
 * the read does not report) and no account lock that ends (`status` and `secondsUntilUnlock`
 * change with time). A lockout or lock that has already ended, or a lock without an end, stays as is.
 */
function timeless({ user, passwordLockedOut }: Omit<UserRead, 'warm'>, now: number): boolean {
  if (passwordLockedOut) return false;
  const { locked, unlockAt } = user.account;
  return !(locked && unlockAt !== undefined && unlockAt > now);
}
