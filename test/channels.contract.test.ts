import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { capabilitiesOfChannelId } from '../dialogs/channel-capabilities.js';
import { WEB_CAPABILITIES } from '../src/channels/web/index.js';
import { WECHAT_CAPABILITIES } from '../src/channels/wechat/index.js';
import { HOTLINE_CAPABILITIES } from '../src/channels/hotline/index.js';
import { AgentClient, AGENTS, agentAccountsEnv } from './support/agents.js';
import { channelContract, type ContractReply } from './channels.contract.js';
import { DirectLineClient, userMessage } from './channels.web.fixtures.js';
import { emulatorMessage, postMessages } from './support/app-server.js';
import { FakeWeChatApi, WeChatSender, wechatEnv } from './support/wechat.js';

/** Every channel of the app passes the channel contract (test/channels.contract.ts), each through its own protocol. */

const asReply = (a: Partial<Activity>): ContractReply => ({ text: a.text ?? a.speak ?? '', buttons: (a.suggestedActions?.actions ?? []).map((x) => String(x.title)) });
const messages = (activities: Partial<Activity>[]) => activities.filter((a) => a.type === 'message').map(asReply);

channelContract('Bot Framework (/api/messages, the Emulator in local mode)', {
  channel: 'emulator',
  capabilities: capabilitiesOfChannelId('emulator'),
  redelivers: true,
  setUp: async () => ({ env: {}, tearDown: async () => {} }),
  open: async (server) => {
    const conversation = `contract-${randomUUID()}`;
    let last: Record<string, unknown> | undefined;
    let turn = 0;
    const send = async (activity: Record<string, unknown>) => {
      last = activity;
      const reply = await postMessages(server.base, activity);
      return messages((reply.json()['activities'] as Partial<Activity>[] | undefined) ?? []);
    };
    return {
      say: (text) => send(emulatorMessage(text, { id: `${conversation}-${++turn}`, conversation: { id: conversation }, from: { id: `user-${conversation}` } })),
      redeliverLast: () => send(last!),
    };
  },
});

channelContract('web (Direct Line at /v3/directline, the citizens\' page)', {
  channel: 'webchat',
  capabilities: WEB_CAPABILITIES,
  redelivers: false,
  setUp: async () => ({ env: {}, tearDown: async () => {} }),
  open: async (server) => {
    const dl = new DirectLineClient(server.base);
    const { token, conversationId } = await dl.open('zh-CN');
    let watermark = (await dl.poll(token, conversationId)).body.watermark;
    return {
      say: async (text) => {
        await dl.post(token, conversationId, userMessage(text));
        const polled = await dl.poll(token, conversationId, watermark);
        watermark = polled.body.watermark;
        return messages(polled.body.activities.filter((a) => a.from.role === 'bot'));
      },
    };
  },
});

channelContract('WeChat Official Account (/wechat, secure mode)', {
  channel: 'wechat',
  capabilities: WECHAT_CAPABILITIES,
  redelivers: true,
  setUp: async () => {
    const api = await new FakeWeChatApi().start();
    return { env: wechatEnv(api.base), tearDown: () => api.stop() };
  },
  open: async (server) => {
    const person = new WeChatSender(server.base);
    let last: string | undefined;
    const send = async (xml: string) => {
      last = xml;
      const reply = await person.post(xml);
      return reply.text === undefined ? [] : [{ text: reply.text, buttons: [] }];
    };
    return {
      say: (text) => send(person.message('text', { content: text })),
      redeliverLast: () => send(last!),
    };
  },
});

channelContract("hotline (a guided call, driven by a signed-in agent at /agent/api/calls)", {
  channel: 'hotline',
  capabilities: HOTLINE_CAPABILITIES,
  redelivers: false,
  setUp: async () => ({ env: await agentAccountsEnv(), tearDown: async () => {} }),
  open: async (server) => {
    const agent = new AgentClient(server.base);
    await agent.signIn(AGENTS.wang);
    const call = (await agent.call('POST', 'calls', { locale: 'zh-CN' })).json['call']['id'] as string;
    // The screen as the agent sees it: what the bot said, then the question with its choices as buttons.
    const replies = (screen: Record<string, any>): ContractReply[] => [
      ...(screen['said'] as Array<{ text: string }>).map((s) => ({ text: s.text, buttons: [] })),
      ...(screen['question'] ? [{ text: screen['question']['text'] as string, buttons: screen['question']['choices'] as string[] }] : []),
    ];
    return { say: async (text) => replies((await agent.call('POST', `calls/${call}/say`, { text })).json) };
  },
});
