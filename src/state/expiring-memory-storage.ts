import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { REDIS_STORAGE_DEFAULTS, stateKeyKind } from './redis-storage.js';
import { isUnconditional, noteStoredJson, parseStoredItem, storedJsonOf } from './stored-json.js';

export interface ExpiringMemoryStorageOptions {
  /**
   * Sliding lifetime of conversation state after its last read or write, as RedisStorage's
   * (default 1 day). The half-filled form holds personal data, so it must not stay in memory for
   * as long as the process lives. 0 = never expires.
   */
  conversationTtlSeconds?: number;
  /** Sliding lifetime of user state (default 30 days). 0 = never expires. */
  userTtlSeconds?: number;
  /** Overrides the lifetime of a key, in seconds (0 = never expires). */
  ttlFor?(key: string): number;
  /**
   * How often expired entries are swept out even when nobody reads them. Default 60 s. The timer is
   * unref'd: it never keeps the process alive. Reads never return an expired entry, swept or not.
   */
  sweepEveryMs?: number;
  /** The clock (ms since the epoch); injectable for tests. */
  now?: () => number;
}

export const EXPIRING_MEMORY_STORAGE_DEFAULTS = {
  sweepEveryMs: 60_000,
} as const;

interface Entry {
  /** The item as JSON without its eTag (as MemoryStorage keeps it: callers never share objects with the store). */
  json: string;
  eTag: string;
  /** When it expires (ms since the epoch); Infinity = never. */
  expiresAt: number;
}

/**
 * The embedded state store (one bot instance, no Redis): botbuilder's MemoryStorage semantics plus
 * the same sliding lifetimes per key kind as RedisStorage.
 * - a missing, empty or `*` eTag writes unconditionally; a stale eTag is refused with
 *   `Storage: error writing "<key>" due to eTag conflict.`; a batch is all or nothing;
 * - every write gives a new eTag (a counter, so a deleted-and-recreated key never revives an old one);
 * - reads and writes slide the entry's lifetime; an expired entry reads as absent and is dropped at
 *   once, and a timer (unref'd) sweeps the ones nobody asks for.
 */
export class ExpiringMemoryStorage implements Storage {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlSeconds: (key: string) => number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private etagCounter = 0;

  constructor(options: ExpiringMemoryStorageOptions = {}) {
    const conversation = options.conversationTtlSeconds ?? REDIS_STORAGE_DEFAULTS.conversationTtlSeconds;
    const user = options.userTtlSeconds ?? REDIS_STORAGE_DEFAULTS.userTtlSeconds;
    this.ttlSeconds = options.ttlFor?.bind(options) ?? ((key) => (stateKeyKind(key) === 'user' ? user : conversation));
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.sweep(), options.sweepEveryMs ?? EXPIRING_MEMORY_STORAGE_DEFAULTS.sweepEveryMs);
    this.timer.unref();
  }

  /** How many entries are held, expired-but-not-yet-swept ones included. */
  get size(): number {
    return this.entries.size;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const items: StoreItems = {};
    const now = this.now();
    for (const key of keys) {
      const entry = this.live(key, now);
      if (!entry) continue;
      entry.expiresAt = this.expiry(key, now);
      items[key] = parseStoredItem(entry.json, entry.eTag);
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const now = this.now();
    const keys = Object.keys(changes);
    for (const key of keys) {
      const expected = (changes[key] as StoreItem | undefined)?.eTag;
      const current = this.live(key, now);
      if (current && typeof expected === 'string' && expected !== '' && expected !== '*' && expected !== current.eTag) {
        throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      }
    }
    for (const key of keys) {
      const item = (changes[key] ?? {}) as StoreItem;
      const { eTag, ...value } = item;
      const json = JSON.stringify(value);
      // An unconditional write of what is stored already is not made (see stored-json.ts).
      if (isUnconditional(eTag) && storedJsonOf(item) === json && this.live(key, now)) continue;
      this.entries.set(key, { json, eTag: String(++this.etagCounter), expiresAt: this.expiry(key, now) });
      noteStoredJson(item, json);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    for (const key of keys) this.entries.delete(key);
  }

  /** Drops every expired entry; returns how many. The timer calls it; tests may too. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Stops the sweep timer and forgets everything (at shutdown). */
  close(): void {
    clearInterval(this.timer);
    this.entries.clear();
  }

  /** The entry if present and not expired; an expired one is dropped on the spot. */
  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private expiry(key: string, now: number): number {
    const seconds = this.ttlSeconds(key);
    return seconds > 0 ? now + seconds * 1000 : Infinity;
  }
}
