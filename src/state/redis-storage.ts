import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { guarded } from './errors.js';
import { randomToken } from './random-token.js';
import { isCluster, script, whenReady, type RedisClient } from './redis-client.js';
import { conversationOfStateKey, conversationTag } from './conversation-slot.js';
import { isUnconditional, noteStoredJson, parseStoredItem, storedJsonOf } from './stored-json.js';

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
 * - conversation and user keys get separate sliding lifetimes, refreshed by reads and writes;
 * - inside a turn (a RedisTurnLock lease that took this conversation, see `hold`), the conversation's
 *   state comes from the script that took the turn, and an unconditional write of it (BotState saves with
 *   eTag `*`) is sent with the script that releases the turn: no round trip of its own. A write that names
 *   an eTag is compare-and-set at once, as outside a turn.
 * Connection faults surface as StoreUnavailableError. Values are stored as a hash {v: JSON, e: eTag}.
 *
 * Key names: `<prefix><key>`; on Redis Cluster a conversation's state key carries its conversation's hash
 * tag, `<prefix>{<hash>}<key>`, so that it shares a slot with the conversation's turn lock (an item
 * stored before under the untagged name is still read, and rewritten under the tagged one).
 */
export class RedisStorage implements Storage {
  private readonly prefix: string;
  private readonly readyWaitMs: number;
  private readonly ttlSeconds: (key: string) => number;
  private readonly readScript: (keys: string[], args: (string | number)[]) => Promise<(string | null)[]>;
  private readonly writeScript: (keys: string[], args: (string | number)[]) => Promise<number>;
  private readonly cluster: boolean;
  /** Conversations whose turn this process holds: their state as read when the turn was taken, and the write it defers. */
  private readonly holds = new Map<string, TurnHold>();

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
    this.cluster = isCluster(client);
  }

  /**
   * The Redis key of a state key: `<prefix><key>`, and on Cluster a conversation's state under its
   * conversation's hash tag (the slot of its turn lock).
   */
  redisKey(key: string): string {
    if (!this.cluster) return this.prefix + key;
    const conversation = conversationOfStateKey(key);
    return conversation === undefined ? this.prefix + key : `${this.prefix}${conversationTag(conversation)}${key}`;
  }

  /**
   * Called by the turn lock when it took a conversation's turn and read its state in the same script
   * (`stored`: [JSON, eTag] or undefined when there is none; `unknown` when it was not read): until
   * `release`, reads of `key` in this process are answered from it, and an unconditional write is kept
   * for the script that ends the turn (TurnHold.pending).
   */
  hold(key: string, stored: [string, string] | undefined | 'unknown'): TurnHold {
    const held: TurnHold = { key, redisKey: this.redisKey(key), ttlMs: this.ttlMs(key), state: stored === 'unknown' ? undefined : (stored ?? null) };
    this.holds.set(key, held);
    return held;
  }

  /** The conversation's state while this process holds its turn, if it does. */
  held(key: string): TurnHold | undefined {
    return this.holds.get(key);
  }

  /** The turn ended (its pending write sent or abandoned). */
  release(held: TurnHold): void {
    if (this.holds.get(held.key) === held) this.holds.delete(held.key);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const rest: string[] = [];
    for (const key of keys) {
      const state = this.holds.get(key)?.state;
      if (state === undefined) rest.push(key);
      else if (state !== null) items[key] = parseStoredItem(state[0], state[1]);
    }
    if (rest.length === 0) return items;
    await this.ready('read');
    const replies = await guarded('read', () =>
      Promise.all(this.batches(rest).map((batch) => this.readScript(batch.map((k) => this.redisKey(k)), batch.map((k) => this.ttlMs(k))))),
    );
    const missing: string[] = [];
    this.batches(rest).forEach((batch, b) => {
      const reply = replies[b]!;
      batch.forEach((key, i) => {
        const value = reply[2 * i];
        if (typeof value === 'string') items[key] = parseStoredItem(value, reply[2 * i + 1] ?? undefined);
        else if (this.redisKey(key) !== this.prefix + key) missing.push(key);
      });
    });
    // On Cluster: a conversation stored before its key was tagged, read under its old name (written anew under the tagged one).
    if (missing.length > 0) {
      const old = await guarded('read', () => Promise.all(missing.map((k) => this.readScript([this.prefix + k], [this.ttlMs(k)]))));
      missing.forEach((key, i) => {
        const [value, eTag] = old[i]!;
        if (typeof value === 'string') items[key] = parseStoredItem(value, eTag ?? undefined);
      });
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    // Each item serialised once; an unconditional write of what is stored already (see stored-json.ts) is not made.
    const sent = new Map<string, { expected: string; json: string; item: StoreItem }>();
    for (const key of Object.keys(changes)) {
      const item = (changes[key] ?? {}) as StoreItem;
      const { eTag, ...value } = item;
      const json = JSON.stringify(value);
      const unconditional = isUnconditional(eTag);
      if (unconditional && storedJsonOf(item) === json) continue;
      const held = this.holds.get(key);
      if (held && unconditional) {
        // Unconditional, in a turn this process holds: sent with the end of the turn.
        held.pending = { eTag: newETag(), json };
        held.state = [json, held.pending.eTag];
        noteStoredJson(item, json);
      } else sent.set(key, { expected: unconditional ? '' : (eTag as string), json, item });
    }
    if (sent.size === 0) return;
    await this.ready('write');
    const conflicts = await guarded('write', () =>
      Promise.all(
        this.batches([...sent.keys()]).map(async (batch) => {
          const args: (string | number)[] = [];
          const fresh = batch.map(() => newETag());
          batch.forEach((key, i) => {
            const { expected, json } = sent.get(key)!;
            args.push(expected, fresh[i]!, json, this.ttlMs(key));
          });
          const conflict = await this.writeScript(batch.map((k) => this.redisKey(k)), args);
          if (conflict > 0) return batch[conflict - 1];
          batch.forEach((key, i) => {
            const { json, item } = sent.get(key)!;
            noteStoredJson(item, json);
            // A conditional write in a held turn: what is stored now, and nothing left pending.
            const held = this.holds.get(key);
            if (held) {
              held.pending = undefined;
              held.state = [json, fresh[i]!];
            }
          });
          return undefined;
        }),
      ),
    );
    const conflict = conflicts.find((k) => k !== undefined);
    if (conflict !== undefined) throw new Error(`Storage: error writing "${conflict}" due to eTag conflict.`);
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    for (const key of keys) {
      const held = this.holds.get(key);
      if (held) {
        held.pending = undefined;
        held.state = null;
      }
    }
    await this.ready('delete');
    const names = (batch: string[]) => batch.flatMap((k) => (this.redisKey(k) === this.prefix + k ? [this.redisKey(k)] : [this.redisKey(k), this.prefix + k]));
    // One DEL a batch; on Cluster one a key name (the tagged and the old name live in different slots).
    await guarded('delete', () =>
      Promise.all(this.batches(keys).flatMap((batch) => (this.cluster ? names(batch).map((name) => this.client.del(name)) : [this.client.del(...names(batch))]))),
    );
  }

  private ready(operation: string): Promise<void> {
    return guarded(operation, () => whenReady(this.client, this.readyWaitMs, operation));
  }

  /** One batch for a standalone server; one key per batch on Cluster (keys hash to different slots). */
  private batches(keys: string[]): string[][] {
    return isCluster(this.client) ? keys.map((k) => [k]) : [keys];
  }

  /** The sliding lifetime of a key in ms (0: none). */
  ttlMs(key: string): number {
    const seconds = this.ttlSeconds(key);
    return seconds > 0 ? Math.round(seconds * 1000) : 0;
  }
}

/** A conversation's state while this process holds its turn (see RedisStorage.hold). */
export interface TurnHold {
  key: string;
  redisKey: string;
  ttlMs: number;
  /** What a read answers: [JSON, eTag], null for none, undefined when unknown (read from Redis). */
  state: [string, string] | null | undefined;
  /** An unconditional write to send with the end of the turn. */
  pending?: { eTag: string; json: string };
  /** Where the conversation now waits (RedisWaitingConversations), to send with the end of the turn: step undefined = done. */
  waiting?: { keys: [since: string, step: string]; member: string; step: string | undefined; atMs: number };
}

export function newETag(): string {
  return randomToken(9);
}
