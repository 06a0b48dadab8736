import { randomBytes } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { guarded } from './errors.js';
import { isCluster, script, whenReady, type RedisClient } from './redis-client.js';

export interface RedisStorageOptions {
  /** Prepended to every key. Default `beian:state:`. */
  prefix?: string;
  /**
   * Sliding lifetime of conversation state (`{channelId}/conversations/…`) after its last read or
   * write. Default 1 day: conversation state holds the half-filled form (ID number, phone, names),
   * which must not outlive the conversation; a person who pauses for a day starts the form again.
   * 0 = never expires.
   */
  conversationTtlSeconds?: number;
  /**
   * Sliding lifetime of user state (`{channelId}/users/…`). Default 30 days. User state is meant for
   * preferences (locale, insured region), never personal data. 0 = never expires.
   */
  userTtlSeconds?: number;
  /** Overrides the lifetime of a key, in seconds (0 = never expires). */
  ttlFor?(key: string): number;
  /** How long an operation waits for a (re)connecting client before failing. Default 1000 ms. */
  readyWaitMs?: number;
}

export const REDIS_STORAGE_DEFAULTS = {
  prefix: 'beian:state:',
  conversationTtlSeconds: 24 * 60 * 60,
  userTtlSeconds: 30 * 24 * 60 * 60,
  readyWaitMs: 1000,
} as const;

export type StateKeyKind = 'conversation' | 'user' | 'other';

/** Which kind of botbuilder state a key holds: `{channelId}/conversations/…` or `{channelId}/users/…`. */
export function stateKeyKind(key: string): StateKeyKind {
  const rest = key.slice(key.indexOf('/') + 1);
  if (key.includes('/') && rest.startsWith('conversations/')) return 'conversation';
  if (key.includes('/') && rest.startsWith('users/')) return 'user';
  return 'other';
}

/**
 * Reads keys and slides their lifetime in the same step. Returns [value, eTag] pairs, false for absent.
 * ARGV[i] is the lifetime of KEYS[i] in ms (0 = leave as is).
 */
const READ_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('HMGET', key, 'v', 'e')
  out[2 * i - 1] = v[1]
  out[2 * i] = v[2]
  local ttl = tonumber(ARGV[i])
  if v[1] and ttl > 0 then redis.call('PEXPIRE', key, ttl) end
end
return out
`;

/**
 * Compare-and-set of a batch, all or nothing. ARGV holds 4 values per key: expected eTag ('' means
 * unconditional), new eTag, JSON value, lifetime in ms (0 = none). Returns 0 when written, else the
 * 1-based index of the first key whose stored eTag differs from the expected one.
 */
const WRITE_LUA = `
for i, key in ipairs(KEYS) do
  local expected = ARGV[4 * i - 3]
  if expected ~= '' then
    local current = redis.call('HGET', key, 'e')
    if current and current ~= expected then return i end
  end
end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'v', ARGV[4 * i - 1], 'e', ARGV[4 * i - 2])
  local ttl = tonumber(ARGV[4 * i])
  if ttl > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('PERSIST', key) end
end
return 0
`;

/**
 * botbuilder Storage on Redis with MemoryStorage's eTag semantics:
 * - a missing eTag or `*` writes unconditionally; a stale eTag is refused atomically (Lua
 *   compare-and-set) with `Storage: error writing "<key>" due to eTag conflict.`;
 * - every write stores a fresh eTag (random, so a deleted-and-recreated key never revives an old one);
 * - each call is one round trip: a batch write is one script and is all-or-nothing (on Cluster,
 *   where keys of a batch live on different slots, one script per key is sent at once: each key is
 *   atomic on its own, as in MemoryStorage);
 * - conversation and user keys get separate sliding lifetimes, refreshed by reads and writes.
 * Connection faults surface as StoreUnavailableError. Values are stored as a hash {v: JSON, e: eTag}.
 */
export class RedisStorage implements Storage {
  private readonly prefix: string;
  private readonly readyWaitMs: number;
  private readonly ttlSeconds: (key: string) => number;
  private readonly readScript: (keys: string[], args: (string | number)[]) => Promise<(string | null)[]>;
  private readonly writeScript: (keys: string[], args: (string | number)[]) => Promise<number>;

  constructor(
    private readonly client: RedisClient,
    options: RedisStorageOptions = {},
  ) {
    this.prefix = options.prefix ?? REDIS_STORAGE_DEFAULTS.prefix;
    this.readyWaitMs = options.readyWaitMs ?? REDIS_STORAGE_DEFAULTS.readyWaitMs;
    const conversation = options.conversationTtlSeconds ?? REDIS_STORAGE_DEFAULTS.conversationTtlSeconds;
    const user = options.userTtlSeconds ?? REDIS_STORAGE_DEFAULTS.userTtlSeconds;
    this.ttlSeconds =
      options.ttlFor?.bind(options) ?? ((key) => (stateKeyKind(key) === 'user' ? user : conversation));
    this.readScript = script(client, 'beianStateRead', READ_LUA);
    this.writeScript = script(client, 'beianStateWrite', WRITE_LUA);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    await this.ready('read');
    const replies = await guarded('read', () =>
      Promise.all(this.batches(keys).map((batch) => this.readScript(batch.map((k) => this.prefix + k), batch.map((k) => this.ttlMs(k))))),
    );
    this.batches(keys).forEach((batch, b) => {
      const reply = replies[b]!;
      batch.forEach((key, i) => {
        const value = reply[2 * i];
        if (typeof value === 'string') items[key] = { ...(JSON.parse(value) as StoreItem), eTag: reply[2 * i + 1] ?? undefined };
      });
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    await this.ready('write');
    const conflicts = await guarded('write', () =>
      Promise.all(
        this.batches(keys).map(async (batch) => {
          const args: (string | number)[] = [];
          for (const key of batch) {
            const { eTag, ...value } = (changes[key] ?? {}) as StoreItem;
            const expected = typeof eTag === 'string' && eTag !== '*' ? eTag : '';
            args.push(expected, newETag(), JSON.stringify(value), this.ttlMs(key));
          }
          const conflict = await this.writeScript(batch.map((k) => this.prefix + k), args);
          return conflict > 0 ? batch[conflict - 1] : undefined;
        }),
      ),
    );
    const conflict = conflicts.find((k) => k !== undefined);
    if (conflict !== undefined) throw new Error(`Storage: error writing "${conflict}" due to eTag conflict.`);
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    await this.ready('delete');
    await guarded('delete', () => Promise.all(this.batches(keys).map((batch) => this.client.del(...batch.map((k) => this.prefix + k)))));
  }

  private ready(operation: string): Promise<void> {
    return guarded(operation, () => whenReady(this.client, this.readyWaitMs, operation));
  }

  /** One batch for a standalone server; one key per batch on Cluster (keys hash to different slots). */
  private batches(keys: string[]): string[][] {
    return isCluster(this.client) ? keys.map((k) => [k]) : [keys];
  }

  private ttlMs(key: string): number {
    const seconds = this.ttlSeconds(key);
    return seconds > 0 ? Math.round(seconds * 1000) : 0;
  }
}

function newETag(): string {
  return randomBytes(9).toString('base64url');
}
