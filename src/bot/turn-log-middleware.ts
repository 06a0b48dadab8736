import { hash, randomUUID } from 'node:crypto';
import type { Activity, Middleware, ResourceResponse, TurnContext } from 'botbuilder';
import type { Logger } from '../ops/logger.js';
import type { Metrics, TurnOutcome } from '../ops/metrics.js';
import { channelName } from '../ops/channel-name.js';
import { unwrapDialogError } from '../ops/dialog-error.js';
import { PROMPT_ID_KEY, REQUEST_ID_KEY, TURN_ERROR_KIND_KEY, TURN_LOGGER_KEY, TURN_OUTCOME_KEY } from '../ops/turn-state-keys.js';
import { isStoreUnavailable } from '../state/errors.js';

export { PROMPT_ID_KEY, REQUEST_ID_KEY, TURN_LOGGER_KEY, TURN_OUTCOME_KEY };

export interface TurnLogOpts {
  logger: Logger;
  /** When given, every turn is also counted (bot_turns_total, bot_turn_duration_seconds, bot_errors_total by errorKind). */
  metrics?: Metrics;
  /** Mixed into the conversation hash so it cannot be matched against a list of known ids. */
  hashSalt?: string;
  now?: () => bigint;
}

/**
 * A short stable tag for a conversation id. On WeChat the conversation id is the person's openid,
 * so it is never logged as is.
 */
export function conversationTag(conversationId: string | undefined, salt = ''): string | undefined {
  if (!conversationId) return undefined;
  return hash('sha256', `${salt}\0${conversationId}`, 'hex').slice(0, 16);
}

function conversationBinding(conversationId: string | undefined, salt: string | undefined): { conversation?: string } {
  const conversation = conversationTag(conversationId, salt);
  return conversation ? { conversation } : {};
}

/**
 * One log line per turn: channel, conversation tag, activity type, the prompt the bot now waits on,
 * duration, outcome and request id. Never what the person said. Put it first in the middleware
 * chain so it times and sees everything after it. It also puts the request id and a child logger on
 * turnState (REQUEST_ID_KEY, TURN_LOGGER_KEY) for the rest of the turn.
 */
export class TurnLogMiddleware implements Middleware {
  private readonly now: () => bigint;

  constructor(private readonly opts: TurnLogOpts) {
    this.now = opts.now ?? (() => process.hrtime.bigint());
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const started = this.now();
    const activity = context.activity;
    const requestId = (context.turnState.get(REQUEST_ID_KEY) as string | undefined) ?? randomUUID();
    const channel = channelName(activity.channelId);
    context.turnState.set(REQUEST_ID_KEY, requestId);
    // A logger that writes nothing (LOG_LEVEL=silent) needs no child, nor the conversation's hash for it.
    const logger = this.opts.logger;
    const turnLogger = logger.isLevelEnabled('fatal') ? logger.child({ requestId, channel, ...conversationBinding(activity.conversation?.id, this.opts.hashSalt) }) : logger;
    context.turnState.set(TURN_LOGGER_KEY, turnLogger);

    let lastPromptId: string | undefined;
    let replies = 0;
    // Looks at what goes out and hands it on: no async step of its own around every send.
    context.onSendActivities((_ctx, activities: Partial<Activity>[], nextSend): Promise<ResourceResponse[]> => {
      for (const a of activities) {
        if (a.type === 'message') replies += 1;
        const promptId = (a.channelData as { promptId?: unknown } | undefined)?.promptId;
        if (typeof promptId === 'string') lastPromptId = promptId;
      }
      return nextSend();
    });

    let failure: unknown;
    try {
      await next();
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      const seconds = Number(this.now() - started) / 1e9;
      const marked = context.turnState.get(TURN_OUTCOME_KEY) as TurnOutcome | undefined;
      const outcome: TurnOutcome = failure !== undefined ? 'error' : marked ?? 'ok';
      const level = outcome === 'error' ? 'error' : outcome === 'ok' ? 'info' : 'warn';
      if (turnLogger.isLevelEnabled(level)) {
        const promptId = (context.turnState.get(PROMPT_ID_KEY) as string | undefined) ?? lastPromptId;
        const line = {
          activityType: activity.type,
          ...(promptId ? { promptId } : {}),
          replies,
          durationMs: Math.round(seconds * 1000 * 10) / 10,
          outcome,
          ...(failure !== undefined ? { err: failure } : {}),
        };
        turnLogger[level](line, 'turn');
      }
      this.opts.metrics?.turn(channel, outcome, seconds);
      if (outcome === 'error') this.opts.metrics?.error(errorKind(failure, context));
    }
  }
}

/**
 * bot_errors_total's kind for a failed turn, counted here once: a thrown error is `store_unavailable`
 * (the state store could not answer) or `bug`; a turn refused without throwing says its own kind on
 * turnState (TURN_ERROR_KIND_KEY), else `turn`.
 */
export function errorKind(failure: unknown, context: TurnContext): string {
  if (failure !== undefined) return isStoreUnavailable(unwrapDialogError(failure).error) ? 'store_unavailable' : 'bug';
  return (context.turnState.get(TURN_ERROR_KIND_KEY) as string | undefined) ?? 'turn';
}
