/**
 * Contracts for ordering turns of one conversation and for dropping redelivered activities.
 * Two implementations each: in-process (memory mode, one instance) and Redis (many instances).
 */

/** The right to run one turn of a conversation. */
export interface TurnLease {
  /**
   * Gives the conversation to the next waiting turn (after a failed turn, or one not run). Idempotent;
   * never throws for a lost lease. A lock that keeps the conversation's state (Redis with turnState) also
   * saves here what the turn wrote.
   */
  release(): Promise<void>;
  /** True once the lease was found taken over (it expired while held: the holder stalled too long). */
  readonly lost: boolean;
  /**
   * Set when the lock answered, as it took the conversation, whether `AcquireOptions.activityId`'s turn
   * already succeeded (the Deduper is then not asked).
   */
  readonly handled?: boolean;
  /**
   * Present when the lock keeps the handled ids itself: the turn succeeded — remember its activity, save
   * what it wrote, and release, in one step. Throws StoreUnavailableError with operation `write` when the
   * turn's state could not be saved (the turn then failed), `unlock` when only the rest failed.
   */
  succeeded?(rider?: TurnEndAppend): Promise<void>;
}

/**
 * A channel's own writes that ride on the step that ends a successful turn (TurnLease.succeeded), so that
 * they cost no round trip of their own: values appended to a list (the web channel's transcript: the turn's
 * replies; the handoff transcript of the other channels: the turn's activities), its lifetime and a marker
 * key's (when given) renewed, after one value replaced in place, and the list cut to its last `keep` values. A lease that can take
 * them (on the same store) sets `taken` before it tries (they are then written with the turn's state, or not at all) and `length`
 * (the list's, after the append) once written; one that cannot leaves both unset, and the channel writes them
 * itself. Put on the turn under TURN_END_APPEND_KEY (src/ops/turn-state-keys.ts).
 */
export interface TurnEndAppend {
  /** Where the list lives (the Redis client): a lease takes the writes only on its own. */
  store: unknown;
  list: string;
  /** A key set with the list's lifetime on each append (the web channel's "conversation open"). */
  marker?: string;
  /**
   * The list (and marker) carry the conversation's hash tag (src/state/conversation-slot.ts), as the turn's
   * own keys do: taken on Redis Cluster too (otherwise only where all keys share one node).
   */
  inTurnSlot?: boolean;
  ttlSeconds: number;
  values: string[];
  /** After the append, only the last `keep` values stay (absent or 0: all). */
  keep?: number;
  /** Put at this 0-based index first, when the list reaches it. */
  replace?: { index: number; value: string };
  /** Published after the append (PUBLISH channel message): who follows the list learns of it. */
  notice?: { channel: string; message: string };
  taken?: boolean;
  length?: number;
}

/**
 * A channel's own admission and append that ride on the first step that takes a turn (AcquireOptions.start),
 * so that a message costs no round trip of its own: unless `refusedIf` exists (a revoked token) or `marker`
 * does not (the conversation is not open), `value` is appended to `list` (its lifetime and the marker's
 * renewed, `notice` published) and the turn joins the conversation's line in the same step — the turns of
 * the messages appended run in the order they were appended, on every instance. A lock that can take it (on
 * the same store) sets `taken` before it tries, then `refused` (nothing appended, no turn taken: acquire
 * resolves undefined) or `length` (the list's, after the append: the appended activity's place); one that
 * cannot leaves all three unset, takes the turn as usual, and the channel appends itself.
 */
export interface TurnStartAppend {
  /** Where the list lives (the Redis client): a lock takes it only on its own. */
  store: unknown;
  refusedIf: string;
  marker: string;
  list: string;
  ttlSeconds: number;
  value: string;
  notice?: { channel: string; message: string };
  taken?: boolean;
  refused?: 'revoked' | 'missing';
  length?: number;
}

export interface AcquireOptions {
  /** Longest time to wait in line; then acquire resolves undefined. */
  maxWaitMs: number;
  /** The activity the turn is for (`{conversation}/{activity id}`): see TurnLease.handled. */
  activityId?: string;
  /**
   * The channel's admission and append of the turn's activity, on the first step (see TurnStartAppend). The
   * activity it appends is new: it cannot have been handled (TurnLease.handled is false) and is not
   * remembered as handled.
   */
  start?: TurnStartAppend;
}

/**
 * A per-conversation mutual exclusion with a fair queue: turns of one conversation run one at a
 * time, in the order they asked. `key` identifies the conversation (any string; implementations may
 * hash it).
 */
export interface TurnLock {
  /**
   * Waits in line for the conversation. Resolves a lease, or undefined when `maxWaitMs` passed
   * first (the caller then answers "one moment"). Throws StoreUnavailableError when the shared
   * store cannot answer.
   */
  acquire(key: string, options: AcquireOptions): Promise<TurnLease | undefined>;
  /** How many turns of this conversation are waiting (not counting the holder). */
  waiting(key: string): Promise<number>;
}

/**
 * Remembers, for a window, the activity ids whose turns were handled, so that a redelivered activity
 * is handled once. Asked while holding the conversation's turn lock, and told only after a turn
 * succeeded: an activity whose turn failed, was refused as busy, or met a store fault is handled when
 * it comes again.
 */
export interface Deduper {
  /** True when a turn for `id` succeeded within the window. `conversation` is the one the id belongs to. */
  handled(id: string, conversation?: string): Promise<boolean>;
  /** Records that the turn for `id` succeeded. */
  remember(id: string, conversation?: string): Promise<void>;
}

export const TURN_ORDER_DEFAULTS = {
  /**
   * A lease expires this long after its last renewal. A live holder renews it every third of this,
   * so only a crashed (or frozen) instance lets it expire; the conversation is then free again.
   */
  lockTtlMs: 10_000,
  /** A turn waits at most this long in line before answering "one moment". */
  maxWaitMs: 5_000,
  /** Activity ids are remembered this long (channels redeliver within seconds to minutes). */
  dedupeWindowMs: 10 * 60 * 1000,
} as const;
