import type { Activity, PagedResult, TranscriptStore } from 'botbuilder';
import { ExpiringMap } from '../ops/expiring-map.js';
import type { TurnEndAppend } from '../state/turn-lock.js';

/**
 * Where the conversations of the channels that keep no log of their own (the Bot Framework's, WeChat) keep
 * their recent activities, for the live handoff: what `handoff.initiate` carries and what the agent reads.
 * Kept by turns (one entry per turn: its activities in order), only the last `keepTurns` of a conversation,
 * for as long as the conversation lives. Reading and forgetting follow botbuilder's TranscriptStore; writing
 * is a turn at a time (TranscriptLogger's one call per activity would be one write per activity).
 */
export interface HandoffTranscriptStore extends Pick<TranscriptStore, 'getTranscriptActivities' | 'deleteTranscript'> {
  /** Appends one turn's activities (in the order they happened); older turns beyond the bound are dropped. */
  logTurn(channelId: string, conversationId: string, activities: Partial<Activity>[]): Promise<void>;
  /**
   * Optional: logTurn's write prepared to ride on the step that ends the turn (a store in the Redis that
   * keeps the turns: see TurnEndAppend), so it costs no round trip of its own.
   */
  forTurnEnd?(channelId: string, conversationId: string, activities: Partial<Activity>[]): TurnEndAppend;
}

export interface TranscriptStoreOptions {
  /** How many turns of a conversation are kept. Default 40. */
  keepTurns?: number;
  /** How long a transcript lives after its last turn (the conversation's lifetime). Default 1 day. */
  ttlSeconds?: number;
}

export const TRANSCRIPT_DEFAULTS = { keepTurns: 40, ttlSeconds: 24 * 60 * 60 } as const;

/** One page: the whole kept transcript (it is bounded). */
export function wholePage(items: Activity[]): PagedResult<Activity> {
  return { items, continuationToken: '' };
}

/** The transcript in this process's memory (the embedded default without Redis): one instance. */
export class MemoryTranscriptStore implements HandoffTranscriptStore {
  /** Each conversation's turns, as JSON, living the conversation's lifetime after its last turn. */
  private readonly turns: ExpiringMap<string, string[]>;
  private readonly keepTurns: number;

  constructor(options: TranscriptStoreOptions = {}, now: () => number = Date.now) {
    this.keepTurns = options.keepTurns ?? TRANSCRIPT_DEFAULTS.keepTurns;
    this.turns = new ExpiringMap((options.ttlSeconds ?? TRANSCRIPT_DEFAULTS.ttlSeconds) * 1000, now);
  }

  async logTurn(channelId: string, conversationId: string, activities: Partial<Activity>[]): Promise<void> {
    if (activities.length === 0) return;
    const key = `${channelId}:${conversationId}`;
    const kept = this.turns.get(key) ?? [];
    // As JSON, as Redis keeps it: what was sent cannot change it afterwards.
    kept.push(JSON.stringify(activities));
    if (kept.length > this.keepTurns) kept.splice(0, kept.length - this.keepTurns);
    this.turns.set(key, kept);
  }

  async getTranscriptActivities(channelId: string, conversationId: string): Promise<PagedResult<Activity>> {
    const entries = this.turns.get(`${channelId}:${conversationId}`) ?? [];
    return wholePage(entries.flatMap((entry) => JSON.parse(entry) as Activity[]));
  }

  async deleteTranscript(channelId: string, conversationId: string): Promise<void> {
    this.turns.delete(`${channelId}:${conversationId}`);
  }
}
