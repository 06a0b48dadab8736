import type { RedisClient } from '../state/redis-client.js';

/**
 * What the identity check keeps between messages, shared by every instance: one-time codes (hashed, with
 * their expiry), failed attempts counted in a window, and lockouts that expire. Keys are opaque strings
 * made by the identity check (hashes and references, never a phone or an ID number).
 */
export interface IdentityStore {
  /** Keeps `value` under `key` for `ttlMs`, replacing what was there. */
  put(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  /**
   * Adds `by` (default 1; -1 gives one back) to the counter at `key` (which lives `windowMs` from its first
   * count) in one atomic step; resolves with the new count, so that callers at the same moment get different counts.
   */
  increment(key: string, windowMs: number, by?: number): Promise<number>;
  /** How many milliseconds `key` still lives; 0 when it does not exist. */
  remainingMs(key: string): Promise<number>;
  close?(): Promise<void>;
}

/** The embedded default (no REDIS_URL): one process only, entries dropped once they expire. */
export class MemoryIdentityStore implements IdentityStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): { value: string; expiresAt: number } | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    this.sweep();
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, windowMs: number, by = 1): Promise<number> {
    const entry = this.live(key);
    const count = (entry ? Number(entry.value) : 0) + by;
    this.entries.set(key, { value: String(count), expiresAt: entry?.expiresAt ?? this.now() + windowMs });
    return count;
  }

  async remainingMs(key: string): Promise<number> {
    const entry = this.live(key);
    return entry ? entry.expiresAt - this.now() : 0;
  }

  /** Drops expired entries now and then, so an idle process does not keep them. */
  private sweep(): void {
    if (this.entries.size < 1_000) return;
    for (const key of [...this.entries.keys()]) this.live(key);
  }
}

/** Redis (REDIS_URL): every instance sees the same codes, counts and lockouts. One key per entry, with its own expiry. */
export class RedisIdentityStore implements IdentityStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.prefix + key)) ?? undefined;
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  async increment(key: string, windowMs: number, by = 1): Promise<number> {
    const k = this.prefix + key;
    const count = await this.client.incrby(k, by);
    // The window starts with the first failure (NX: a later count does not extend it).
    if (count === 1) await this.client.pexpire(k, Math.max(1, Math.round(windowMs)));
    else if ((await this.client.pttl(k)) < 0) await this.client.pexpire(k, Math.max(1, Math.round(windowMs)));
    return count;
  }

  async remainingMs(key: string): Promise<number> {
    const ttl = await this.client.pttl(this.prefix + key);
    return ttl > 0 ? ttl : 0;
  }
}
