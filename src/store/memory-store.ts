// The in-memory key/value engine behind the embedded store: used by the store host (cluster primary or
// daemon) and by the runtime when an app runs alone under plain node. Kept free of IPC and of any role's
// code so both can share it. Values are canonical JSON text; every operation completes synchronously,
// which is what makes incr and cas atomic: the host runs one request at a time on its event loop.
import { ShoalError } from '../errors.js';

interface Entry {
  value: string;
  /** Absolute wall-clock time (ms), so expiry survives a snapshot and a restart; null: never. */
  expiresAt: number | null;
}

/** One entry as written to and read from a snapshot: [key, value, expiresAt]. */
export type SnapshotEntry = [string, string, number | null];

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

export class MemoryStore {
  private readonly data = new Map<string, Entry>();
  /** Bumped by every write, so a snapshot writer knows whether there is anything new. */
  version = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.data.size;
  }

  get(key: string): string | null {
    return this.live(key)?.value ?? null;
  }

  set(key: string, value: string, ttl?: number): void {
    // Like Redis SET: a set without ttl makes the key permanent.
    this.data.set(key, { value, expiresAt: ttl ? this.now() + ttl : null });
    this.version++;
  }

  del(key: string): boolean {
    const existed = this.live(key) !== undefined;
    this.data.delete(key);
    if (existed) this.version++;
    return existed;
  }

  /** Adds `by` to an integer value (absent counts as 0); ttl applies only when the key is created. */
  incr(key: string, by: number, ttl?: number): number {
    const entry = this.live(key);
    if (!entry) {
      this.set(key, String(by), ttl);
      return by;
    }
    const current = INTEGER.test(entry.value) ? Number(entry.value) : Number.NaN;
    if (!Number.isSafeInteger(current)) {
      throw new ShoalError(
        'SHOAL_ERR_STORE_TYPE',
        `Cannot increment "${key}": it holds ${preview(entry.value)}, not an integer. Use a key of its own for counters.`,
        { key },
      );
    }
    const next = current + by;
    if (!Number.isSafeInteger(next)) {
      throw new ShoalError(
        'SHOAL_ERR_STORE_TYPE',
        `Cannot increment "${key}" by ${by}: the result leaves the safe integer range (±2^53).`,
        { key },
      );
    }
    entry.value = String(next);
    this.version++;
    return next;
  }

  /**
   * Replaces the value only if it is still `expected` (null: absent); `next` null deletes. Without ttl the
   * key keeps its current expiry (cas changes the value, not its lifetime).
   */
  cas(key: string, expected: string | null, next: string | null, ttl?: number): boolean {
    const entry = this.live(key);
    if ((entry?.value ?? null) !== expected) return false;
    if (next === null) {
      if (entry) this.del(key);
      return true;
    }
    if (ttl || !entry) this.set(key, next, ttl);
    else {
      entry.value = next;
      this.version++;
    }
    return true;
  }

  expire(key: string, ttl: number): boolean {
    const entry = this.live(key);
    if (!entry) return false;
    entry.expiresAt = this.now() + ttl;
    this.version++;
    return true;
  }

  /** Live keys starting with prefix, sorted. Costs one pass over the store: not for hot paths. */
  keys(prefix: string): string[] {
    const out: string[] = [];
    const now = this.now();
    for (const [key, entry] of this.data) {
      // Deleting the entry being visited is safe in a Map iteration.
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.data.delete(key);
      else if (key.startsWith(prefix)) out.push(key);
    }
    return out.sort();
  }

  /** Removes expired entries; lazy expiry alone would keep keys nobody reads again forever. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const [key, entry] of this.data) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) {
        this.data.delete(key);
        removed++;
      }
    }
    return removed;
  }

  snapshot(): SnapshotEntry[] {
    const now = this.now();
    const out: SnapshotEntry[] = [];
    for (const [key, e] of this.data)
      if (e.expiresAt === null || e.expiresAt > now) out.push([key, e.value, e.expiresAt]);
    return out;
  }

  /** Loads entries from a snapshot, skipping those that expired while nobody was running. */
  restore(entries: SnapshotEntry[]): number {
    const now = this.now();
    let loaded = 0;
    for (const [key, value, expiresAt] of entries) {
      if (expiresAt !== null && expiresAt <= now) continue;
      this.data.set(key, { value, expiresAt });
      loaded++;
    }
    return loaded;
  }

  private live(key: string): Entry | undefined {
    const entry = this.data.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return entry;
  }
}

function preview(json: string): string {
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}
