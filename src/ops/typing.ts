import { ShowTypingMiddleware, type Middleware, type TurnContext } from 'botbuilder';

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
 * botbuilder's ShowTypingMiddleware (it sends "typing" after `delay` and every `period` until the turn
 * ends, straight through the adapter so no other middleware sees it), limited to turns where
 * typingApplies().
 */
export function createTypingMiddleware(opts: TypingOpts = {}): Middleware {
  const inner = new ShowTypingMiddleware(opts.delayMs ?? 500, opts.periodMs ?? 2000);
  const channels = opts.channels ?? TYPING_CHANNELS;
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      if (typingApplies(context.activity, channels)) await inner.onTurn(context, next);
      else await next();
    },
  };
}
