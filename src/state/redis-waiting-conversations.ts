import { guarded } from './errors.js';
import { isCluster, script, whenReady, type RedisClient } from './redis-client.js';
import { conversationDigest, conversationStateKey } from './conversation-slot.js';
import type { RedisStorage } from './redis-storage.js';
import { SWEEP_LIMIT, type WaitingConversations } from './waiting-conversations.js';

export interface RedisWaitingConversationsOptions {
  /** Prepended to the two keys. Default `beian:waiting:`. */
  prefix?: string;
  /** How long a call waits for a (re)connecting client before failing. Default 1000 ms. */
  readyWaitMs?: number;
  /**
   * The conversation state store on the same (standalone or Sentinel) Redis: a note about a conversation
   * whose turn this process holds is then sent with the script that ends the turn (RedisTurnLock), not on
   * its own. On Cluster the two keys here live in a slot of their own, and notes are sent at once.
   */
  turnState?: RedisStorage;
}

/**
 * KEYS: since (zset conversation → last activity ms), step (hash conversation → prompt id).
 * ARGV: conversation, step, at ms. (Inside a held turn the same is done by the turn's end script.)
 */
const WAITING_LUA = `
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`;

/** KEYS: since, step. ARGV: conversation. */
const DONE_LUA = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

/** KEYS: since, step. ARGV: before ms, limit. Returns the steps of the conversations taken out. */
const SWEEP_LUA = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local steps = {}
for i, conversation in ipairs(gone) do
  steps[i] = redis.call('HGET', KEYS[2], conversation) or 'unknown'
  redis.call('ZREM', KEYS[1], conversation)
  redis.call('HDEL', KEYS[2], conversation)
end
return steps
`;

/**
 * WaitingConversations shared by every instance: a sorted set by last activity and a hash of steps,
 * both under one hash tag so the scripts also run on Redis Cluster. A sweep takes conversations out
 * atomically, so however many instances sweep, each abandoned conversation is counted once. Inside a
 * turn this process holds, a note rides on the script that ends the turn (`turnState`).
 */
export class RedisWaitingConversations implements WaitingConversations {
  private readonly since: string;
  private readonly step: string;
  private readonly readyWaitMs: number;
  private readonly mark: (keys: string[], args: (string | number)[]) => Promise<number>;
  private readonly unmark: (keys: string[], args: (string | number)[]) => Promise<number>;
  private readonly take: (keys: string[], args: (string | number)[]) => Promise<string[]>;

  constructor(
    private readonly client: RedisClient,
    options: RedisWaitingConversationsOptions = {},
  ) {
    const prefix = options.prefix ?? 'beian:waiting:';
    this.since = `${prefix}{waiting}:since`;
    this.step = `${prefix}{waiting}:step`;
    this.readyWaitMs = options.readyWaitMs ?? 1000;
    this.mark = script<number>(client, 'beianWaitingMark', WAITING_LUA);
    this.unmark = script<number>(client, 'beianWaitingDone', DONE_LUA);
    this.take = script<string[]>(client, 'beianWaitingSweep', SWEEP_LUA);
    this.turnState = isCluster(client) ? undefined : options.turnState;
  }

  private readonly turnState: RedisStorage | undefined;

  /** Hands the note to the turn this process holds for the conversation (`{channelId}:{conversationId}`); false when it holds none. */
  private withTurn(conversation: string, step: string | undefined, atMs: number): boolean {
    const colon = conversation.indexOf(':');
    const key = colon > 0 ? conversationStateKey(`${conversation.slice(0, colon)}/${conversation.slice(colon + 1)}`) : undefined;
    const held = key && this.turnState?.held(key);
    if (!held) return false;
    held.waiting = { keys: [this.since, this.step], member: this.member(conversation), step, atMs };
    return true;
  }

  /** Conversation ids are hashed: the keys hold no channel's identifiers. */
  private member(conversation: string): string {
    return conversationDigest(conversation);
  }

  async waiting(conversation: string, step: string, atMs: number): Promise<void> {
    if (this.withTurn(conversation, step, atMs)) return;
    await guarded('waiting', () => whenReady(this.client, this.readyWaitMs, 'waiting'));
    await guarded('waiting', () => this.mark([this.since, this.step], [this.member(conversation), step, atMs]));
  }

  async done(conversation: string): Promise<void> {
    if (this.withTurn(conversation, undefined, 0)) return;
    await guarded('waiting', () => whenReady(this.client, this.readyWaitMs, 'waiting'));
    await guarded('waiting', () => this.unmark([this.since, this.step], [this.member(conversation)]));
  }

  async sweep(beforeMs: number, limit = SWEEP_LIMIT): Promise<string[]> {
    await guarded('waiting', () => whenReady(this.client, this.readyWaitMs, 'waiting'));
    return guarded('waiting', () => this.take([this.since, this.step], [beforeMs, limit]));
  }
}
