import { expect } from 'chai';
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { ChoiceFactory } from 'botbuilder-dialogs';
import { MemoryActivityLog, WEB_CHANNEL_ID, WebChannelAdapter } from '../src/channels/web/index.js';
import { plainCardText } from '../src/channels/web/web-adapter.js';
import { DirectLineClient, startWebChannel, textsOf, userMessage } from './channels.web.fixtures.js';

const incoming = (conversationId: string, text: string, id: string): Partial<Activity> => ({
  type: ActivityTypes.Message,
  id,
  text,
  channelId: WEB_CHANNEL_ID,
  conversation: { id: conversationId, isGroup: false, conversationType: '', name: '' },
  from: { id: 'dl_user', name: '', role: 'user' },
  recipient: { id: 'yidi-bot', name: '', role: 'bot' },
});

describe('web channel: its own BotAdapter', () => {
  it('choice prompts in the default (auto) style become buttons on this channel', () => {
    const reply = ChoiceFactory.forChannel(WEB_CHANNEL_ID, ['是', '否'], '您已经住院了吗？');
    expect(reply.suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['是', '否']);
  });

  it('the bot’s messages are plain text for Web Chat unless the bot chose a format', async () => {
    const log = new MemoryActivityLog();
    const adapter = new WebChannelAdapter(log);
    await log.create('conversation-p');
    await adapter.processActivity(incoming('conversation-p', '你好', 'conversation-p|0000001'), async (context) => {
      await context.sendActivity('身份证号：1101**********002X\n手机：138****5678');
      await context.sendActivity({ type: ActivityTypes.Message, text: '**粗体**', textFormat: 'markdown' });
      await context.sendActivity({ type: ActivityTypes.Typing });
    });
    const { activities } = await log.since('conversation-p', '');
    expect(activities.map((a) => [a.type, a.textFormat])).to.deep.equal([
      ['message', 'plain'],
      ['message', 'markdown'],
      ['typing', undefined],
    ]);
  });

  it('Adaptive Card text blocks and facts are escaped for Web Chat’s markdown, so masked values show exactly', () => {
    const card = {
      type: 'AdaptiveCard',
      body: [
        { type: 'Container', items: [{ type: 'TextBlock', text: '1101**********002X' }] },
        { type: 'FactSet', facts: [{ title: '手机', value: '138****5678' }] },
        { type: 'Input.Text', id: 'x', placeholder: 'a*b' },
      ],
      actions: [{ type: 'Action.Submit', title: '修改*手机', data: { field: 'phone*' } }],
    };
    expect(plainCardText(card)).to.deep.equal({
      ...card,
      body: [
        { type: 'Container', items: [{ type: 'TextBlock', text: '1101\\*\\*\\*\\*\\*\\*\\*\\*\\*\\*002X' }] },
        { type: 'FactSet', facts: [{ title: '手机', value: '138\\*\\*\\*\\*5678' }] },
        { type: 'Input.Text', id: 'x', placeholder: 'a*b' },
      ],
    });
  });

  it('what the bot sends lands in the log, from the bot, in order; traces stay out; delays are honoured', async () => {
    const log = new MemoryActivityLog();
    const adapter = new WebChannelAdapter(log);
    await log.create('conversation-1');
    await adapter.processActivity(incoming('conversation-1', '你好', 'conversation-1|0000001'), async (context) => {
      await context.sendActivity('第一句');
      await context.sendTraceActivity('debug', { secret: 'x' });
      await context.sendActivities([{ type: 'delay', value: 5 }, { type: ActivityTypes.Message, text: '第二句' }]);
    });
    const { activities } = await log.since('conversation-1', '');
    expect(activities.map((a) => [a.type, a.text])).to.deep.equal([
      ['message', '第一句'],
      ['message', '第二句'],
    ]);
    for (const a of activities) {
      expect(a.from).to.include({ id: 'yidi-bot', role: 'bot' });
      expect(a.replyToId).to.equal('conversation-1|0000001');
      expect(a.channelId).to.equal(WEB_CHANNEL_ID);
    }
  });

  it('turns of one conversation run one at a time, in arrival order', async () => {
    const adapter = new WebChannelAdapter(new MemoryActivityLog());
    const events: string[] = [];
    const logic = async (context: TurnContext) => {
      events.push(`start ${context.activity.text}`);
      await new Promise((resolve) => setTimeout(resolve, context.activity.text === '慢' ? 30 : 1));
      events.push(`end ${context.activity.text}`);
    };
    await Promise.all([
      adapter.processActivity(incoming('c-order', '慢', 'c-order|1'), logic),
      adapter.processActivity(incoming('c-order', '快', 'c-order|2'), logic),
    ]);
    expect(events).to.deep.equal(['start 慢', 'end 慢', 'start 快', 'end 快']);
  });

  it('a proactive message through continueConversationAsync reaches the log', async () => {
    const log = new MemoryActivityLog();
    const adapter = new WebChannelAdapter(log);
    const reference = { conversation: { id: 'c-later', isGroup: false, conversationType: '', name: '' }, user: { id: 'dl_user', name: '' } };
    await adapter.continueConversationAsync('', reference, async (context) => {
      expect(context.activity.type).to.equal(ActivityTypes.Event);
      await context.sendActivity('您的备案已受理');
    });
    expect(textsOf((await log.since('c-later', '')).activities)).to.deep.equal(['您的备案已受理']);
  });

  it('sent activities cannot be updated or deleted on this channel', async () => {
    const adapter = new WebChannelAdapter(new MemoryActivityLog());
    await adapter.processActivity(incoming('c-edit', '改', 'c-edit|1'), async (context) => {
      let refused = 0;
      await context.updateActivity({ id: 'x', type: 'message', text: 'y' }).catch(() => refused++);
      await context.deleteActivity('x').catch(() => refused++);
      expect(refused).to.equal(2);
    });
  });

  describe('a turn that fails', () => {
    it('goes to onTurnError (the bot apologises); the message was still accepted', async () => {
      const failures: string[] = [];
      const running = await startWebChannel({
        activityLog: new MemoryActivityLog(),
        logic: async (context) => {
          if (context.activity.type === ActivityTypes.Message) throw new Error('store down');
        },
        onTurnError: async (context, error) => {
          failures.push(error.message);
          await context.sendActivity('抱歉，出了点问题。');
        },
      });
      try {
        const dl = new DirectLineClient(running.baseUrl);
        const { token, conversationId } = await dl.open();
        const posted = await dl.post(token, conversationId, userMessage('张三 13800000000'));
        expect(posted.status).to.equal(200);
        expect(failures).to.deep.equal(['store down']);
        expect(textsOf((await dl.poll(token, conversationId)).body.activities)).to.deep.equal(['张三 13800000000', '抱歉，出了点问题。']);
      } finally {
        await running.close();
      }
    });

    it('without onTurnError it is logged, and the log entry carries no personal data from the message', async () => {
      const logged: unknown[] = [];
      const logger = { warn: (o: object) => logged.push(o), error: (o: object) => logged.push(o) };
      const running = await startWebChannel({
        activityLog: new MemoryActivityLog(),
        logger,
        logic: async (context) => {
          if (context.activity.type === ActivityTypes.Message) throw new Error('bug');
        },
      });
      try {
        const dl = new DirectLineClient(running.baseUrl);
        const { token, conversationId } = await dl.open();
        expect((await dl.post(token, conversationId, userMessage('370102199003071234'))).status).to.equal(200);
        expect(logged).to.have.length(1);
        const text = JSON.stringify(logged, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v));
        expect(text).to.include(conversationId);
        expect(text).to.not.include('370102199003071234');
      } finally {
        await running.close();
      }
    });
  });
});
