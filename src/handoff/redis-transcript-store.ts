import type { Activity, PagedResult } from 'botbuilder';
import { DataKeyError, type FieldCipher } from '../privacy/field-cipher.js';
import { guarded } from '../state/errors.js';
import { conversationTag } from '../state/conversation-slot.js';
import { whenReady, type RedisClient } from '../state/redis-client.js';
import type { TurnEndAppend } from '../state/turn-lock.js';
import { TRANSCRIPT_DEFAULTS, wholePage, type HandoffTranscriptStore, type TranscriptStoreOptions } from './transcript-store.js';

export interface RedisTranscriptStoreOptions extends TranscriptStoreOptions {
  /** Put before every key, e.g. "beian:state:transcript:". */
  prefix?: string;
  /**
   * Seals each turn (its activities, as one JSON text) under the data key, bound to the conversation, as the
   * web transcript seals its activities' text and cards: what the person said and was told is not in Redis
   * in clear for the conversation's lifetime.
   */
  cipher?: FieldCipher;
  /** Told (the key id, never a value) when a kept turn cannot be opened: it is left out of what is read. */
  onUnreadable?: (err: DataKeyError) => void;
  /** How long a call waits for a (re)connecting client before failing. Default 1000 ms. */
  readyWaitMs?: number;
}

/**
 * The transcript in Redis, shared by every instance: one list per conversation, one value per turn (its
 * activities as JSON, sealed), cut to the last `keepTurns` and given the conversation's lifetime on every
 * append. The key carries the conversation's hash tag (a digest of the channel and conversation ids: no
 * WeChat openid in key names), the slot of its turn lock and state, so a turn's append rides on the script
 * that ends the turn (forTurnEnd), on Redis Cluster too.
 */
export class RedisTranscriptStore implements HandoffTranscriptStore {
  private readonly prefix: string;
  private readonly keepTurns: number;
  private readonly ttlSeconds: number;
  private readonly readyWaitMs: number;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisTranscriptStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'beian:transcript:';
    this.keepTurns = options.keepTurns ?? TRANSCRIPT_DEFAULTS.keepTurns;
    this.ttlSeconds = options.ttlSeconds ?? TRANSCRIPT_DEFAULTS.ttlSeconds;
    this.readyWaitMs = options.readyWaitMs ?? 1000;
  }

  forTurnEnd(channelId: string, conversationId: string, activities: Partial<Activity>[]): TurnEndAppend {
    const tag = tagOf(channelId, conversationId);
    return { store: this.client, list: this.prefix + tag, inTurnSlot: true, ttlSeconds: this.ttlSeconds, values: [this.entry(tag, activities)], keep: this.keepTurns };
  }

  /** The list's key: the conversation's hash tag (src/state/conversation-slot.ts) under the prefix. */
  key(channelId: string, conversationId: string): string {
    return this.prefix + tagOf(channelId, conversationId);
  }

  async logTurn(channelId: string, conversationId: string, activities: Partial<Activity>[]): Promise<void> {
    if (activities.length === 0) return;
    const tag = tagOf(channelId, conversationId);
    const key = this.prefix + tag;
    const entry = this.entry(tag, activities);
    const results = await this.run('transcript.append', () => this.client.multi().rpush(key, entry).ltrim(key, -this.keepTurns, -1).expire(key, this.ttlSeconds).exec());
    const failed = results?.find(([error]) => error)?.[0] ?? (results ? undefined : new Error('transaction aborted'));
    if (failed) throw failed;
  }

  async getTranscriptActivities(channelId: string, conversationId: string): Promise<PagedResult<Activity>> {
    const tag = tagOf(channelId, conversationId);
    const entries = await this.run('transcript.read', () => this.client.lrange(this.prefix + tag, 0, -1));
    return wholePage(entries.flatMap((entry) => this.open(tag, entry)));
  }

  async deleteTranscript(channelId: string, conversationId: string): Promise<void> {
    await this.run('transcript.delete', () => this.client.del(this.key(channelId, conversationId)));
  }

  private entry(tag: string, activities: Partial<Activity>[]): string {
    const json = JSON.stringify(activities);
    return this.options.cipher ? this.options.cipher.seal(json, label(tag)) : json;
  }

  private open(tag: string, entry: string): Activity[] {
    try {
      const json = this.options.cipher ? this.options.cipher.open(entry, label(tag)) : entry;
      return JSON.parse(json) as Activity[];
    } catch (err) {
      if (!(err instanceof DataKeyError)) throw err;
      this.options.onUnreadable?.(err);
      return [];
    }
  }

  private async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    await guarded(operation, () => whenReady(this.client, this.readyWaitMs, operation));
    return guarded(operation, work);
  }
}

/**
 * The conversation's hash tag, as its turn lock's (named `{channelId}/{conversationId}` as the turn order
 * names it): what its key and its sealed turns name, never the channel's own ids (which may find a person).
 */
const tagOf = (channelId: string, conversationId: string) => conversationTag(`${channelId}/${conversationId}`);

/** What a sealed turn is bound to: this conversation's transcript (an entry moved to another does not open). */
const label = (tag: string) => `transcript:${tag}`;
