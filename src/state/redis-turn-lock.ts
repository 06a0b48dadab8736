import { hash } from 'node:crypto';
import { guarded } from './errors.js';
import { randomToken } from './random-token.js';
import { isCluster, script, whenReady, type RedisClient } from './redis-client.js';
import { conversationStateKey, conversationTag } from './conversation-slot.js';
import type { RedisStorage, TurnHold } from './redis-storage.js';
import { TURN_ORDER_DEFAULTS, type AcquireOptions, type Deduper, type TurnEndAppend, type TurnLease, type TurnLock } from './turn-lock.js';

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
  /**
   * The conversation state store and the handled activity ids on the same Redis: given them, taking a turn
   * also answers whether its activity was handled and reads the conversation's state (one script), and
   * ending it saves the state the turn wrote, remembers the activity and releases (one script).
   */
  turnState?: { storage: RedisStorage; deduper: RedisDeduper };
}

export const REDIS_TURN_LOCK_DEFAULTS = {
  prefix: 'beian:turn:',
  pollMaxMs: 100,
  waiterStaleMs: 2000,
  readyWaitMs: 1000,
} as const;

/**
 * One attempt to take the conversation. KEYS: lock, queue (zset token → arrival number), beats
 * (zset token → time after which the waiter counts as gone), arrival counter, then the activity's seen
 * key when ARGV[4] is '1', then the conversation's state key when ARGV[5] (its lifetime in ms) is not '-1'.
 * ARGV: token, lease ms, waiter-stale ms, ask-seen flag, state lifetime. Returns {0, handled (1/0), state
 * JSON, state eTag, appended} when the lease is taken (the state read slides its lifetime, as a read does),
 * else {the token's place in line, appended} (1 = next). Only the first in line may take a free lock, so
 * turns run in arrival order. Time is the server's. `appended` is ADMIT_APPEND's list length (none here).
 */
const takeLua = (admission: string): string => `
local lock, queue, beats, counter = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, leaseMs, staleMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
${admission}
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
  local n, handled, value, etag = 5, 0, false, false
  if ARGV[4] == '1' then
    handled = redis.call('EXISTS', KEYS[n])
    n = n + 1
  end
  local stateTtl = tonumber(ARGV[5])
  if stateTtl >= 0 then
    local v = redis.call('HMGET', KEYS[n], 'v', 'e')
    value, etag = v[1], v[2]
    if value and stateTtl > 0 then redis.call('PEXPIRE', KEYS[n], stateTtl) end
  end
  return {0, handled, value, etag, appended}
end
return {redis.call('ZRANK', queue, token) + 1, appended}
`;

const ACQUIRE_LUA = takeLua('local appended = false');

/**
 * ACQUIRE_LUA after a channel's admission and append (TurnStartAppend): KEYS as ACQUIRE_LUA's (without the
 * seen key), then the refusing key, the marker and the list; ARGV as ACQUIRE_LUA's, then the list's lifetime
 * in seconds, the value, the notice channel ('' = none) and the notice. Refused ({-1, revoked, open}) when the
 * refusing key exists or the marker does not: nothing appended, the line not joined. Otherwise the value is
 * appended (lifetimes renewed, the notice published) and the turn joins the line in the same step.
 */
const ADMIT_ACQUIRE_LUA = takeLua(`
local revoked = redis.call('EXISTS', KEYS[#KEYS - 2])
local open = redis.call('EXISTS', KEYS[#KEYS - 1])
if revoked == 1 or open == 0 then return {-1, revoked, open} end
local appended = redis.call('RPUSH', KEYS[#KEYS], ARGV[7])
redis.call('EXPIRE', KEYS[#KEYS], ARGV[6])
redis.call('SET', KEYS[#KEYS - 1], '1', 'EX', ARGV[6])
if ARGV[8] ~= '' then redis.call('PUBLISH', ARGV[8], ARGV[9]) end`);

/**
 * Ends a turn in one step. KEYS: lock, then the activity's seen key when ARGV[2] (the dedupe window in ms)
 * is above 0, then the state key when ARGV[3] is '1', then the waiting conversations' two keys (since,
 * step: RedisWaitingConversations) when ARGV[7] is 'wait' or 'done', then a channel's list and marker
 * (TurnEndAppend; the marker may be left out) when ARGV[11] (their lifetime in seconds) is not ''. ARGV: token,
 * window, has-state flag, state eTag, state JSON, state lifetime ms (0 = none), waiting mode, waiting member,
 * waiting step, at ms, list lifetime, index to replace (-1: none), its value, notice channel ('' = none),
 * notice, how many values the list keeps (0 = all), then the values to append.
 * Remembers the activity, saves the state (unconditionally: only writes without an eTag wait for the end
 * of the turn), notes where the conversation waits, writes the channel's list, and deletes the lock if still
 * ours. Returns {1 when it was ours, else 0; the list's length after the append, before any cut (0 without one)}.
 */
const FINISH_LUA = `
local n = 2
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[n], '1', 'PX', ARGV[2])
  n = n + 1
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[n], 'v', ARGV[5], 'e', ARGV[4])
  local ttl = tonumber(ARGV[6])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[n], ttl) else redis.call('PERSIST', KEYS[n]) end
  n = n + 1
end
if ARGV[7] == 'wait' then
  redis.call('ZADD', KEYS[n], ARGV[10], ARGV[8])
  redis.call('HSET', KEYS[n + 1], ARGV[8], ARGV[9])
elseif ARGV[7] == 'done' then
  redis.call('ZREM', KEYS[n], ARGV[8])
  redis.call('HDEL', KEYS[n + 1], ARGV[8])
end
if ARGV[7] == 'wait' or ARGV[7] == 'done' then n = n + 2 end
local length = 0
if ARGV[11] ~= '' then
  local at = tonumber(ARGV[12])
  if at >= 0 and redis.call('LLEN', KEYS[n]) > at then redis.call('LSET', KEYS[n], at, ARGV[13]) end
  if #ARGV >= 17 then
    length = redis.call('RPUSH', KEYS[n], unpack(ARGV, 17))
    local keep = tonumber(ARGV[16])
    if keep > 0 and length > keep then redis.call('LTRIM', KEYS[n], -keep, -1) end
    redis.call('EXPIRE', KEYS[n], ARGV[11])
    if KEYS[n + 1] then redis.call('SET', KEYS[n + 1], '1', 'EX', ARGV[11]) end
    if ARGV[14] ~= '' then redis.call('PUBLISH', ARGV[14], ARGV[15]) end
  else
    length = redis.call('LLEN', KEYS[n])
  end
end
local ours = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then ours = redis.call('DEL', KEYS[1]) end
return {ours, length}
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

type Script<R = number> = (keys: string[], args: (string | number)[]) => Promise<R>;

/**
 * What the acquire script answers: [0, handled, state JSON, state eTag, appended] when taken, else [place in
 * line, appended]; with an admission, [-1, revoked, open] when refused.
 */
type AcquireReply = [number, ...(number | string | null)[]];

/** What a turn taken with `turnState` carries to its end. */
interface TurnScope {
  hold?: TurnHold;
  seenKey?: string;
  windowMs: number;
  storage: RedisStorage;
}

/**
 * TurnLock across bot instances on Redis: a lease (SET NX PX with a random token, renewed while
 * held, released by compare-and-delete) plus a fair line (a sorted set by arrival number). A crashed
 * holder's lease expires after lockTtlMs; a crashed waiter is dropped from the line after
 * waiterStaleMs. The conversation id is hashed into the key names (it may be a WeChat openid), and
 * all keys of one conversation share a Cluster hash tag (src/state/conversation-slot.ts).
 *
 * With `turnState`, a turn costs two round trips: taking it also tells whether the activity was handled
 * (TurnLease.handled) and reads the conversation's state for RedisStorage (RedisStorage.hold); ending it
 * (TurnLease.succeeded, or release after a failure) saves the state the turn wrote, remembers the activity
 * (only after success) and releases, in one script. A channel's admission and append of the turn's activity
 * (AcquireOptions.start: the web channel's message) ride on the first of them.
 */
export class RedisTurnLock implements TurnLock {
  private readonly prefix: string;
  private readonly lockTtlMs: number;
  private readonly pollMaxMs: number;
  private readonly waiterStaleMs: number;
  private readonly readyWaitMs: number;
  private readonly acquireScript: Script<AcquireReply>;
  private readonly admitAcquireScript: Script<AcquireReply>;
  private readonly finishScript: Script<[number, number]>;
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
    this.acquireScript = script(client, 'beianTurnTake', ACQUIRE_LUA);
    this.admitAcquireScript = script(client, 'beianTurnAdmitTake', ADMIT_ACQUIRE_LUA);
    this.finishScript = script(client, 'beianTurnFinish', FINISH_LUA);
    this.leaveScript = script(client, 'beianTurnLeave', LEAVE_LUA);
    this.extendScript = script(client, 'beianTurnExtend', EXTEND_LUA);
    this.releaseScript = script(client, 'beianTurnRelease', RELEASE_LUA);
  }

  /** The Redis keys of one conversation's lock: lock, queue, beats, counter. */
  keysFor(conversation: string): [string, string, string, string] {
    const base = `${this.prefix}${conversationTag(conversation)}`;
    return [`${base}:lock`, `${base}:queue`, `${base}:beats`, `${base}:counter`];
  }

  async acquire(conversation: string, options: AcquireOptions): Promise<TurnLease | undefined> {
    const keys: string[] = this.keysFor(conversation);
    const token = randomToken(12);
    const deadline = Date.now() + options.maxWaitMs;
    // A channel's admission and append ride on the first attempt (not on Cluster: its keys are in another slot).
    const start = options.start && options.start.store === this.client && !isCluster(this.client) ? options.start : undefined;
    // With turnState: the activity's seen key and the conversation's state key go into the same script (an
    // activity appended by the first attempt is new: it is neither asked about nor remembered).
    const turnState = this.options.turnState;
    const seenKey = turnState && !start && options.activityId !== undefined ? turnState.deduper.keyFor(options.activityId, conversation) : undefined;
    const stateKey = turnState ? conversationStateKey(conversation) : undefined;
    const args: (string | number)[] = [token, this.lockTtlMs, this.waiterStaleMs, seenKey ? '1' : '0', stateKey && turnState ? turnState.storage.ttlMs(stateKey) : -1];
    if (seenKey) keys.push(seenKey);
    if (stateKey && turnState) keys.push(turnState.storage.redisKey(stateKey));
    // Waited for only when the connection is not ready (no async step on every turn).
    if (this.client.status !== 'ready') await guarded('lock', () => whenReady(this.client, this.readyWaitMs, 'lock'));
    let pause = 10;
    let admitting = start !== undefined;
    try {
      for (;;) {
        let reply: AcquireReply;
        if (admitting) {
          admitting = false;
          start!.taken = true;
          const admission = [start!.refusedIf, start!.marker, start!.list];
          const extra = [start!.ttlSeconds, start!.value, start!.notice?.channel ?? '', start!.notice?.message ?? ''];
          reply = await guarded('lock', () => this.admitAcquireScript([...keys, ...admission], [...args, ...extra]));
          if (reply[0] === -1) {
            start!.refused = reply[1] === 1 ? 'revoked' : 'missing';
            return undefined;
          }
          start!.length = Number(reply[0] === 0 ? reply[4] : reply[1]);
        } else reply = await guarded('lock', () => this.acquireScript(keys, args));
        const [place, handled, value, eTag] = reply;
        if (place === 0) {
          if (!turnState) return this.lease(keys[0]!, token, undefined, start ? false : undefined);
          // On Cluster a conversation not found may be stored under its untagged name: RedisStorage reads that itself.
          const stored = typeof value === 'string' ? ([value, typeof eTag === 'string' ? eTag : ''] as [string, string]) : isCluster(this.client) ? 'unknown' : undefined;
          const hold = stateKey ? turnState.storage.hold(stateKey, stored) : undefined;
          return this.lease(keys[0]!, token, { hold, seenKey, windowMs: turnState.deduper.windowMs, storage: turnState.storage }, start ? false : handled === 1);
        }
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

  /** Best effort, once: deletes the lock if still ours (compare-and-delete), when the client is ready within readyWaitMs. */
  private releaseOnce(lockKey: string, token: string): void {
    whenReady(this.client, this.readyWaitMs, 'unlock')
      .then(() => this.releaseScript([lockKey], [token]))
      .catch(() => {});
  }

  private lease(lockKey: string, token: string, scope?: TurnScope, handled?: boolean): TurnLease {
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
    /**
     * Ends the turn: with a scope, saves what the turn wrote (and remembers the activity when it succeeded) in
     * the same script, and a channel's own writes with them (on Cluster only those under the turn's hash tag).
     */
    const end = async (succeeded: boolean, rider?: TurnEndAppend): Promise<void> => {
      if (released) return;
      released = true;
      clearInterval(renew);
      const pending = scope?.hold?.pending;
      const append = scope && succeeded && rider?.store === this.client && (rider.inTurnSlot === true || !isCluster(this.client)) ? rider : undefined;
      // The channel's writes are the turn's answer: failing them fails the turn, as failing its state does.
      const operation = pending || append ? 'write' : 'unlock';
      try {
        if (this.client.status !== 'ready') await guarded(operation, () => whenReady(this.client, this.readyWaitMs, operation));
        const seen = succeeded && scope?.seenKey ? scope.seenKey : undefined;
        const waiting = scope?.hold?.waiting;
        let removed: number;
        if (!scope || (!seen && !pending && !waiting && !append)) removed = await guarded(operation, () => this.releaseScript([lockKey], [token]));
        else {
          const keys = [
            lockKey,
            ...(seen ? [seen] : []),
            ...(pending ? [scope.hold!.redisKey] : []),
            ...(waiting ? waiting.keys : []),
            ...(append ? [append.list, ...(append.marker === undefined ? [] : [append.marker])] : []),
          ];
          const args = [
            token,
            seen ? scope.windowMs : 0,
            pending ? '1' : '0',
            pending?.eTag ?? '',
            pending?.json ?? '',
            scope.hold?.ttlMs ?? 0,
            waiting ? (waiting.step === undefined ? 'done' : 'wait') : '',
            waiting?.member ?? '',
            waiting?.step ?? '',
            waiting?.atMs ?? 0,
            append ? append.ttlSeconds : '',
            append?.replace?.index ?? -1,
            append?.replace?.value ?? '',
            append?.notice?.channel ?? '',
            append?.notice?.message ?? '',
            append?.keep ?? 0,
            ...(append?.values ?? []),
          ];
          if (append) append.taken = true;
          let length: number;
          [removed, length] = await guarded(operation, () => this.finishScript(keys, args));
          if (append) append.length = length;
        }
        if (removed === 0) lost = true;
      } catch (err) {
        // The closing step failed (Redis away, the connection dropped): once Redis answers again, free the
        // conversation at once rather than after the lease, so a resend meanwhile is not told "busy".
        this.releaseOnce(lockKey, token);
        throw err;
      } finally {
        if (scope?.hold) scope.storage.release(scope.hold);
      }
    };
    return {
      get lost() {
        return lost;
      },
      ...(handled === undefined ? {} : { handled }),
      ...(scope ? { succeeded: (rider?: TurnEndAppend) => end(true, rider) } : {}),
      release: () => end(false),
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

/**
 * Deduper on Redis: one key per handled activity id (hashed into the key name), expiring after the
 * window; given the conversation, the key carries the conversation's hash tag, as the turn lock's do
 * (the turn lock with `turnState` reads and writes these keys itself, in its own scripts).
 */
export class RedisDeduper implements Deduper {
  private readonly prefix: string;
  private readonly window: number;
  private readonly readyWaitMs: number;

  constructor(
    private readonly client: RedisClient,
    options: RedisDeduperOptions = {},
  ) {
    this.prefix = options.prefix ?? 'beian:seen:';
    this.window = options.windowMs ?? TURN_ORDER_DEFAULTS.dedupeWindowMs;
    this.readyWaitMs = options.readyWaitMs ?? REDIS_TURN_LOCK_DEFAULTS.readyWaitMs;
  }

  /** The key of a handled activity id; with its conversation, under the conversation's hash tag (beside its turn lock). */
  keyFor(id: string, conversation?: string): string {
    const digest = hash('sha256', id, 'hex').slice(0, 40);
    return conversation === undefined ? this.prefix + digest : `${this.prefix}${conversationTag(conversation)}:${digest}`;
  }

  /** How long an id is remembered, in ms. */
  get windowMs(): number {
    return this.window;
  }

  async handled(id: string, conversation?: string): Promise<boolean> {
    await guarded('dedupe', () => whenReady(this.client, this.readyWaitMs, 'dedupe'));
    return (await guarded('dedupe', () => this.client.exists(this.keyFor(id, conversation)))) === 1;
  }

  async remember(id: string, conversation?: string): Promise<void> {
    await guarded('dedupe', () => whenReady(this.client, this.readyWaitMs, 'dedupe'));
    await guarded('dedupe', () => this.client.set(this.keyFor(id, conversation), '1', 'PX', this.window));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
