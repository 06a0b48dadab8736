import type { Activity, BotAdapter, Middleware, TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import { CAPABILITIES_KEY, type ChannelCapabilities } from '../../dialogs/channel-capabilities.js';

/**
 * The one shape every channel has (the Bot Framework's /api/messages, the web page's Direct Line, WeChat):
 * its routes, the adapter its turns run through, and what its turns can show. The app builds the channels
 * it is configured for and hands them to attachChannels(), the one place that puts the bot and the turn
 * middleware on every channel. A new channel is a folder under src/channels/ with a function that returns
 * a Channel, and a driver in test/channels.contract.ts so the contract suite runs against it.
 */

/** The bot's turn handler (FilingBot.run). */
export type TurnLogic = (context: TurnContext) => Promise<void>;

/** The bot's answer to a failed turn: an apology in the person's language (src/bot/turn-error.ts). */
export type TurnErrorHandler = (context: TurnContext, error: Error) => Promise<void>;

/** What every channel gets from the app when its routes are registered. */
export interface ChannelBot {
  logic: TurnLogic;
  onTurnError: TurnErrorHandler;
  /** A sentence from content in the person's language (their conversation's, else the activity's), for what a channel says itself. */
  words(context: TurnContext, key: string): Promise<string>;
}

export interface Channel<A extends BotAdapter = BotAdapter> {
  /** A short lowercase name for logs and closers: 'bot-framework', 'web', 'wechat'. */
  readonly id: string;
  /**
   * What a turn that arrived on this channel can show: buttons or numbered choices, cards or text,
   * markdown, message size, messages per reply, typing, proactive sending. One value for most channels;
   * the Bot Framework's depends on the client behind it (the activity's channelId).
   */
  capabilitiesOf(activity: Partial<Activity>): ChannelCapabilities;
  /** Registers the channel's routes; returns the adapter every turn of the channel runs through. */
  register(server: Server, bot: ChannelBot): A;
  /** Closes what the channel opened (connections out, timers), after the server stopped taking turns. */
  close?(): Promise<void>;
}

/**
 * Puts the channel's capabilities on each turn (CAPABILITIES_KEY), before any other middleware: the
 * dialogs (buttons or numbered lines, a card or a text summary) and the typing indicator read them there.
 * Capabilities an adapter already put on the turn are kept.
 */
function capabilitiesMiddleware(channel: Pick<Channel, 'capabilitiesOf'>): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      if (context.turnState.get(CAPABILITIES_KEY) === undefined) context.turnState.set(CAPABILITIES_KEY, channel.capabilitiesOf(context.activity));
      await next();
    },
  };
}

/** A channel registered and wired: its adapter, and what closes it. */
export interface AttachedChannel<A extends BotAdapter = BotAdapter> {
  channel: Channel<A>;
  adapter: A;
}

/**
 * The one place that attaches the bot to every channel: registers each channel's routes with the bot's
 * turn handler and error answer, then puts on its adapter, in order, the channel's capabilities and the
 * turn middleware every channel runs (turn log, drain, per-conversation order and dedupe, typing).
 */
export function attachChannels(server: Server, channels: readonly Channel[], options: { bot: ChannelBot; middleware: readonly Middleware[] }): AttachedChannel[] {
  return channels.map((channel) => {
    const adapter = channel.register(server, options.bot);
    adapter.use(capabilitiesMiddleware(channel));
    for (const m of options.middleware) adapter.use(m);
    return { channel, adapter };
  });
}

/** The closers of the attached channels, named after them, for the app's clean stop. */
export function channelClosers(attached: readonly AttachedChannel[]): Array<{ name: string; close: () => Promise<void> }> {
  return attached.flatMap(({ channel }) => (channel.close ? [{ name: `${channel.id} channel`, close: () => channel.close!() }] : []));
}
