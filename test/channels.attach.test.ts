import { expect } from 'chai';
import restify from 'restify';
import { TestAdapter, type Middleware, type TurnContext } from 'botbuilder';
import { CAPABILITIES_KEY, capabilitiesOf, type ChannelCapabilities } from '../dialogs/channel-capabilities.js';
import { attachChannels, channelClosers, type Channel } from '../src/channels/channel.js';

/** attachChannels: the one place that puts the bot and the turn middleware on every channel. */

const TEXT_ONLY: ChannelCapabilities = { buttons: false, cards: false, markdown: false, typing: false, proactive: false, maxMessagesPerReply: 1 };

function fakeChannel(id: string, capabilities: ChannelCapabilities, registered: string[]): Channel<TestAdapter> & { adapter: TestAdapter } {
  // 'webchat' as the channel id: by id it would show buttons; the channel's own capabilities must win.
  const adapter = new TestAdapter(undefined, { channelId: 'webchat' });
  return {
    id,
    adapter,
    capabilitiesOf: () => capabilities,
    register: (_server, bot) => {
      registered.push(id);
      expect(bot.logic).to.be.a('function');
      return adapter;
    },
    close: async () => void registered.push(`closed ${id}`),
  };
}

describe('channels: attachChannels', () => {
  it('registers each channel, then puts its capabilities and the same middleware, in order, on its adapter', async () => {
    const order: string[] = [];
    const seen: Array<ChannelCapabilities | undefined> = [];
    const middleware: Middleware[] = ['first', 'second'].map((name) => ({
      onTurn: async (context: TurnContext, next: () => Promise<void>) => {
        order.push(`${name}:${context.turnState.get(CAPABILITIES_KEY) ? 'has capabilities' : 'none'}`);
        await next();
      },
    }));
    const registered: string[] = [];
    const channels = [fakeChannel('one', TEXT_ONLY, registered), fakeChannel('two', { ...TEXT_ONLY, buttons: true }, registered)];
    const attached = attachChannels(restify.createServer(), channels, {
      bot: { logic: async () => {}, onTurnError: async () => {}, words: async () => '' },
      middleware,
    });
    expect(registered).to.deep.equal(['one', 'two']);
    expect(attached.map((a) => a.adapter)).to.deep.equal(channels.map((c) => c.adapter));
    for (const channel of channels) {
      await channel.adapter.processActivity({ type: 'message', text: 'x' }, async (context) => void seen.push(capabilitiesOf(context)));
    }
    expect(order).to.deep.equal(['first:has capabilities', 'second:has capabilities', 'first:has capabilities', 'second:has capabilities']);
    expect(seen.map((c) => c?.buttons)).to.deep.equal([false, true]);
    for (const closer of channelClosers(attached)) await closer.close();
    expect(registered.slice(2)).to.deep.equal(['closed one', 'closed two']);
  });

  it('keeps capabilities an adapter already put on the turn', async () => {
    const channel = fakeChannel('one', TEXT_ONLY, []);
    const own: ChannelCapabilities = { ...TEXT_ONLY, cards: true };
    channel.adapter.use({
      onTurn: async (context, next) => {
        context.turnState.set(CAPABILITIES_KEY, own);
        await next();
      },
    });
    attachChannels(restify.createServer(), [channel], { bot: { logic: async () => {}, onTurnError: async () => {}, words: async () => '' }, middleware: [] });
    let seen: ChannelCapabilities | undefined;
    await channel.adapter.processActivity({ type: 'message', text: 'x' }, async (context) => void (seen = capabilitiesOf(context)));
    expect(seen).to.equal(own);
  });
});
