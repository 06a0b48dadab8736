import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { isCluster, script, type RedisClient } from '../../state/redis-client.js';
import {
  activityId,
  DEFAULT_CONVERSATION_TTL_SECONDS,
  DEFAULT_PAGE_LIMIT,
  parseWatermark,
  sequenceOf,
  type ActivityLog,
  type ActivityPage,
  type Admission,
  type AdmittedLog,
  type JsonPage,
  type AppendListener,
  type AppendWatch,
  type Replacement,
} from './activity-log.js';
import { noticeDigest, watchAppends } from './redis-append-watch.js';
import { RedisWebKeys } from './redis-web-keys.js';
import { jsonWithId, storedJson } from './activity-json.js';
import type { TurnEndAppend, TurnStartAppend } from '../../state/turn-lock.js';
import { RecentMap } from '../../ops/recent-map.js';

/** Sets the activity at a 0-based index if the list still reaches it. KEYS: list. ARGV: index, JSON. */
const REPLACE_LUA = `
if redis.call('LLEN', KEYS[1]) > tonumber(ARGV[1]) then
  redis.call('LSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0
`;

/**
 * A turn's writes in one step: first the replacement (the person's message, masked) when ARGV[2] is an index
 * the list still reaches, then the activities appended in order, the list's and the marker's lifetimes
 * renewed, and the append told on the notice channel. KEYS: list, open marker. ARGV: TTL seconds, index to
 * replace (-1: none), its JSON, notice channel, notice, then one JSON per activity. Returns the list's length.
 */
const APPEND_ALL_LUA = `
local at = tonumber(ARGV[2])
if at >= 0 and redis.call('LLEN', KEYS[1]) > at then redis.call('LSET', KEYS[1], at, ARGV[3]) end
if #ARGV < 6 then return redis.call('LLEN', KEYS[1]) end
local length = redis.call('RPUSH', KEYS[1], unpack(ARGV, 6))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return length
`;

/**
 * A page of the log: the list's length and the activities from a 0-based index. KEYS: list. ARGV: from,
 * limit. Returns {length, {JSON…}} (no activities when `from` is at or past the end).
 */
const SINCE_LUA = `
local length = redis.call('LLEN', KEYS[1])
local from = tonumber(ARGV[1])
if from >= length then return {length, {}} end
return {length, redis.call('LRANGE', KEYS[1], from, from + tonumber(ARGV[2]) - 1)}
`;

/**
 * A request's admission and its append: whether the token is revoked and whether the conversation is open,
 * and only when it is not revoked and open, the append (lifetimes renewed and the append told, as append
 * does). KEYS: revoked token, open marker, list. ARGV: TTL seconds, JSON, notice channel, notice. Returns
 * {revoked, open, length after the append}.
 */
const ADMIT_APPEND_LUA = `
local revoked = redis.call('EXISTS', KEYS[1])
local open = redis.call('EXISTS', KEYS[2])
if revoked == 1 or open == 0 then return {revoked, open} end
local length = redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[1])
redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return {revoked, open, length}
`;

/**
 * A request's admission and its read: as ADMIT_APPEND_LUA, then SINCE_LUA's page. KEYS: revoked token, open
 * marker, list. ARGV: from, limit. Returns {revoked, open, length, {JSON…}}.
 */
const ADMIT_SINCE_LUA = `
local revoked = redis.call('EXISTS', KEYS[1])
local open = redis.call('EXISTS', KEYS[2])
if revoked == 1 or open == 0 then return {revoked, open} end
local length = redis.call('LLEN', KEYS[3])
local from = tonumber(ARGV[1])
if from >= length then return {revoked, open, length, {}} end
return {revoked, open, length, redis.call('LRANGE', KEYS[3], from, from + tonumber(ARGV[2]) - 1)}
`;

/** How many conversations' notices a log keeps made (a digest each: a hash saved per append). */
const REMEMBERED_NOTICES = 1024;

export interface RedisActivityLogOptions {
  /** Put before every key, e.g. "yidi:webchat:". */
  keyPrefix?: string;
  /** A conversation is forgotten this long after its last activity. */
  ttlSeconds?: number;
  /** How long watch() waits for its first subscription before letting streams read without it. Default 1000 ms. */
  listenWaitMs?: number;
}

type Script<R> = (keys: string[], args: (string | number)[]) => Promise<R>;

/**
 * The log in Redis, shared by every instance: one list per conversation (the activities as JSON, in
 * order) and one marker key saying the conversation was opened, both with a TTL renewed on each append.
 * An activity's id is its position in the list, so ids and watermarks agree on every instance. Both keys
 * share a hash tag (the conversation id in braces), so the scripts also work on Redis Cluster.
 *
 * `admitted` asks a token's revocation (RedisWebAccess's key under the same prefix) and does a request's
 * append or read in the same script: a web channel request is one round trip.
 *
 * Every append is told, in the script that makes it (no round trip of its own), on one notice channel per
 * prefix (RedisWebKeys.notices: plain pub/sub, which Cluster carries to every node whatever the slot): the
 * notice names this log (each instance's differs) and a digest of the conversation id, nothing of what was
 * said. watch() subscribes on a connection of its own (the client's duplicate) and tells its listener of
 * other instances' appends to the conversations it follows.
 */
export class RedisActivityLog implements ActivityLog {
  private readonly keys: RedisWebKeys;
  private readonly ttlSeconds: number;
  private readonly replaceScript: Script<number>;
  private readonly appendAllScript: Script<number>;
  private readonly sinceScript: Script<[number, string[]]>;
  private readonly admitAppendScript: Script<[number, number, number?]>;
  private readonly admitSinceScript: Script<[number, number, number?, string[]?]>;
  readonly admitted: AdmittedLog;
  /** This log's name in its notices: what it appended itself, its instance's streams were given as it is. */
  private readonly origin = randomBytes(6).toString('base64url');

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisActivityLogOptions = {},
  ) {
    this.keys = new RedisWebKeys(options.keyPrefix ?? 'webchat:');
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_CONVERSATION_TTL_SECONDS;
    this.replaceScript = script(redis, 'beianWebLogReplace', REPLACE_LUA);
    this.appendAllScript = script(redis, 'beianWebLogAppendAll', APPEND_ALL_LUA);
    this.sinceScript = script(redis, 'beianWebLogSince', SINCE_LUA);
    this.admitAppendScript = script(redis, 'beianWebLogAdmitAppend', ADMIT_APPEND_LUA);
    this.admitSinceScript = script(redis, 'beianWebLogAdmitSince', ADMIT_SINCE_LUA);
    if (!isCluster(redis)) this.forTurnEnd = (conversationId, activities, replacing) => this.prepareForTurnEnd(conversationId, activities, replacing);
    this.admitted = {
      append: (conversationId, tokenId, activity) => this.admitAppend(conversationId, tokenId, activity),
      since: (conversationId, tokenId, watermark, limit) => this.admitSince(conversationId, tokenId, watermark, limit),
      sinceJson: (conversationId, tokenId, watermark, limit) => this.admitSinceJson(conversationId, tokenId, watermark, limit),
      ...(isCluster(redis) ? {} : { forTurnStart: (conversationId: string, tokenId: string, activity: Partial<Activity>) => this.prepareForTurnStart(conversationId, tokenId, activity) }),
    };
  }

  async create(conversationId: string): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.open(conversationId), '1', 'EX', this.ttlSeconds)
      .expire(this.keys.list(conversationId), this.ttlSeconds)
      .exec()
      .then(throwOnFailure);
  }

  async exists(conversationId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.open(conversationId))) === 1;
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<string> {
    return (await this.appendAll(conversationId, [activity]))[0]!;
  }

  async appendAll(conversationId: string, activities: Partial<Activity>[], replacing?: Replacement): Promise<string[]> {
    const at = replacing ? sequenceOf(conversationId, replacing.id) : undefined;
    if (activities.length === 0 && at === undefined) return [];
    const length = await this.appendAllScript(
      [this.keys.list(conversationId), this.keys.open(conversationId)],
      [this.ttlSeconds, at === undefined ? -1 : at - 1, at === undefined ? '' : storedJson(replacing!.activity), this.keys.notices(), this.notice(conversationId), ...activities.map(storedJson)],
    );
    return activities.map((_, i) => activityId(conversationId, length - activities.length + i + 1));
  }

  /**
   * appendAll's writes for the step that ends a turn on the same Redis. Not on Cluster: the list's hash tag
   * is the conversation id, the turn's a hash of it (src/state/conversation-slot.ts), so they are in two slots.
   */
  readonly forTurnEnd?: (conversationId: string, activities: Partial<Activity>[], replacing?: Replacement) => TurnEndAppend;

  private prepareForTurnEnd(conversationId: string, activities: Partial<Activity>[], replacing?: Replacement): TurnEndAppend {
    const at = replacing ? sequenceOf(conversationId, replacing.id) : undefined;
    return {
      store: this.redis,
      list: this.keys.list(conversationId),
      marker: this.keys.open(conversationId),
      ttlSeconds: this.ttlSeconds,
      values: activities.map(storedJson),
      notice: { channel: this.keys.notices(), message: this.notice(conversationId) },
      ...(at === undefined ? {} : { replace: { index: at - 1, value: storedJson(replacing!.activity) } }),
    };
  }

  /** admitted.append for the step that takes the activity's turn on the same Redis (not on Cluster, as forTurnEnd). */
  private prepareForTurnStart(conversationId: string, tokenId: string, activity: Partial<Activity>): TurnStartAppend {
    return {
      store: this.redis,
      refusedIf: this.keys.revoked(conversationId, tokenId),
      marker: this.keys.open(conversationId),
      list: this.keys.list(conversationId),
      ttlSeconds: this.ttlSeconds,
      value: storedJson(activity),
      notice: { channel: this.keys.notices(), message: this.notice(conversationId) },
    };
  }

  async replace(conversationId: string, id: string, activity: Partial<Activity>): Promise<void> {
    const sequence = sequenceOf(conversationId, id);
    if (sequence === undefined) return;
    await this.replaceScript([this.keys.list(conversationId)], [sequence - 1, storedJson(activity)]);
  }

  async since(conversationId: string, watermark: string | undefined, limit = DEFAULT_PAGE_LIMIT): Promise<ActivityPage> {
    const from = parseWatermark(watermark);
    const [length, raw] = await this.sinceScript([this.keys.list(conversationId)], [from, limit]);
    return page(conversationId, from, length, raw, parsedWithId);
  }

  private async admitAppend(conversationId: string, tokenId: string, activity: Partial<Activity>): Promise<Admission<string>> {
    const [revoked, open, length] = await this.admitAppendScript(this.admissionKeys(conversationId, tokenId), [this.ttlSeconds, storedJson(activity), this.keys.notices(), this.notice(conversationId)]);
    return admission(revoked, open, length === undefined ? undefined : activityId(conversationId, length));
  }

  private admitSince(conversationId: string, tokenId: string, watermark: string | undefined, limit = DEFAULT_PAGE_LIMIT): Promise<Admission<ActivityPage>> {
    return this.admitPage(conversationId, tokenId, watermark, limit, parsedWithId);
  }

  private admitSinceJson(conversationId: string, tokenId: string, watermark: string | undefined, limit = DEFAULT_PAGE_LIMIT): Promise<Admission<JsonPage>> {
    return this.admitPage(conversationId, tokenId, watermark, limit, jsonWithId);
  }

  /** The admission and page after `watermark`, each stored activity given its id by `withId`: one script. */
  private async admitPage<A>(
    conversationId: string,
    tokenId: string,
    watermark: string | undefined,
    limit: number,
    withId: (json: string, id: string) => A,
  ): Promise<Admission<{ activities: A[]; watermark: string }>> {
    const from = parseWatermark(watermark);
    const [revoked, open, length, raw] = await this.admitSinceScript(this.admissionKeys(conversationId, tokenId), [from, limit]);
    return admission(revoked, open, length === undefined ? undefined : page(conversationId, from, length, raw ?? [], withId));
  }

  watch(listener: AppendListener): AppendWatch {
    return watchAppends(this.redis, listener, {
      channel: this.keys.notices(),
      origin: this.origin,
      // Named for CLIENT LIST (the prefix says whose it is).
      connectionName: `${this.keys.prefix.replace(/[^\w:.-]/g, '_')}notices`,
      ...(this.options.listenWaitMs === undefined ? {} : { listenWaitMs: this.options.listenWaitMs }),
    });
  }

  /** The notices of conversations appended to lately (a turn appends twice: its message, then its replies). */
  private readonly notices = new RecentMap<string, string>(REMEMBERED_NOTICES);

  /** The notice of an append to this conversation: this log's origin and the conversation id's digest. */
  private notice(conversationId: string): string {
    let notice = this.notices.get(conversationId);
    if (notice === undefined) {
      notice = `${this.origin} ${noticeDigest(conversationId)}`;
      this.notices.set(conversationId, notice);
    }
    return notice;
  }

  private admissionKeys(conversationId: string, tokenId: string): string[] {
    return [this.keys.revoked(conversationId, tokenId), this.keys.open(conversationId), this.keys.list(conversationId)];
  }
}

/** The page from 0-based `from` of a list of `length`, given the JSON of its activities from there. */
function page<A>(conversationId: string, from: number, length: number, raw: string[], withId: (json: string, id: string) => A): { activities: A[]; watermark: string } {
  if (from > length) return { activities: [], watermark: String(length) };
  const activities = raw.map((json, i) => withId(json, activityId(conversationId, from + i + 1)));
  return { activities, watermark: String(from + activities.length) };
}

/** A stored activity, parsed, with its id. */
function parsedWithId(json: string, id: string): Activity {
  const activity = JSON.parse(json) as Activity;
  activity.id = id;
  return activity;
}

function admission<T>(revoked: number, open: number, value: T | undefined): Admission<T> {
  return value === undefined ? { revoked: revoked === 1, exists: open === 1 } : { revoked: false, exists: true, value };
}

function throwOnFailure(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('redis transaction aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
