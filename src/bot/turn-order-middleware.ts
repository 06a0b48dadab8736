import type { Middleware, TurnContext } from 'botbuilder';
import { resolveLocale } from '../content/texts.js';
import { TURN_END_APPEND_KEY, TURN_ERROR_KIND_KEY, TURN_LOGGER_KEY, TURN_OUTCOME_KEY } from '../ops/turn-state-keys.js';
import { isStoreUnavailable } from '../state/errors.js';
import { TURN_ORDER_DEFAULTS, type Deduper, type TurnEndAppend, type TurnLease, type TurnLock, type TurnStartAppend } from '../state/turn-lock.js';

/** The logger calls this middleware makes (pino's shape). Only codes and tags, never personal data. */
export interface TurnOrderLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface TurnOrderOptions {
  lock: TurnLock;
  deduper: Deduper;
  /** Renders `system.busy` and `system.storeUnavailable` (src/content/texts.ts `Texts`). */
  texts: { t(locale: ReturnType<typeof resolveLocale>, key: string): string };
  /** How long a turn waits behind another turn of the same conversation. Default 5000 ms. */
  maxWaitMs?: number;
  /** Fallback logger when the turn has none on turnState (TURN_LOGGER_KEY). */
  logger?: TurnOrderLogger;
}

/** turnState: the turn taken before the middleware ran (TurnOrderMiddleware.takeTurn), for onTurn. */
const TAKEN = Symbol('turn order: taken before the middleware ran');

interface Taken {
  lease?: TurnLease;
  /** The line could not be waited in after the activity was appended (the turn says so). */
  error?: unknown;
}

/**
 * What a channel that appends the turn's activity itself asks of the turn order before its middleware runs
 * (the web channel's adapter finds it among the middleware it is given): see TurnOrderMiddleware.takeTurn.
 */
export interface TurnTaker {
  takeTurn(context: TurnContext, start: TurnStartAppend): Promise<() => Promise<void>>;
}

/**
 * Runs the turns of one conversation one at a time, in arrival order, across all bot instances,
 * and drops redelivered activities.
 *
 * BotState saves with eTag `*` (last writer wins), so without this two instances handling two
 * messages of one person at once would each save their own copy of the dialog state and one would
 * be lost. Put it before anything that loads state (after the turn log middleware).
 *
 * - An activity whose turn already succeeded within the dedupe window is dropped silently (a channel
 *   retry); the check runs under the conversation's lock, and an id is remembered only after its turn
 *   succeeded, so a turn that failed, was refused as busy or met a store fault is handled when resent.
 * - A turn that waits longer than `maxWaitMs` is not run; the person gets `system.busy` ("one
 *   moment, send it again"), and turnState TURN_OUTCOME_KEY = 'busy'.
 * - With a lock that keeps the conversation's state and handled ids (Redis), taking the turn, the
 *   redelivery check and reading the state are one round trip, and saving the state, remembering the id
 *   and releasing another (TurnLease.handled, TurnLease.succeeded).
 * - If the lock store cannot answer, the turn is not run; the person gets
 *   `system.storeUnavailable` (TURN_OUTCOME_KEY = 'error'). Errors from the turn itself pass through
 *   untouched to the adapter's onTurnError.
 * - A channel that logs the turn's activity itself may have it appended by the step that takes the turn
 *   (takeTurn, before the middleware runs; the web channel's message): one round trip for both.
 */
export class TurnOrderMiddleware implements Middleware, TurnTaker {
  private readonly maxWaitMs: number;

  constructor(private readonly options: TurnOrderOptions) {
    this.maxWaitMs = options.maxWaitMs ?? TURN_ORDER_DEFAULTS.maxWaitMs;
  }

  /**
   * Takes the conversation's turn before the middleware runs, with the channel's admission and append of the
   * turn's activity on the first step (TurnStartAppend; the lock sets what became of it). onTurn then runs
   * the turn under that lease (or says the conversation is busy, or the store away, as it would). Throws
   * when the store could not be reached before anything was appended; resolves, when the admission was
   * refused, with nothing taken. Returns what lets go of the turn should the middleware never run (a turn
   * refused before the turn order, e.g. while draining).
   */
  async takeTurn(context: TurnContext, start: TurnStartAppend): Promise<() => Promise<void>> {
    const activity = context.activity;
    const letGo = async (): Promise<void> => {
      const taken = context.turnState.get(TAKEN) as Taken | undefined;
      if (!taken) return;
      context.turnState.delete(TAKEN);
      await taken.lease?.release().catch(() => {});
    };
    if (!activity.conversation?.id) return letGo;
    let taken: Taken;
    try {
      const lease = await this.options.lock.acquire(`${activity.channelId}/${activity.conversation.id}`, { maxWaitMs: this.maxWaitMs, start });
      if (start.refused) return letGo;
      taken = lease ? { lease } : {};
    } catch (err) {
      if (start.length === undefined) throw err; // nothing appended: the channel answers that the store is away
      taken = { error: err };
    }
    context.turnState.set(TAKEN, taken);
    return letGo;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activity = context.activity;
    const conversationId = activity.conversation?.id;
    if (!conversationId) return next();
    const conversation = `${activity.channelId}/${conversationId}`;
    const activityId = activity.id ? `${conversation}/${activity.id}` : undefined;
    const log = this.logger(context);
    const taken = context.turnState.get(TAKEN) as Taken | undefined;
    if (taken) context.turnState.delete(TAKEN);

    let lease;
    try {
      if (taken?.error !== undefined) throw taken.error;
      lease = taken ? taken.lease : await this.options.lock.acquire(conversation, { maxWaitMs: this.maxWaitMs, ...(activityId ? { activityId } : {}) });
      // Asked while holding the conversation, so a copy arriving at the same time waits and then finds it handled
      // (a lock that keeps the handled ids answers as it takes the conversation).
      if (lease && activityId && (lease.handled ?? (await this.options.deduper.handled(activityId, conversation)))) {
        log?.info({ activityType: activity.type }, 'redelivered activity dropped');
        await lease.release().catch(() => {});
        return;
      }
    } catch (err) {
      if (lease) await lease.release().catch(() => {});
      if (!isStoreUnavailable(err)) throw err;
      log?.warn({ err, fault: err.fault }, 'turn order store unavailable; turn not run');
      context.turnState.set(TURN_OUTCOME_KEY, 'error');
      context.turnState.set(TURN_ERROR_KIND_KEY, 'store_unavailable');
      await this.say(context, 'system.storeUnavailable');
      return;
    }

    if (!lease) {
      log?.info({ waitedMs: this.maxWaitMs }, 'conversation busy; turn not run');
      context.turnState.set(TURN_OUTCOME_KEY, 'busy');
      await this.say(context, 'system.busy');
      return;
    }

    try {
      await next();
      // Only a turn that succeeded counts as handled: a failed one is handled again when redelivered.
      if (lease.succeeded) {
        // Remembered, saved and released in one step (with the channel's own writes, when it has some for
        // that step); a turn whose state could not be saved failed.
        await lease.succeeded(context.turnState.get(TURN_END_APPEND_KEY) as TurnEndAppend | undefined).catch((err: unknown) => {
          if (!isStoreUnavailable(err) || err.operation !== 'unlock') throw err;
          log?.warn({ err }, 'could not remember the handled activity id or release the turn');
        });
      } else if (activityId) {
        await this.options.deduper.remember(activityId, conversation).catch((err: unknown) => log?.warn({ err }, 'could not remember the handled activity id'));
      }
    } finally {
      // If Redis is gone the lease simply expires; the turn's own outcome is what matters.
      await lease.release().catch((err: unknown) => log?.warn({ err }, 'turn lease release failed'));
      if (lease.lost) log?.warn({}, 'turn lease expired while the turn ran; another turn may have overlapped');
    }
  }

  private async say(context: TurnContext, key: string): Promise<void> {
    const locale = resolveLocale(context.activity.locale);
    await context.sendActivity({ type: 'message', text: this.options.texts.t(locale, key), locale, channelData: { system: key } });
  }

  private logger(context: TurnContext): TurnOrderLogger | undefined {
    return (context.turnState.get(TURN_LOGGER_KEY) as TurnOrderLogger | undefined) ?? this.options.logger;
  }
}
