import { expect } from 'chai';
import type { TurnContext } from 'botbuilder';
import { WeChatAdapter, WeChatWindowClosedError, type CustomerMessages } from '../src/channels/wechat/wechat-adapter.js';

/**
 * The WeChat adapter: a turn's messages merged into the one passive reply, what does not fit (2048 bytes)
 * and what comes too late through the customer-service API, and proactive messages only within 48 hours.
 */

function customer(inWindow = true): CustomerMessages & { sent: string[][] } {
  const sent: string[][] = [];
  return { sent, send: async (_openid, texts) => void sent.push(texts), inWindow: async () => inWindow };
}

const message = { type: 'message', text: '你好', from: { id: 'oPerson1', name: '' }, conversation: { id: 'oPerson1', isGroup: false, name: '', conversationType: 'personal' }, channelId: 'wechat' };

describe('WeChat adapter', () => {
  it('merges the turn\'s messages into one passive reply', async () => {
    const out = customer();
    const reply = await new WeChatAdapter(out).respond(message, async (context: TurnContext) => {
      await context.sendActivity('好的。');
      await context.sendActivities([{ type: 'typing' }, { type: 'message', text: '请问您想办理什么？' }]);
    }, 60_000);
    expect(reply).to.deep.equal({ kind: 'passive', text: '好的。\n\n请问您想办理什么？' });
    expect(out.sent).to.deep.equal([]);
  });

  it('sends what does not fit in the passive reply through the customer-service API', async () => {
    const out = customer();
    const long = Array.from({ length: 40 }, (_, i) => `第${i + 1}条：${'说明'.repeat(12)}`).join('\n');
    const reply = await new WeChatAdapter(out).respond(message, async (context) => void (await context.sendActivity(long)), 60_000);
    expect(reply.kind).to.equal('passive');
    const passive = (reply as { text: string }).text;
    expect(Buffer.byteLength(passive, 'utf8')).to.be.at.most(2048);
    await new Promise((resolve) => setImmediate(resolve));
    expect([passive, ...out.sent.flat()].join('\n')).to.equal(long);
  });

  it('a turn past the deadline: "late" at once, the whole answer through the API when the turn ends', async () => {
    const out = customer();
    let finish: () => void = () => {};
    const slow = new Promise<void>((resolve) => (finish = resolve));
    const reply = await new WeChatAdapter(out).respond(message, async (context) => {
      await context.sendActivity('已收到。');
      await slow;
      await context.sendActivity('备案编号 YD20261124-ABCDEF');
    }, 0);
    expect(reply).to.deep.equal({ kind: 'late' });
    expect(out.sent).to.deep.equal([]);
    finish();
    while (out.sent.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(out.sent).to.deep.equal([['已收到。\n\n备案编号 YD20261124-ABCDEF']]);
  });

  it('a proactive message goes out within 48 hours of the person\'s last message, and is refused after', async () => {
    const open = customer(true);
    await new WeChatAdapter(open).continueConversation({ conversation: message.conversation, user: message.from, channelId: 'wechat' } as never, async (context) => void (await context.sendActivity('您的备案已受理。')));
    expect(open.sent).to.deep.equal([['您的备案已受理。']]);
    const closed = customer(false);
    let error: unknown;
    await new WeChatAdapter(closed)
      .continueConversation({ conversation: message.conversation, user: message.from, channelId: 'wechat' } as never, async (context) => void (await context.sendActivity('您的备案已受理。')))
      .catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(WeChatWindowClosedError);
    expect(closed.sent).to.deep.equal([]);
  });
});
