import type { BotAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { ActivityLog } from '../channels/web/activity-log.js';
import { WEB_CHANNEL_ID, type WebChannelAdapter } from '../channels/web/web-adapter.js';
import { WECHAT_CHANNEL_ID } from '../channels/wechat/wechat-channel.js';
import { WeChatWindowClosedError } from '../channels/wechat/wechat-adapter.js';
import { noticeActivity, type NoticeDelivery, type NoticeMessage } from './delivery.js';
import { HOTLINE_CHANNEL_ID } from '../channels/hotline/hotline-adapter.js';

/**
 * Each channel's way to reach a person unasked, through its own adapter's proactive path
 * (continueConversation), so the message runs the same middleware as every turn and lands where the
 * channel's replies land.
 */

const send = (message: NoticeMessage) => async (context: TurnContext) => {
  await context.sendActivity(noticeActivity(message));
};

/**
 * The stored reference without the id of the message it was taken from: a proactive turn made from it
 * would otherwise carry that id, and the turn order middleware would drop it as a redelivery.
 */
function fresh(reference: Partial<ConversationReference>): Partial<ConversationReference> {
  const { activityId: _id, ...rest } = reference;
  return rest;
}

/** The web page: into the conversation's log while the conversation lives (the page's next poll or its stream shows it). */
export function webDelivery(adapter: WebChannelAdapter, log: ActivityLog): NoticeDelivery {
  return {
    name: 'web',
    carries: (channelId) => channelId === WEB_CHANNEL_ID,
    async deliver(reference, message) {
      const id = reference.conversation?.id;
      if (!id || !(await log.exists(id))) return 'unreachable';
      await adapter.continueConversation(fresh(reference), send(message));
      return 'sent';
    },
  };
}

/** WeChat: a customer-service message, within 48 hours of the person's last message (else unreachable). */
export function weChatDelivery(adapter: BotAdapter): NoticeDelivery {
  return {
    name: 'wechat',
    carries: (channelId) => channelId === WECHAT_CHANNEL_ID,
    async deliver(reference, message) {
      try {
        await (adapter as BotAdapter & { continueConversation(r: Partial<ConversationReference>, l: (c: TurnContext) => Promise<void>): Promise<void> }).continueConversation(fresh(reference), send(message));
        return 'sent';
      } catch (err) {
        if (err instanceof WeChatWindowClosedError) return 'unreachable';
        throw err;
      }
    },
  };
}

/**
 * The Bot Framework's channels (Teams, Emulator, Direct Line…): a proactive message to the stored
 * conversation reference through the connector (CloudAdapter.continueConversationAsync), as the bot's
 * app id. Every channel id not carried by another channel is the Bot Framework's, but the hotline's: a
 * caller on the phone is reached by a text message instead (sms-delivery.ts).
 */
export function botFrameworkDelivery(adapter: BotAdapter, appId: string, others: readonly string[] = [WEB_CHANNEL_ID, WECHAT_CHANNEL_ID, HOTLINE_CHANNEL_ID]): NoticeDelivery {
  return {
    name: 'bot-framework',
    carries: (channelId) => !others.includes(channelId),
    async deliver(reference, message) {
      if (!reference.serviceUrl || !reference.conversation?.id) return 'unreachable';
      await adapter.continueConversationAsync(appId, fresh(reference), send(message));
      return 'sent';
    },
  };
}
