import type { ConversationReference } from 'botbuilder';
import type { StoredFiling } from '../filings/filing-store.js';

/**
 * How a notice reaches a person on the channel they filed from: the conversation reference kept with
 * the filing (FilingOrigin) and a proactive message through that channel's adapter.
 */
export type DeliveryOutcome = 'sent' | 'unreachable';

export interface NoticeDelivery {
  /** A short name for logs and metrics: 'web', 'wechat', 'bot-framework', 'sms'. */
  readonly name: string;
  /**
   * The words it carries: a chat message (notices.*, the default), or a text message to a phone
   * (notices.sms.*: short, the reference, the status and what to do next, nothing more).
   */
  readonly words?: NoticeWords;
  /** True when conversations with this activity channelId came in through this channel. */
  carries(channelId: string): boolean;
  /**
   * Sends `text` into the conversation. 'unreachable' when the channel cannot reach the person now and
   * will not later either (the web conversation has expired, WeChat's 48-hour window has closed): the
   * notice is not tried again. Throws on a fault worth another try (the connector did not answer).
   */
  deliver(reference: Partial<ConversationReference>, message: NoticeMessage, filing: StoredFiling): Promise<DeliveryOutcome>;
}

export type NoticeWords = 'chat' | 'sms';

export interface NoticeMessage {
  text: string;
  locale: string;
  /** On the message's channelData, so a page can show it as a notice: { reference, kind, status }. */
  notice: { reference: string; kind: string; status: string };
}

/** The message activity a notice is sent as. */
export function noticeActivity(message: NoticeMessage) {
  return { type: 'message', text: message.text, locale: message.locale, textFormat: 'plain', channelData: { notice: message.notice } };
}
