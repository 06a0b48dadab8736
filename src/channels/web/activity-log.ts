import type { Activity } from 'botbuilder';
import type { TurnEndAppend, TurnStartAppend } from '../../state/turn-lock.js';
import { ExpiringMap } from '../../ops/expiring-map.js';

/** A page of a conversation's activities after a watermark, and the watermark to ask from next time. */
export interface ActivityPage {
  activities: Activity[];
  watermark: string;
}

/** An ActivityPage as JSON text: each activity's JSON (with its id), ready to be sent as it is. */
export interface JsonPage {
  activities: string[];
  watermark: string;
}

/** A JsonPage's answer to a poll: `{"activities":[…],"watermark":"…"}`. */
export function jsonPageText(page: JsonPage): string {
  return `{"activities":[${page.activities.join(',')}],"watermark":${JSON.stringify(page.watermark)}}`;
}

/** Puts `activity` in the place of the activity with this id (see ActivityLog.replace). */
export interface Replacement {
  id: string;
  activity: Partial<Activity>;
}

/**
 * What a log that answers for a token too (ActivityLog.admitted) says: whether the token was revoked,
 * whether the conversation exists, and — only when it was not revoked and exists — the work's result.
 */
export interface Admission<T> {
  revoked: boolean;
  exists: boolean;
  value?: T;
}

/**
 * A request's admission and its work in one step, for a log kept beside the channel's access store
 * (RedisActivityLog and RedisWebAccess under one prefix): the work is done only when the token (by its id,
 * see WebTokens) was not revoked and the conversation exists.
 */
export interface AdmittedLog {
  /** Appends `activity` (see ActivityLog.append); value: its id. */
  append(conversationId: string, tokenId: string, activity: Partial<Activity>): Promise<Admission<string>>;
  /** The page after `watermark` (see ActivityLog.since). */
  since(conversationId: string, tokenId: string, watermark: string | undefined, limit?: number): Promise<Admission<ActivityPage>>;
  /**
   * Optional: since, as JSON text (what a poll sends), without building the activities as objects: the same
   * activities, ids and watermark.
   */
  sinceJson?(conversationId: string, tokenId: string, watermark: string | undefined, limit?: number): Promise<Admission<JsonPage>>;
  /**
   * Optional: append's admission and write prepared to ride on the step that takes the activity's turn
   * (TurnStartAppend: a log in the Redis that keeps the turns). Its id follows from the `length` the step sets.
   */
  forTurnStart?(conversationId: string, tokenId: string, activity: Partial<Activity>): TurnStartAppend;
}

/**
 * Where the web channel keeps each conversation's activities (the user's and the bot's), in order.
 * The page polls it with a watermark, so any server instance that shares the log can answer a poll,
 * and a message the bot sends later (another instance, a proactive message) reaches the page on its
 * next poll. The watermark is the number of activities the client has already seen.
 */
export interface ActivityLog {
  /** Appends one activity and returns the id it got ("<conversationId>|0000007"). */
  append(conversationId: string, activity: Partial<Activity>): Promise<string>;
  /**
   * Appends several activities together, in order and with nothing between them (a turn's replies, in one
   * round trip), after putting `replacing` in its place when given (see replace). Returns their ids.
   */
  appendAll(conversationId: string, activities: Partial<Activity>[], replacing?: Replacement): Promise<string[]>;
  /**
   * Puts `activity` in the place of the one with this id (it keeps the id): the person's message, once
   * the bot has taken it, kept with its personal data masked. Nothing happens when there is no such
   * activity (the conversation expired meanwhile). It is meant for the person's message: a sealed log
   * (SealedActivityLog) keeps the envelope of a batch of the bot's activities on one of them.
   */
  replace(conversationId: string, id: string, activity: Partial<Activity>): Promise<void>;
  /** The activities after `watermark` ('' or absent: from the start), at most `limit` of them. */
  since(conversationId: string, watermark: string | undefined, limit?: number): Promise<ActivityPage>;
  /** Whether the conversation was created and has not expired. */
  exists(conversationId: string): Promise<boolean>;
  /** Creates the conversation (idempotent): it exists, with no activities, until it expires. */
  create(conversationId: string): Promise<void>;
  /**
   * Optional: appendAll's writes prepared to ride on the step that ends the bot's turn (TurnEndAppend: a log
   * in the Redis that keeps the turns). The ids follow from the `length` the step sets.
   */
  forTurnEnd?(conversationId: string, activities: Partial<Activity>[], replacing?: Replacement): TurnEndAppend;
  /**
   * Optional, on a log shared by several instances (Redis): tells `listener` when another instance appended
   * to a conversation it follows, so open streams need not read the log to find out. Opens one listening
   * connection, until the watch is closed.
   */
  watch?(listener: AppendListener): AppendWatch;
  /**
   * Present on a log that can also answer for a token's revocation (the channel uses it only when told its
   * access store keeps its keys beside the log's: WebChannelOptions.accessSharesLog).
   */
  readonly admitted?: AdmittedLog;
}

/** Told by ActivityLog.watch about appends other instances made. */
export interface AppendListener {
  /** Another instance appended to this followed conversation. */
  appended(conversationId: string): void;
  /**
   * The log listens again after its connection was lost: appends made meanwhile may have gone untold, so
   * every followed conversation should be read once. Called once listening is in place again.
   */
  missed(): void;
}

/** A watch of a shared log (ActivityLog.watch): which conversations it tells about, and its end. */
export interface AppendWatch {
  /** Tells the listener about this conversation's appends too (counted: as often unfollowed as followed). */
  follow(conversationId: string): void;
  unfollow(conversationId: string): void;
  /** Settles once the watch first listens (or failed to: then it tells `missed` when it does); never rejects. */
  readonly listening: Promise<void>;
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}

/** How many activities one poll returns at most; the client polls again for the rest. */
export const DEFAULT_PAGE_LIMIT = 100;
/** How long a conversation lives after its last activity, unless the log is told otherwise. */
export const DEFAULT_CONVERSATION_TTL_SECONDS = 24 * 60 * 60;

/** The id of the n-th activity (1-based) of a conversation, shaped like Direct Line's. */
export function activityId(conversationId: string, sequence: number): string {
  return `${conversationId}|${String(sequence).padStart(7, '0')}`;
}

/** The position (1-based) of an activity of this conversation from its id, or undefined for any other id. */
export function sequenceOf(conversationId: string, id: string): number | undefined {
  if (!id.startsWith(`${conversationId}|`)) return undefined;
  const tail = id.slice(conversationId.length + 1);
  return /^\d{7,9}$/.test(tail) && Number(tail) > 0 ? Number(tail) : undefined;
}

/** True for a well-formed watermark: a whole count of seen activities. */
export function isWatermark(watermark: string | undefined): watermark is string {
  return watermark !== undefined && /^\d{1,9}$/.test(watermark);
}

/** A watermark as a count of seen activities: anything that is not a whole number counts as 0. */
export function parseWatermark(watermark: string | undefined): number {
  return isWatermark(watermark) ? Number(watermark) : 0;
}

/** An activity as a log keeps it: what its JSON says (as Redis keeps it), never the sender's own objects. */
function kept(activity: Partial<Activity>): Activity {
  return JSON.parse(JSON.stringify(activity)) as Activity;
}

export interface MemoryActivityLogOptions {
  ttlSeconds?: number;
  now?: () => number;
}

/** The log in this process's memory: for one instance, development and tests. A conversation lives `ttlSeconds` after it was last created or appended to. */
export class MemoryActivityLog implements ActivityLog {
  /** Each conversation's activities, oldest first (replaced in place: a replace does not make it live longer). */
  private readonly conversations: ExpiringMap<string, Activity[]>;

  constructor(options: MemoryActivityLogOptions = {}) {
    this.conversations = new ExpiringMap((options.ttlSeconds ?? DEFAULT_CONVERSATION_TTL_SECONDS) * 1000, options.now);
  }

  async create(conversationId: string): Promise<void> {
    this.conversations.set(conversationId, this.conversations.get(conversationId) ?? []);
  }

  async exists(conversationId: string): Promise<boolean> {
    return this.conversations.get(conversationId) !== undefined;
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<string> {
    return this.appendNow(conversationId, activity);
  }

  async appendAll(conversationId: string, activities: Partial<Activity>[], replacing?: Replacement): Promise<string[]> {
    if (replacing) this.replaceNow(conversationId, replacing.id, replacing.activity);
    return activities.map((activity) => this.appendNow(conversationId, activity));
  }

  async replace(conversationId: string, id: string, activity: Partial<Activity>): Promise<void> {
    this.replaceNow(conversationId, id, activity);
  }

  async since(conversationId: string, watermark: string | undefined, limit = DEFAULT_PAGE_LIMIT): Promise<ActivityPage> {
    const all = this.conversations.get(conversationId) ?? [];
    const from = Math.min(parseWatermark(watermark), all.length);
    const activities = all.slice(from, from + limit).map((a) => structuredClone(a));
    return { activities, watermark: String(from + activities.length) };
  }

  private appendNow(conversationId: string, activity: Partial<Activity>): string {
    const activities = this.conversations.get(conversationId) ?? [];
    const id = activityId(conversationId, activities.length + 1);
    activities.push(kept({ ...activity, id }));
    this.conversations.set(conversationId, activities);
    return id;
  }

  private replaceNow(conversationId: string, id: string, activity: Partial<Activity>): void {
    const activities = this.conversations.get(conversationId);
    const sequence = sequenceOf(conversationId, id);
    if (!activities || sequence === undefined || sequence > activities.length) return;
    activities[sequence - 1] = kept({ ...activity, id });
  }
}
