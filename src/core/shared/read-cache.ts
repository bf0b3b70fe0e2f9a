import { performance } from 'node:perf_hooks';
import type { WriteWatcher } from '../../db/write-watcher.js';

export interface ReadCacheOptions {
  /** How long an entry may serve reads; 0 turns the cache off. */
  readonly ttlMs: number;
  /** Entries are dropped as soon as this process writes to one of these tables. */
  readonly tables: readonly string[];
  readonly writes: WriteWatcher;
  /** Entries kept at most; the cache is cleared when it is full. */
  readonly limit?: number;
}

interface Entry<T> {
  readonly value: T;
  readonly version: number;
  readonly expiresAt: number;
}

/**
 * A short-lived cache for hot reads that change rarely. A write through this process drops the
 * entries at once; writes by another process sharing the PostgreSQL store are seen within
 * `ttlMs`. The TTL runs on the monotonic clock, not the domain clock: it bounds staleness in
 * real time even when tests freeze domain time.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly options: ReadCacheOptions) {}

  /** The entry's value while it may still serve reads, else undefined (no load, no promise). */
  peek(key: string): T | undefined {
    const { ttlMs, tables, writes } = this.options;
    if (ttlMs <= 0) return undefined;
    const entry = this.entries.get(key);
    if (entry && entry.version === writes.version(tables) && entry.expiresAt > performance.now())
      return entry.value;
    return undefined;
  }

  /** The write version to hand to `keep` for a value read outside `get` (read it before reading). */
  version(): number {
    return this.options.writes.version(this.options.tables);
  }

  /** Keeps `value`, read after `version()` gave `version`, unless a write came meanwhile. */
  keep(key: string, value: T, version: number): void {
    const { ttlMs, limit = 10_000 } = this.options;
    if (ttlMs <= 0 || this.version() !== version) return;
    if (this.entries.size >= limit) this.entries.clear();
    this.entries.set(key, { value, version, expiresAt: performance.now() + ttlMs });
  }

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const { ttlMs, tables, writes, limit = 10_000 } = this.options;
    if (ttlMs <= 0) return load();
    const version = writes.version(tables);
    const now = performance.now();
    const entry = this.entries.get(key);
    if (entry && entry.version === version && entry.expiresAt > now) return entry.value;
    const value = await load();
    // A write that happened while loading makes the value suspect: serve it, do not keep it.
    if (writes.version(tables) === version) {
      if (this.entries.size >= limit) this.entries.clear();
      this.entries.set(key, { value, version, expiresAt: now + ttlMs });
    }
    return value;
  }
}
