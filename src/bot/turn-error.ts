import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { resolveLocale, type Texts } from '../content/texts.js';
import { StoreUnavailableError } from '../state/errors.js';
import { conversationTag } from './turn-log-middleware.js';
import { channelName } from '../ops/channel-name.js';
import { unwrapDialogError } from '../ops/dialog-error.js';
import { TURN_LOGGER_KEY } from '../ops/turn-state-keys.js';
import { SUBMITTED_REFERENCE_KEY } from '../../dialogs/review-dialog.js';
import { TURN_HOTLINE_KEY } from '../../dialogs/turn-kit.js';

/**
 * What happens when a turn fails: the person always gets an answer in their language — an apology that
 * says nothing was lost (a store fault) or that something went wrong (a bug) — and the error is logged
 * without personal data. It never throws.
 */
export function createTurnErrorHandler(deps: { texts: Texts; logger: Logger; hotline: string }) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const cause = unwrapDialogError(error).error;
    const kind = cause instanceof StoreUnavailableError ? 'store_unavailable' : 'bug';
    // The turn's own logger carries the request id and the (salted) conversation tag.
    const log = (context.turnState.get(TURN_LOGGER_KEY) as Logger | undefined) ?? deps.logger.child({ conversation: conversationTag(context.activity.conversation?.id), channel: channelName(context.activity.channelId) });
    log.error({ err: error, kind }, 'turn failed');
    const locale = resolveLocale(context.activity.locale);
    const reference = context.turnState.get(SUBMITTED_REFERENCE_KEY) as string | undefined;
    const key = reference
      ? 'system.failedAfterSubmit'
      : writeMayHaveLanded(cause)
        ? 'system.storeWriteUncertain'
        : kind === 'store_unavailable'
          ? 'system.storeUnavailable'
          : 'messages.error';
    try {
      // The hotline for this person (their insured place's, or the national one when it has no profile
      // here) when the turn got as far as reading the conversation; the default profile's otherwise.
      const hotline = personalHotline(context) ?? deps.hotline;
      await context.sendActivity({ type: 'message', text: deps.texts.t(locale, key, { hotline, reference }), locale, channelData: { error: kind } });
    } catch (sendError) {
      deps.logger.error({ err: sendError }, 'could not send the apology');
    }
  };
}

/**
 * A write that timed out or lost its connection after being sent may still have been applied by Redis:
 * the person must not be told their message was not handled (a resend would answer the next question).
 */
function writeMayHaveLanded(error: unknown): boolean {
  return error instanceof StoreUnavailableError && error.operation === 'write' && (error.fault === 'timeout' || error.fault === 'connection-lost');
}

function personalHotline(context: TurnContext): string | undefined {
  const get = context.turnState.get(TURN_HOTLINE_KEY) as (() => string) | undefined;
  try {
    return get?.();
  } catch {
    return undefined;
  }
}
