import { expect } from 'chai';
import { TestAdapter, type Activity, type ResourceResponse, type TurnContext } from 'botbuilder';
import {
  conversationTag,
  PROMPT_ID_KEY,
  REQUEST_ID_KEY,
  TURN_LOGGER_KEY,
  TURN_OUTCOME_KEY,
  TurnLogMiddleware,
} from '../src/bot/turn-log-middleware.js';
import { createLogger, type Logger } from '../src/ops/logger.js';
import { createMetrics, type Metrics } from '../src/ops/metrics.js';
import { requestIdFrom, withRequestIdOn } from '../src/ops/request-context.js';

const OPENID = 'oX7a2t0Zp9Qw3ErTy8UiOp1AsDf';
const SAID = '我叫张三，身份证11010519491231002X';

interface TurnLine {
  msg: string;
  level: number;
  channel: string;
  conversation?: string;
  requestId: string;
  activityType: string;
  promptId?: string;
  replies: number;
  durationMs: number;
  outcome: string;
  err?: { message: string };
}

function setup(opts: { channelId?: string; hashSalt?: string } = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  const metrics = createMetrics({ defaultMetrics: false });
  const adapter = new TestAdapter(undefined, { channelId: opts.channelId ?? 'wechat', conversation: { id: OPENID } as never });
  adapter.use(new TurnLogMiddleware({ logger, metrics, ...(opts.hashSalt ? { hashSalt: opts.hashSalt } : {}) }));
  const turnLines = (): TurnLine[] => lines.map((l) => JSON.parse(l) as TurnLine).filter((l) => l.msg === 'turn');
  return { lines, logger, metrics, adapter, turnLines };
}

async function count(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const { values } = await metrics.registry.getSingleMetric(name)!.get();
  return values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))?.value;
}

describe('bot: one log line per turn, without what the person said', () => {
  it('logs channel, a hashed conversation, the prompt now awaited, duration and outcome — never the text or the openid', async () => {
    const { adapter, lines, turnLines } = setup();
    await adapter.processActivity({ type: 'message', text: SAID, from: { id: OPENID, name: '张三' } }, async (context) => {
      await context.sendActivity({ type: 'message', text: '请输入手机号', channelData: { promptId: 'details.phone' } });
    });

    const [line, ...more] = turnLines();
    expect(more).to.have.length(0);
    expect(line).to.include({ channel: 'wechat', activityType: 'message', promptId: 'details.phone', replies: 1, outcome: 'ok', level: 30 });
    expect(line!.conversation).to.equal(conversationTag(OPENID));
    expect(line!.conversation).to.match(/^[0-9a-f]{16}$/);
    expect(line!.durationMs).to.be.a('number').and.at.least(0);
    expect(line!.requestId).to.be.a('string').and.not.empty;
    const all = lines.join('\n');
    for (const secret of [OPENID, SAID, '张三', '11010519491231002X', '请输入手机号']) expect(all).to.not.include(secret);
  });

  it('prefers the prompt id a dialog put on turnState over the outgoing activities', async () => {
    const { adapter, turnLines } = setup();
    await adapter.processActivity({ type: 'message', text: 'x' }, async (context) => {
      await context.sendActivity({ type: 'message', text: 'q', channelData: { promptId: 'situation.treatmentPlace' } });
      context.turnState.set(PROMPT_ID_KEY, 'review.confirm');
    });
    expect(turnLines()[0]!.promptId).to.equal('review.confirm');
  });

  it('takes the request id the channel put on the turn, and gives the rest of the turn a logger that carries it', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
    const adapter = new TestAdapter(undefined, { channelId: 'wechat', conversation: { id: OPENID } as never });
    // As a channel's adapter does before the middleware runs (BotFrameworkAdapter.run, WeChatAdapter.respond).
    adapter.use({ onTurn: (context, next) => (withRequestIdOn(context, requestIdFrom({ 'x-request-id': 'req-abc-123' })), next()) });
    adapter.use(new TurnLogMiddleware({ logger }));
    let seen: unknown;
    await adapter.processActivity({ type: 'message', text: 'x' }, async (context: TurnContext) => {
      seen = context.turnState.get(REQUEST_ID_KEY);
      (context.turnState.get(TURN_LOGGER_KEY) as Logger).info({ step: 'inside' }, 'dialog step');
    });
    expect(seen).to.equal('req-abc-123');
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; requestId: string; conversation: string });
    const inner = parsed.find((l) => l.msg === 'dialog step')!;
    expect(inner.requestId).to.equal('req-abc-123');
    expect(inner.conversation).to.equal(conversationTag(OPENID));
    expect(parsed.find((l) => l.msg === 'turn')!.requestId).to.equal('req-abc-123');
  });

  it('writes nothing and makes no child logger when the level is silent, and still counts the turn', async () => {
    const logger = createLogger({ level: 'silent', destination: { write: () => expect.fail('a silent logger wrote') } });
    let children = 0;
    const child = logger.child.bind(logger);
    logger.child = ((...args: Parameters<Logger['child']>) => (children++, child(...args))) as Logger['child'];
    const metrics = createMetrics({ defaultMetrics: false });
    const adapter = new TestAdapter(undefined, { channelId: 'wechat', conversation: { id: OPENID } as never });
    adapter.use(new TurnLogMiddleware({ logger, metrics }));
    let id: unknown;
    await adapter.processActivity({ type: 'message', text: 'x' }, async (context) => {
      id = context.turnState.get(REQUEST_ID_KEY);
      (context.turnState.get(TURN_LOGGER_KEY) as Logger).warn({ step: 'inside' }, 'nothing');
    });
    expect(children).to.equal(0);
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    expect(await count(metrics, 'bot_turns_total', { channel: 'wechat', outcome: 'ok' })).to.equal(1);
  });

  it('hands every send on as it is: the promise of the send itself, no async step of its own around it', async () => {
    const { adapter, turnLines } = setup();
    let handler: ((context: TurnContext, activities: Partial<Activity>[], next: () => Promise<ResourceResponse[]>) => unknown) | undefined;
    await adapter.processActivity({ type: 'message', text: 'x' }, async (context) => {
      // The turn log's handler is the first one on the turn.
      handler = (context as unknown as { _onSendActivities: (typeof handler)[] })._onSendActivities[0];
      const sent = Promise.resolve([]);
      expect(handler!(context, [{ type: 'message', channelData: { promptId: 'p.one' } }], () => sent)).to.equal(sent);
    });
    expect(turnLines()[0]).to.include({ promptId: 'p.one', replies: 1 });
  });

  it('makes up a request id when none came with the request, and rejects unsafe header values', () => {
    const generated = requestIdFrom({});
    expect(generated).to.match(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom({})).to.not.equal(generated);
    expect(requestIdFrom({ 'x-request-id': 'line\nbreak 13812345678' })).to.match(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom({ 'x-request-id': ['first-id', 'second'] })).to.equal('first-id');
  });

  const outcomes: Array<{ name: string; logic: (c: TurnContext) => Promise<void>; outcome: string; level: number }> = [
    { name: 'a turn that throws is an error (and the error still reaches the adapter)', logic: async () => Promise.reject(new Error(`bad ${SAID}`)), outcome: 'error', level: 50 },
    { name: 'a turn refused because the conversation is busy', logic: async (c) => void c.turnState.set(TURN_OUTCOME_KEY, 'busy'), outcome: 'busy', level: 40 },
    { name: 'a turn refused while shutting down', logic: async (c) => void c.turnState.set(TURN_OUTCOME_KEY, 'draining'), outcome: 'draining', level: 40 },
  ];
  for (const c of outcomes) {
    it(`logs and counts ${c.name}`, async () => {
      const { adapter, metrics, turnLines, lines } = setup({ channelId: 'webchat' });
      let reached: unknown;
      adapter.onTurnError = async (_ctx, err) => void (reached = err);
      await adapter.processActivity({ type: 'message', text: SAID }, c.logic);
      const line = turnLines()[0]!;
      expect(line.outcome).to.equal(c.outcome);
      expect(line.level).to.equal(c.level);
      expect(await count(metrics, 'bot_turns_total', { channel: 'webchat', outcome: c.outcome })).to.equal(1);
      if (c.outcome === 'error') {
        expect(reached).to.be.instanceOf(Error);
        expect(line.err!.message).to.equal('bad [TEXT]，[TEXT][ID]');
        expect(lines.join('')).to.not.include('张三');
        expect(await count(metrics, 'bot_errors_total', { kind: 'bug' })).to.equal(1);
        expect(await count(metrics, 'bot_errors_total', { kind: 'turn' }), 'counted once, as a bug').to.equal(undefined);
      }
      expect(lines.join('')).to.not.include('11010519491231002X');
    });
  }

  it('hashes conversation ids with the salt, so the tag cannot be looked up without it', () => {
    expect(conversationTag(OPENID, 'salt-a')).to.not.equal(conversationTag(OPENID, 'salt-b'));
    expect(conversationTag(OPENID, 'salt-a')).to.equal(conversationTag(OPENID, 'salt-a'));
    expect(conversationTag(undefined)).to.equal(undefined);
  });
});
