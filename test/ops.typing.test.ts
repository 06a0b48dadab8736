import { expect } from 'chai';
import { TestAdapter, type Activity } from 'botbuilder';
import { createTypingMiddleware, typingApplies } from '../src/ops/typing.js';
import { capabilitiesOfChannelId, CAPABILITIES_KEY, type ChannelCapabilities } from '../dialogs/channel-capabilities.js';
import { watchForCrashes } from './support/crashes.js';

/** Waits (without a clock) until the adapter has sent an activity of this type. */
async function untilSent(adapter: TestAdapter, type: string): Promise<void> {
  while (!adapter.activeQueue.some((a) => a.type === type)) await new Promise((r) => setImmediate(r));
}

describe('ops: typing indicator', () => {
  const cases: Array<{ name: string; activity: Partial<Activity>; expected: boolean }> = [
    { name: 'a message on Web Chat', activity: { type: 'message', channelId: 'webchat' }, expected: true },
    { name: 'a message in Teams', activity: { type: 'message', channelId: 'msteams' }, expected: true },
    { name: 'a message in the Emulator', activity: { type: 'message', channelId: 'emulator' }, expected: true },
    { name: 'a message on WeChat (no typing indicator there)', activity: { type: 'message', channelId: 'wechat' }, expected: false },
    { name: 'a message on SMS', activity: { type: 'message', channelId: 'sms' }, expected: false },
    { name: 'a message answered in the HTTP response (expectReplies)', activity: { type: 'message', channelId: 'webchat', deliveryMode: 'expectReplies' }, expected: false },
    { name: 'a conversation update', activity: { type: 'conversationUpdate', channelId: 'webchat' }, expected: false },
  ];
  for (const c of cases) {
    it(`${c.expected ? 'shows' : 'does not show'} typing for ${c.name}`, () => {
      expect(typingApplies(c.activity as Activity, capabilitiesOfChannelId(c.activity.channelId))).to.equal(c.expected);
    });
  }

  it('by default waits about half a second, so a quick answer comes without a typing indicator', async () => {
    const adapter = new TestAdapter(undefined, { channelId: 'webchat' });
    adapter.use(createTypingMiddleware());
    await adapter.processActivity({ type: 'message', text: '你好' }, async (context) => {
      await context.sendActivity('quick');
    });
    expect(adapter.activeQueue.map((a) => a.type)).to.deep.equal(['message']);
  });

  it('by default sends typing before a slow answer, on a channel that shows it', async () => {
    const adapter = new TestAdapter(undefined, { channelId: 'webchat' });
    adapter.use(createTypingMiddleware());
    await adapter.processActivity({ type: 'message', text: '提交' }, async (context) => {
      await untilSent(adapter, 'typing');
      await context.sendActivity('slow answer');
    });
    expect(adapter.activeQueue.map((a) => a.type)).to.deep.equal(['typing', 'message']);
  });

  for (const [channelId, expected] of [['emulator', ['typing', 'message']], ['wechat', ['message']]] as const) {
    it(`on ${channelId}, a turn that waits past the delay ${expected.length > 1 ? 'gets' : 'does not get'} a typing indicator`, async () => {
      const adapter = new TestAdapter(undefined, { channelId });
      adapter.use(createTypingMiddleware({ delayMs: 0, periodMs: 60_000 }));
      await adapter.processActivity({ type: 'message', text: 'x' }, async (context) => {
        // Several timer turns: a zero-delay indicator, if any, is out by then.
        for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
        await context.sendActivity('answer');
      });
      expect(adapter.activeQueue.map((a) => a.type)).to.deep.equal([...expected]);
    });
  }

  it('an indicator the channel refuses, failing after the turn ended, is dropped: no apology, no crash on the finished turn', async () => {
    /** A channel that takes messages but fails every typing indicator a little later (a serviceUrl gone away). */
    class FlakyChannel extends TestAdapter {
      typingFailures = 0;
      override async sendActivities(context: Parameters<TestAdapter['sendActivities']>[0], activities: Partial<Activity>[]) {
        if (activities.some((a) => a.type === 'typing')) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          this.typingFailures += 1;
          throw new Error('connect ECONNREFUSED 127.0.0.1:1');
        }
        return super.sendActivities(context, activities);
      }
    }
    const crashes = watchForCrashes();
    try {
      const adapter = new FlakyChannel(undefined, { channelId: 'emulator' });
      const apologies: Error[] = [];
      adapter.onTurnError = async (_context, error) => void apologies.push(error);
      adapter.use(createTypingMiddleware({ delayMs: 0, periodMs: 60_000 }));
      await adapter.processActivity({ type: 'message', text: 'x' }, async () => {
        for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0)); // the indicator is on its way
      });
      await new Promise((resolve) => setTimeout(resolve, 200)); // it fails after the turn is over
      expect(adapter.typingFailures).to.equal(1);
      expect(apologies).to.deep.equal([]);
      expect(crashes.problems).to.deep.equal([]);
    } finally {
      crashes.stop();
    }
  });

  it('follows the capabilities a channel adapter put on the turn, not the channel id', async () => {
    for (const typing of [true, false]) {
      const adapter = new TestAdapter(undefined, { channelId: 'webchat' });
      const capabilities: ChannelCapabilities = { ...capabilitiesOfChannelId('webchat'), typing };
      adapter.use({
        onTurn: async (context, next) => {
          context.turnState.set(CAPABILITIES_KEY, capabilities);
          await next();
        },
      });
      adapter.use(createTypingMiddleware({ delayMs: 0, periodMs: 60_000 }));
      await adapter.processActivity({ type: 'message', text: 'x' }, async (context) => {
        for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
        await context.sendActivity('answer');
      });
      expect(adapter.activeQueue.map((a) => a.type), `typing: ${typing}`).to.deep.equal(typing ? ['typing', 'message'] : ['message']);
    }
  });

  it('on a turn that shows no indicator, hands on the rest of the turn as it is: no async step of its own', async () => {
    const typing = createTypingMiddleware();
    const adapter = new TestAdapter(undefined, { channelId: 'wechat' });
    await adapter.processActivity({ type: 'message', text: '你好' }, async (context) => {
      const rest = Promise.resolve();
      expect(typing.onTurn(context, () => rest)).to.equal(rest);
    });
  });
});
