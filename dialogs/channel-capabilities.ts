import type { TurnContext } from 'botbuilder';

/**
 * What the channel of a turn can show. The dialogs and the typing indicator ask this instead of matching
 * channel names: every channel of the app (src/channels/channel.ts) has its capabilities put on each turn
 * (CAPABILITIES_KEY) by attachChannels — the Bot Framework channel's from the table below, by the client
 * behind it; a turn that arrived without them (a test adapter) gets those of its channel id.
 */
export interface ChannelCapabilities {
  /** Choices travel as buttons (suggestedActions); otherwise as numbered lines in the text. */
  buttons: boolean;
  /** Adaptive Cards are drawn; otherwise a card is sent as its text. */
  cards: boolean;
  /** Markdown is rendered (otherwise shown as typed). */
  markdown: boolean;
  /** A typing indicator is drawn. */
  typing: boolean;
  /** The bot may write first (a notice after a status change); false: only in answer to a message. */
  proactive: boolean;
  /** The longest text one message may carry (characters); longer texts are split. Undefined: no limit. */
  maxMessageLength?: number;
  /** How many messages one reply may carry (a WeChat passive reply: 1); more are merged. Undefined: no limit. */
  maxMessagesPerReply?: number;
  /**
   * Someone reads the words aloud to the person (the hotline's guided call): every question also carries
   * `channelData.spoken`, its spoken form (content: spoken.prompts.<promptId>, short and natural to say).
   */
  spoken?: boolean;
}

/** turnState key under which a channel adapter puts the capabilities of its turns. */
export const CAPABILITIES_KEY = Symbol.for('yidi-beian.channel.capabilities');

const PLAIN: ChannelCapabilities = { buttons: false, cards: false, markdown: false, typing: false, proactive: true };

/** Bot Framework channel ids (and the test adapters') and what their clients draw; any other id: plain text. */
const BY_CHANNEL_ID: Record<string, Partial<ChannelCapabilities>> = {
  webchat: { buttons: true, cards: true, markdown: true, typing: true },
  directline: { buttons: true, cards: true, markdown: true, typing: true },
  emulator: { buttons: true, cards: true, markdown: true, typing: true },
  msteams: { buttons: false, cards: true, markdown: true, typing: true },
  telegram: { buttons: true, markdown: true, typing: true },
  facebook: { buttons: true, typing: true },
  line: { buttons: true },
  slack: { markdown: true, typing: true },
  // The test adapters: 'test' shows neither buttons nor cards; 'test-cards' shows cards.
  'test-cards': { cards: true },
};

/** The capabilities of a channel id, for turns whose adapter did not set them. */
export function capabilitiesOfChannelId(channelId: string | undefined): ChannelCapabilities {
  return { ...PLAIN, ...(BY_CHANNEL_ID[channelId ?? ''] ?? {}) };
}

/** The capabilities of this turn's channel. */
export function capabilitiesOf(context: TurnContext): ChannelCapabilities {
  return (context.turnState.get(CAPABILITIES_KEY) as ChannelCapabilities | undefined) ?? capabilitiesOfChannelId(context.activity.channelId);
}
