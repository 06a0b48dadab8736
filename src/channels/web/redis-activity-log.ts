import type { Activity } from 'botbuilder';
import { script, type RedisClient } from '../../state/redis-client.js';
import {
  activityId,
  DEFAULT_CONVERSATION_TTL_SECONDS,
  DEFAULT_PAGE_LIMIT,
  parseWatermark,
  sequenceOf,
  type ActivityLog,
  type ActivityPage,
} from './activity-log.js';

/** Sets the activity at a 0-based index if the list still reaches it. KEYS: list. ARGV: index, JSON. */
const REPLACE_LUA = `
if redis.call('LLEN', KEYS[1]) > tonumber(ARGV[1]) then
  redis.call('LSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0
`;

/** The key that says a conversation of the log is open (RedisWebAccess asks it with a revocation). */
export function openConversationKey(prefix: string, conversationId: string): string {
  return `${prefix}{${conversationId}}:open`;
}

export interface RedisActivityLogOptions {
  /** Put before every key, e.g. "yidi:webchat:". */
  keyPrefix?: string;
  /** A conversation is forgotten this long after its last activity. */
  ttlSeconds?: number;
}

/**
 * The log in Redis, shared by every instance: one list per conversation (the activities as JSON, in
 * order) and one marker key saying the conversation was opened, both with a TTL renewed on each append.
 * An activity's id is its position in the list, so ids and watermarks agree on every instance. Both keys
 * share a hash tag (the conversation id in braces), so the transactions also work on Redis Cluster.
 */
export class RedisActivityLog implements ActivityLog {
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  private readonly replaceScript: (keys: string[], args: (string | number)[]) => Promise<number>;

  constructor(
    private readonly redis: RedisClient,
    options: RedisActivityLogOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? 'webchat:';
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_CONVERSATION_TTL_SECONDS;
    this.replaceScript = script<number>(redis, 'beianWebLogReplace', REPLACE_LUA);
  }

  async create(conversationId: string): Promise<void> {
    await this.redis
      .multi()
      .set(this.openKey(conversationId), '1', 'EX', this.ttlSeconds)
      .expire(this.listKey(conversationId), this.ttlSeconds)
      .exec()
      .then(throwOnFailure);
  }

  async exists(conversationId: string): Promise<boolean> {
    return (await this.redis.exists(this.openKey(conversationId))) === 1;
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<string> {
    const { id: _ignored, ...rest } = activity;
    const results = throwOnFailure(
      await this.redis
        .multi()
        .rpush(this.listKey(conversationId), JSON.stringify(rest))
        .expire(this.listKey(conversationId), this.ttlSeconds)
        .set(this.openKey(conversationId), '1', 'EX', this.ttlSeconds)
        .exec(),
    );
    return activityId(conversationId, Number(results[0]));
  }

  async replace(conversationId: string, id: string, activity: Partial<Activity>): Promise<void> {
    const sequence = sequenceOf(conversationId, id);
    if (sequence === undefined) return;
    const { id: _ignored, ...rest } = activity;
    await this.replaceScript([this.listKey(conversationId)], [sequence - 1, JSON.stringify(rest)]);
  }

  async since(conversationId: string, watermark: string | undefined, limit = DEFAULT_PAGE_LIMIT): Promise<ActivityPage> {
    const from = parseWatermark(watermark);
    const key = this.listKey(conversationId);
    const [length, raw] = throwOnFailure(
      await this.redis
        .multi()
        .llen(key)
        .lrange(key, from, from + limit - 1)
        .exec(),
    ) as [number, string[]];
    if (from > length) return { activities: [], watermark: String(length) };
    const activities = raw.map((json, i) => ({ ...(JSON.parse(json) as Activity), id: activityId(conversationId, from + i + 1) }));
    return { activities, watermark: String(from + activities.length) };
  }

  private listKey(conversationId: string): string {
    return `${this.prefix}{${conversationId}}:activities`;
  }

  private openKey(conversationId: string): string {
    return openConversationKey(this.prefix, conversationId);
  }
}

function throwOnFailure(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('redis transaction aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
