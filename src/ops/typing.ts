import { ActivityTypes, TurnContext, type Middleware } from 'botbuilder';
import { capabilitiesOf, type ChannelCapabilities } from '../../dialogs/channel-capabilities.js';

export interface TypingOpts {
  /** Wait before the first indicator, so quick answers come without one; default 500 ms. */
  delayMs?: number;
  /** Repeat while the turn runs; default 2000 ms. */
  periodMs?: number;
}

/**
 * Whether a typing indicator can help this turn: a message, on a channel whose capabilities say it draws
 * one (WeChat, SMS and e-mail do not: there a typing activity is at best dropped, at worst an empty
 * message), and not answered in the HTTP response (deliveryMode "expectReplies" gets all replies at once
 * when the turn ends, so a typing activity would arrive after the answer it announces).
 */
export function typingApplies(activity: TurnContext['activity'], capabilities: Pick<ChannelCapabilities, 'typing'>): boolean {
  return activity.type === 'message' && capabilities.typing && activity.deliveryMode !== 'expectReplies';
}

/**
 * Sends "typing" after `delayMs` and every `periodMs` until the turn ends, straight through the adapter
 * (as botbuilder's ShowTypingMiddleware does: no other middleware sees it, and the turn does not count as
 * answered), on turns where typingApplies() by the turn's capabilities. Unlike ShowTypingMiddleware, an indicator that cannot be
 * delivered is simply dropped: that one hands the failure to the adapter's onTurnError — an apology for a
 * lost "typing", and, once the turn is over, a TypeError on the revoked turn context that no one catches,
 * which ended the process (found by the HTTP fuzzer with a serviceUrl that refuses connections).
 */
export function createTypingMiddleware(opts: TypingOpts = {}): Middleware {
  const delayMs = opts.delayMs ?? 500;
  const periodMs = opts.periodMs ?? 2000;
  return {
    // A turn without an indicator (WeChat's, one answered in the HTTP response) goes on at once: no async step of its own.
    onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      return typingApplies(context.activity, capabilitiesOf(context)) ? whileTyping(context, next, delayMs, periodMs) : next();
    },
  };
}

/** Runs the rest of the turn, with "typing" sent after `delayMs` and every `periodMs` until it ends. */
async function whileTyping(context: TurnContext, next: () => Promise<void>, delayMs: number, periodMs: number): Promise<void> {
  const { adapter } = context;
  const reference = TurnContext.getConversationReference(context.activity);
  const typing = TurnContext.applyConversationReference({ type: ActivityTypes.Typing, relatesTo: context.activity.relatesTo }, reference);
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const indicate = async (): Promise<void> => {
    if (finished) return;
    try {
      await adapter.sendActivities(context, [{ ...typing }]);
    } catch {
      // A typing indicator that did not go out matters to no one; the turn's own replies report their failures.
    }
    if (!finished) timer = setTimeout(() => void indicate(), periodMs);
  };
  timer = setTimeout(() => void indicate(), delayMs);
  try {
    await next();
  } finally {
    finished = true;
    clearTimeout(timer);
  }
}
