/**
 * Test fixtures for the web channel: a small bot (a greeting, a ChoicePrompt shown as buttons, a
 * TextPrompt, state in MemoryStorage), a restify server on a free port, and a Direct Line client that
 * speaks to it over real HTTP. The words below are test data, not the product's content.
 */
import {
  ActivityTypes,
  ConversationState,
  MemoryStorage,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import { ChoicePrompt, ListStyle, TextPrompt, WaterfallDialog, ComponentDialog, runDialog, type DialogState } from 'botbuilder-dialogs';
import restify from 'restify';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import { request, type IncomingHttpHeaders } from 'node:http';
import { registerWebChannel, type WebChannel, type WebChannelOptions } from '../src/channels/web/index.js';

export const TEST_SECRET = 'test-secret-for-the-web-channel-0123456789';

export const BOT_WORDS = {
  'zh-CN': {
    greeting: '您好，我是测试助手。',
    choose: '请选择备案类型',
    choices: ['长期居住', '临时外出'],
    askName: '请输入您的姓名',
    done: (name: string, choice: string) => `谢谢${name}，您选择了${choice}。`,
  },
  'en-US': {
    greeting: 'Hello, I am the test assistant.',
    choose: 'Please choose a filing type',
    choices: ['Long-term stay', 'Temporary trip'],
    askName: 'Please enter your name',
    done: (name: string, choice: string) => `Thank you ${name}, you chose ${choice}.`,
  },
} as const;

export type BotLocale = keyof typeof BOT_WORDS;
const wordsFor = (context: TurnContext) => BOT_WORDS[/^en/i.test(context.activity.locale ?? '') ? 'en-US' : 'zh-CN'];

class SmallFilingDialog extends ComponentDialog {
  constructor() {
    super('smallFiling');
    this.addDialog(new ChoicePrompt('choice'));
    this.addDialog(new TextPrompt('text'));
    this.addDialog(
      new WaterfallDialog('steps', [
        async (step) => {
          const words = wordsFor(step.context);
          return step.prompt('choice', { prompt: words.choose, choices: [...words.choices], style: ListStyle.suggestedAction });
        },
        async (step) => {
          (step.values as Record<string, unknown>)['choice'] = (step.result as { value: string }).value;
          return step.prompt('text', { prompt: wordsFor(step.context).askName });
        },
        async (step) => {
          const choice = String((step.values as Record<string, unknown>)['choice']);
          await step.context.sendActivity(wordsFor(step.context).done(String(step.result), choice));
          return step.endDialog();
        },
      ]),
    );
    this.initialDialogId = 'steps';
  }
}

export interface TestBot {
  logic: (context: TurnContext) => Promise<void>;
  /** The last conversation reference seen per conversation id, for proactive messages. */
  references: Map<string, Partial<ConversationReference>>;
  /** Every activity the bot received, in order. */
  received: Partial<Activity>[];
}

/** Greets on conversationUpdate (membersAdded, like the Emulator) and walks choice → name → thanks. */
export function createTestBot(): TestBot {
  const conversationState = new ConversationState(new MemoryStorage());
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  const dialog = new SmallFilingDialog();
  const references = new Map<string, Partial<ConversationReference>>();
  const received: Partial<Activity>[] = [];
  const logic = async (context: TurnContext): Promise<void> => {
    received.push(context.activity);
    references.set(context.activity.conversation.id, TurnContext.getConversationReference(context.activity));
    const { activity } = context;
    if (activity.type === ActivityTypes.ConversationUpdate) {
      if ((activity.membersAdded ?? []).some((m) => m.id !== activity.recipient.id)) {
        await context.sendActivity(wordsFor(context).greeting);
        await runDialog(dialog, context, dialogState);
      }
    } else if (activity.type === ActivityTypes.Message) {
      await runDialog(dialog, context, dialogState);
    }
    await conversationState.saveChanges(context);
  };
  return { logic, references, received };
}

export interface RunningChannel {
  baseUrl: string;
  channel: WebChannel;
  bot: TestBot;
  close(): Promise<void>;
}

/** A restify server on 127.0.0.1 and a free port, with the web channel and the test bot. */
export async function startWebChannel(
  options: Omit<WebChannelOptions, 'logic' | 'tokenSecret'> &
    Partial<Pick<WebChannelOptions, 'logic' | 'tokenSecret'>> & {
      serverWideParsers?: boolean;
      /** Runs before routing (e.g. to make some requests fail, as a broken proxy would). */
      pre?: (req: restify.Request, res: restify.Response) => boolean;
    },
): Promise<RunningChannel> {
  const server = restify.createServer({ handleUncaughtExceptions: false });
  const { pre } = options;
  if (pre) server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => (pre(req, res) ? next() : next(false)));
  if (options.serverWideParsers) {
    // As src/app.ts sets up the server for every route.
    server.use(restify.plugins.queryParser());
  }
  const bot = createTestBot();
  const channel = registerWebChannel(server, { tokenSecret: TEST_SECRET, logic: bot.logic, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    channel,
    bot,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A Direct Line 3.0 client over fetch, as botframework-directlinejs calls the API. */
export class DirectLineClient {
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}/v3/directline${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
  }

  generate() {
    return this.call<{ conversationId: string; token: string; expires_in: number }>('POST', '/tokens/generate', { body: {} });
  }
  refresh(token: string) {
    return this.call<{ conversationId: string; token: string; expires_in: number }>('POST', '/tokens/refresh', { token });
  }
  start(token: string, locale?: string) {
    return this.call<{ conversationId: string; token: string; expires_in: number }>('POST', '/conversations', { token, body: { locale } });
  }
  reconnect(token: string, conversationId: string, watermark = '') {
    return this.call<{ conversationId: string; token: string; streamUrl?: string }>('GET', `/conversations/${conversationId}?watermark=${watermark}`, { token });
  }
  poll(token: string, conversationId: string, watermark = '') {
    return this.call<{ activities: Activity[]; watermark: string }>('GET', `/conversations/${conversationId}/activities?watermark=${watermark}`, { token });
  }
  post(token: string, conversationId: string, activity: Record<string, unknown>) {
    return this.call<{ id: string }>('POST', `/conversations/${conversationId}/activities`, { token, body: activity });
  }

  /** Generate a token and start its conversation: the bot has greeted when this returns. */
  async open(locale?: string): Promise<{ token: string; conversationId: string }> {
    const generated = await this.generate();
    const started = await this.start(generated.body.token, locale);
    if (started.status !== 201) throw new Error(`start answered ${started.status}`);
    return { token: started.body.token, conversationId: started.body.conversationId };
  }
}

/** A message as Web Chat posts it. */
export function userMessage(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    text,
    from: { id: 'web-chat-user', role: 'user' },
    locale: 'zh-CN',
    channelData: { clientActivityID: `client-${Math.random().toString(36).slice(2)}` },
    ...extra,
  };
}

export const textsOf = (activities: Activity[]) => activities.filter((a) => a.type === 'message').map((a) => a.text);

/** A reply read raw: status, headers and body text. */
export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with full control of the headers (a browser's Origin included) and of the body bytes. */
export function sendRaw(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method, headers: { ...headers, ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What a Direct Line stream sends: new activities and the watermark after them. */
export interface StreamGroup {
  activities: Activity[];
  watermark: string;
}

/** An open Direct Line stream socket: the groups it received so far, their activities, and its closing code once closed. */
export async function openStream(url: string): Promise<{ ws: WebSocket; groups: StreamGroup[]; received: Activity[]; closed: Promise<number> }> {
  const ws = new WebSocket(url);
  const groups: StreamGroup[] = [];
  const received: Activity[] = [];
  ws.on('message', (data) => {
    const text = String(data);
    if (!text) return;
    const group = JSON.parse(text) as StreamGroup;
    groups.push(group);
    received.push(...group.activities);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, groups, received, closed };
}

/** Waits until `check` holds, polling, at most `ms`; fails naming `what`. */
export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
