import { ActivityTypes, TurnContext, type Middleware } from 'botbuilder';

/**
 * Channels whose clients draw a typing indicator. Others (WeChat official accounts, SMS, e-mail)
 * cannot show one, and a typing activity there is at best dropped, at worst sent as an empty message.
 */
export const TYPING_CHANNELS: readonly string[] = ['webchat', 'directline', 'emulator', 'msteams', 'telegram', 'facebook', 'slack'];

export interface TypingOpts {
  /** Wait before the first indicator, so quick answers come without one; default 500 ms. */
  delayMs?: number;
  /** Repeat while the turn runs; default 2000 ms. */
  periodMs?: number;
  channels?: readonly string[];
}

/**
 * Whether a typing indicator can help this turn: a message, on a channel that shows one, and not
 * answered in the HTTP response (deliveryMode "expectReplies" — the web page's shim — gets all replies
 * at once when the turn ends, so a typing activity would arrive after the answer it announces).
 */
export function typingApplies(activity: TurnContext['activity'], channels: readonly string[] = TYPING_CHANNELS): boolean {
  return activity.type === 'message' && channels.includes(activity.channelId) && activity.deliveryMode !== 'expectReplies';
}

/**
 * Sends "typing" after `delayMs` and every `periodMs` until the turn ends, straight through the adapter
 * (as botbuilder's ShowTypingMiddleware does: no other middleware sees it, and the turn does not count as
 * answered), on turns where typingApplies(). Unlike ShowTypingMiddleware, an indicator that cannot be
 * delivered is simply dropped: that one hands the failure to the adapter's onTurnError — an apology for a
 * lost "typing", and, once the turn is over, a TypeError on the revoked turn context that no one catches,
 * which ended the process (found by the HTTP fuzzer with a serviceUrl that refuses connections).
 */
export function createTypingMiddleware(opts: TypingOpts = {}): Middleware {
  const delayMs = opts.delayMs ?? 500;
  const periodMs = opts.periodMs ?? 2000;
  const channels = opts.channels ?? TYPING_CHANNELS;
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      if (!typingApplies(context.activity, channels)) return next();
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
    },
  };
}
