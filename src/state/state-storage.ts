import type { Storage } from 'botbuilder';
import { ExpiringMemoryStorage } from './expiring-memory-storage.js';
import { MemoryDeduper, MemoryTurnLock } from './memory-turn-lock.js';
import { createRedisClient, whenReady, type RedisClient, type RedisClientOptions } from './redis-client.js';
import { REDIS_STORAGE_DEFAULTS, RedisStorage } from './redis-storage.js';
import { RedisDeduper, RedisTurnLock } from './redis-turn-lock.js';
import { TURN_ORDER_DEFAULTS, type Deduper, type TurnLock } from './turn-lock.js';
import { RedisWaitingConversations } from './redis-waiting-conversations.js';
import { MemoryWaitingConversations, type WaitingConversations } from './waiting-conversations.js';

export interface StateStorageConfig extends RedisClientOptions {
  /** redis:// or rediss://. Unset: everything lives in this process (one instance only). */
  redisUrl?: string;
  /**
   * Prefix of every key written (state keys directly under it, locks under `<prefix>turn:`,
   * seen activity ids under `<prefix>seen:`, where open filings wait under `<prefix>waiting:`).
   * Default `beian:state:`.
   */
  keyPrefix?: string;
  /** See RedisStorageOptions; defaults 86400 (1 day) and 2592000 (30 days). */
  conversationTtlSeconds?: number;
  userTtlSeconds?: number;
  /** See TURN_ORDER_DEFAULTS. */
  lockTtlMs?: number;
  dedupeWindowMs?: number;
  /** Memory mode: how often expired state is swept out (see ExpiringMemoryStorage). */
  sweepEveryMs?: number;
  /** How long a call waits for a (re)connecting Redis before StoreUnavailableError. Default 1000 ms. */
  readyWaitMs?: number;
}

export interface StateStorage {
  storage: Storage;
  kind: 'redis' | 'memory';
  /** Orders the turns of a conversation (across instances when kind is 'redis'). */
  turnLock: TurnLock;
  /** Drops redelivered activities. */
  deduper: Deduper;
  /** Where open filings wait (for the funnel's abandonment count). */
  waiting: WaitingConversations;
  /** True when the store answers (for the readiness probe). Never throws. */
  ping(): Promise<boolean>;
  /** Closes the connection (after the last turn). */
  close(): Promise<void>;
  /** The Redis client, when kind is 'redis'. */
  client?: RedisClient;
}

/**
 * The conversation state store: Redis when a URL is given, else ExpiringMemoryStorage (MemoryStorage's
 * eTag semantics with the same sliding lifetimes as Redis, so personal data does not stay in memory for
 * as long as the process lives; one instance only, lost on restart).
 */
export function createStateStorage(config: StateStorageConfig = {}): StateStorage {
  const prefix = config.keyPrefix ?? REDIS_STORAGE_DEFAULTS.prefix;
  if (!config.redisUrl) {
    const storage = new ExpiringMemoryStorage({
      conversationTtlSeconds: config.conversationTtlSeconds,
      userTtlSeconds: config.userTtlSeconds,
      sweepEveryMs: config.sweepEveryMs,
    });
    return {
      storage,
      kind: 'memory',
      turnLock: new MemoryTurnLock(),
      deduper: new MemoryDeduper(config.dedupeWindowMs ?? TURN_ORDER_DEFAULTS.dedupeWindowMs),
      waiting: new MemoryWaitingConversations(),
      ping: async () => true,
      close: async () => storage.close(),
    };
  }
  const client = createRedisClient(config.redisUrl, config);
  const readyWaitMs = config.readyWaitMs ?? REDIS_STORAGE_DEFAULTS.readyWaitMs;
  const storage = new RedisStorage(client, {
    prefix,
    conversationTtlSeconds: config.conversationTtlSeconds,
    userTtlSeconds: config.userTtlSeconds,
    readyWaitMs,
  });
  const deduper = new RedisDeduper(client, { prefix: `${prefix}seen:`, windowMs: config.dedupeWindowMs, readyWaitMs });
  return {
    storage,
    kind: 'redis',
    // A turn: one script takes it (with the redelivery check and the state read), one ends it (state saved, id remembered, released).
    turnLock: new RedisTurnLock(client, {
      prefix: `${prefix}turn:`,
      lockTtlMs: config.lockTtlMs,
      readyWaitMs,
      onRenewError: (err) => config.onError?.(err instanceof Error ? err : new Error(String(err))),
      turnState: { storage, deduper },
    }),
    deduper,
    waiting: new RedisWaitingConversations(client, { prefix: `${prefix}waiting:`, readyWaitMs, turnState: storage }),
    client,
    ping: async () => {
      try {
        await whenReady(client, readyWaitMs, 'ping');
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    close: async () => {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
