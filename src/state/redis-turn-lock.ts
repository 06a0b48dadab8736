import { createHash, randomBytes } from 'node:crypto';
import { guarded } from './errors.js';
import { script, whenReady, type RedisClient } from './redis-client.js';
import { TURN_ORDER_DEFAULTS, type AcquireOptions, type Deduper, type TurnLease, type TurnLock } from './turn-lock.js';

export interface RedisTurnLockOptions {
  /** Prepended to the lock keys. Default `beian:turn:`. */
  prefix?: string;
  /** See TURN_ORDER_DEFAULTS.lockTtlMs. */
  lockTtlMs?: number;
  /** Waiters ask again after 10 ms, doubling up to this. Default 100 ms. */
  pollMaxMs?: number;
  /** A waiter that has not asked for this long is taken out of line (its instance died). Default 2000 ms. */
  waiterStaleMs?: number;
  /** How long a call waits for a (re)connecting client before failing. Default 1000 ms. */
  readyWaitMs?: number;
  /** Told about renewal failures (the lease keeps trying until released). */
  onRenewError?: (err: unknown) => void;
}

export const REDIS_TURN_LOCK_DEFAULTS = {
  prefix: 'beian:turn:',
  pollMaxMs: 100,
  waiterStaleMs: 2000,
  readyWaitMs: 1000,
} as const;

/**
 * One attempt to take the conversation. KEYS: lock, queue (zset token → arrival number), beats
 * (zset token → time after which the waiter counts as gone), arrival counter. ARGV: token, lease ms,
 * waiter-stale ms. Returns 0 when the lease is taken, else the token's place in line (1 = next).
 * Only the first in line may take a free lock, so turns run in arrival order. Time is the server's.
 */
const ACQUIRE_LUA = `
local lock, queue, beats, counter = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, leaseMs, staleMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', beats, '-inf', now)) do
  if gone ~= token then
    redis.call('ZREM', queue, gone)
    redis.call('ZREM', beats, gone)
  end
end
if not redis.call('ZSCORE', queue, token) then
  redis.call('ZADD', queue, redis.call('INCR', counter), token)
end
redis.call('ZADD', beats, now + staleMs, token)
local keep = math.max(leaseMs, staleMs) * 2
redis.call('PEXPIRE', queue, keep)
redis.call('PEXPIRE', beats, keep)
redis.call('PEXPIRE', counter, keep)
local first = redis.call('ZRANGE', queue, 0, 0)[1]
if first == token and redis.call('SET', lock, token, 'NX', 'PX', leaseMs) then
  redis.call('ZREM', queue, token)
  redis.call('ZREM', beats, token)
  return 0
end
return redis.call('ZRANK', queue, token) + 1
`;

/** Leaves the line. KEYS: queue, beats. ARGV: token. */
const LEAVE_LUA = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

/** Extends the lease if still ours. KEYS: lock. ARGV: token, lease ms. */
const EXTEND_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** Deletes the lock if still ours (compare-and-delete). KEYS: lock. ARGV: token. */
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type Script = (keys: string[], args: (string | number)[]) => Promise<number>;

/**
 * TurnLock across bot instances on Redis: a lease (SET NX PX with a random token, renewed while
 * held, released by compare-and-delete) plus a fair line (a sorted set by arrival number). A crashed
 * holder's lease expires after lockTtlMs; a crashed waiter is dropped from the line after
 * waiterStaleMs. The conversation id is hashed into the key names (it may be a WeChat openid), and
 * all keys of one conversation share a Cluster hash tag.
 */
export class RedisTurnLock implements TurnLock {
  private readonly prefix: string;
  private readonly lockTtlMs: number;
  private readonly pollMaxMs: number;
  private readonly waiterStaleMs: number;
  private readonly readyWaitMs: number;
  private readonly acquireScript: Script;
  private readonly leaveScript: Script;
  private readonly extendScript: Script;
  private readonly releaseScript: Script;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisTurnLockOptions = {},
  ) {
    this.prefix = options.prefix ?? REDIS_TURN_LOCK_DEFAULTS.prefix;
    this.lockTtlMs = options.lockTtlMs ?? TURN_ORDER_DEFAULTS.lockTtlMs;
    this.pollMaxMs = options.pollMaxMs ?? REDIS_TURN_LOCK_DEFAULTS.pollMaxMs;
    this.waiterStaleMs = options.waiterStaleMs ?? REDIS_TURN_LOCK_DEFAULTS.waiterStaleMs;
    this.readyWaitMs = options.readyWaitMs ?? REDIS_TURN_LOCK_DEFAULTS.readyWaitMs;
    this.acquireScript = script(client, 'beianTurnAcquire', ACQUIRE_LUA);
    this.leaveScript = script(client, 'beianTurnLeave', LEAVE_LUA);
    this.extendScript = script(client, 'beianTurnExtend', EXTEND_LUA);
    this.releaseScript = script(client, 'beianTurnRelease', RELEASE_LUA);
  }

  /** The Redis keys of one conversation's lock: lock, queue, beats, counter. */
  keysFor(conversation: string): [string, string, string, string] {
    const base = `${this.prefix}{${createHash('sha256').update(conversation).digest('hex').slice(0, 32)}}`;
    return [`${base}:lock`, `${base}:queue`, `${base}:beats`, `${base}:counter`];
  }

  async acquire(conversation: string, options: AcquireOptions): Promise<TurnLease | undefined> {
    const keys = this.keysFor(conversation);
    const token = randomBytes(12).toString('base64url');
    const deadline = Date.now() + options.maxWaitMs;
    await guarded('lock', () => whenReady(this.client, this.readyWaitMs, 'lock'));
    let pause = 10;
    try {
      for (;;) {
        const place = await guarded('lock', () => this.acquireScript(keys, [token, this.lockTtlMs, this.waiterStaleMs]));
        if (place === 0) return this.lease(keys[0], token);
        const left = deadline - Date.now();
        if (left <= 0) {
          await this.leave(keys, token);
          return undefined;
        }
        await sleep(Math.min(pause, left));
        pause = Math.min(pause * 2, this.pollMaxMs);
      }
    } catch (err) {
      await this.leave(keys, token).catch(() => {});
      throw err;
    }
  }

  async waiting(conversation: string): Promise<number> {
    const [, queue] = this.keysFor(conversation);
    await guarded('lock', () => whenReady(this.client, this.readyWaitMs, 'lock'));
    return guarded('lock', () => this.client.zcard(queue));
  }

  private leave(keys: string[], token: string): Promise<number> {
    return guarded('lock', () => this.leaveScript([keys[1]!, keys[2]!], [token]));
  }

  private lease(lockKey: string, token: string): TurnLease {
    let lost = false;
    let released = false;
    const renew = setInterval(() => {
      this.extendScript([lockKey], [token, this.lockTtlMs]).then(
        (kept) => {
          if (kept === 0 && !released) {
            lost = true;
            clearInterval(renew);
          }
        },
        (err: unknown) => this.options.onRenewError?.(err),
      );
    }, Math.max(10, Math.floor(this.lockTtlMs / 3)));
    renew.unref();
    return {
      get lost() {
        return lost;
      },
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        await guarded('unlock', () => whenReady(this.client, this.readyWaitMs, 'unlock'));
        const removed = await guarded('unlock', () => this.releaseScript([lockKey], [token]));
        if (removed === 0) lost = true;
      },
    };
  }
}

export interface RedisDeduperOptions {
  /** Prepended to the keys. Default `beian:seen:`. */
  prefix?: string;
  /** See TURN_ORDER_DEFAULTS.dedupeWindowMs. */
  windowMs?: number;
  readyWaitMs?: number;
}

/** Deduper on Redis: one key per handled activity id (hashed into the key name), expiring after the window. */
export class RedisDeduper implements Deduper {
  private readonly prefix: string;
  private readonly windowMs: number;
  private readonly readyWaitMs: number;

  constructor(
    private readonly client: RedisClient,
    options: RedisDeduperOptions = {},
  ) {
    this.prefix = options.prefix ?? 'beian:seen:';
    this.windowMs = options.windowMs ?? TURN_ORDER_DEFAULTS.dedupeWindowMs;
    this.readyWaitMs = options.readyWaitMs ?? REDIS_TURN_LOCK_DEFAULTS.readyWaitMs;
  }

  keyFor(id: string): string {
    return this.prefix + createHash('sha256').update(id).digest('hex').slice(0, 40);
  }

  async handled(id: string): Promise<boolean> {
    await guarded('dedupe', () => whenReady(this.client, this.readyWaitMs, 'dedupe'));
    return (await guarded('dedupe', () => this.client.exists(this.keyFor(id)))) === 1;
  }

  async remember(id: string): Promise<void> {
    await guarded('dedupe', () => whenReady(this.client, this.readyWaitMs, 'dedupe'));
    await guarded('dedupe', () => this.client.set(this.keyFor(id), '1', 'PX', this.windowMs));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
