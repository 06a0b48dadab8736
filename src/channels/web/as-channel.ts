import type { ChannelCapabilities } from '../../../dialogs/channel-capabilities.js';
import type { Channel } from '../channel.js';
import type { WebChannelAdapter } from './web-adapter.js';
import { registerWebChannel, type WebChannel, type WebChannelOptions } from './web-channel.js';

/** What Web Chat on the citizens' page draws: buttons, Adaptive Cards, markdown and a typing indicator. */
export const WEB_CAPABILITIES: ChannelCapabilities = { buttons: true, cards: true, markdown: true, typing: true, proactive: true };

/** The web channel on the channel contract, and the registered channel (tokens, streams) once registered. */
export interface WebChannelEntry extends Channel<WebChannelAdapter> {
  /** Set by register(): the channel's adapter, tokens and open streams. */
  readonly web: WebChannel | undefined;
}

/**
 * The citizens' web page and its Direct Line-compatible channel on the channel contract: register() serves
 * the page and the Direct Line routes and returns the channel's own adapter. Nothing to close: its streams
 * end with the HTTP server.
 */
export function webChannel(options: Omit<WebChannelOptions, 'logic' | 'onTurnError'>): WebChannelEntry {
  let web: WebChannel | undefined;
  return {
    id: 'web',
    capabilitiesOf: () => WEB_CAPABILITIES,
    register(server, bot) {
      web = registerWebChannel(server, { ...options, logic: bot.logic, onTurnError: bot.onTurnError });
      return web.adapter;
    },
    get web() {
      return web;
    },
  };
}
