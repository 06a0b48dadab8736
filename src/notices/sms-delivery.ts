import { HOTLINE_CHANNEL_ID } from '../channels/hotline/hotline-adapter.js';
import { filersPhone } from '../domain/filer-contact.js';
import type { SmsSender } from '../identity/sms-sender.js';
import type { NoticeDelivery } from './delivery.js';

/**
 * A filing taken on the hotline has no chat to reach afterwards: its notices go as a text message to the
 * filer's phone on file (the agent's when an agent filed for the insured person) through the SmsSender
 * port — the embedded file sender on a local run, the configured provider in production. The words are
 * the short SMS form (notices.sms.*). A provider that does not accept the message (SmsSendError) is a
 * fault tried again as any delivery's is; a filing without a phone cannot be reached.
 */
export function smsDelivery(sms: SmsSender, channels: readonly string[] = [HOTLINE_CHANNEL_ID]): NoticeDelivery {
  return {
    name: 'sms',
    words: 'sms',
    carries: (channelId) => channels.includes(channelId),
    async deliver(_reference, message, filing) {
      const to = filersPhone(filing.filing);
      if (!to) return 'unreachable';
      await sms.send({ to, text: message.text, purpose: 'notice' });
      return 'sent';
    },
  };
}
