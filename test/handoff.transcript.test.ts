import { expect } from 'chai';
import { ActivityTypes, TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { HandoffTranscript, transcriptActivity } from '../src/handoff/handoff-transcript.js';
import { shownToAgent, summaryText, type SummaryLine } from '../dialogs/handoff-summary.js';
import { FILING_FORM } from '../dialogs/filing-form.js';
import { maskOfAnswer } from '../dialogs/personal-data.js';
import { Texts, type Locale } from '../src/content/texts.js';
import { MemoryTranscriptStore } from '../src/handoff/transcript-store.js';
import { RedisTranscriptStore } from '../src/handoff/redis-transcript-store.js';
import { FieldCipher } from '../src/privacy/field-cipher.js';
import { TURN_END_APPEND_KEY } from '../src/ops/turn-state-keys.js';
import { RedisDeduper, RedisTurnLock } from '../src/state/redis-turn-lock.js';
import { RedisStorage } from '../src/state/redis-storage.js';
import type { TurnEndAppend } from '../src/state/turn-lock.js';
import { aConversation, handoffTranscriptContract } from './handoff.transcript-contract.js';
import { OLD_TEST_DATA_KEY, TEST_KEYS } from './support/keys.js';
import { DataKeyRing } from '../src/privacy/data-keys.js';
import { SharedRedis } from './support/redis.js';

const redis = new SharedRedis('handoff-transcript');
after(() => redis.cleanUp());

handoffTranscriptContract('memory', async ({ keepTurns }) => new MemoryTranscriptStore({ keepTurns }));
handoffTranscriptContract('Redis, sealed', async ({ keepTurns }) =>
  new RedisTranscriptStore(redis.client(), { prefix: `${redis.prefix}contract${Math.random()}:`, keepTurns, cipher: new FieldCipher(TEST_KEYS) }),
);

describe('the handoff transcript in memory', () => {
  it('lives as long as the conversation after its last turn, and is gone after', async () => {
    let t = 0;
    const store = new MemoryTranscriptStore({ ttlSeconds: 60 }, () => t);
    const turn = (text: string) => [{ type: 'message', from: { role: 'user' } as never, text }];
    await store.logTurn('wechat', 'c1', turn('你好'));
    t = 50_000;
    await store.logTurn('wechat', 'c1', turn('人工服务'));
    t = 100_000;
    expect((await store.getTranscriptActivities('wechat', 'c1')).items.map((a) => a.text), 'the last turn gave it 60 s again').to.deep.equal(['你好', '人工服务']);
    t = 110_000;
    expect((await store.getTranscriptActivities('wechat', 'c1')).items).to.deep.equal([]);
  });
});

describe('the handoff transcript in Redis', () => {
  it('is sealed at rest (no word of it in Redis), bound to its conversation, and lives as long as the conversation', async () => {
    const prefix = `${redis.prefix}sealed:`;
    const store = new RedisTranscriptStore(redis.client(), { prefix, ttlSeconds: 600, cipher: new FieldCipher(TEST_KEYS) });
    const c = aConversation();
    await store.logTurn('wechat', c, [{ type: 'message', from: { role: 'bot' } as never, text: '您填写的住址：浦东新区世纪大道100号' }]);
    const look = await redis.readyClient();
    const keys = await look.keys(`${prefix}*`);
    expect(keys).to.deep.equal([store.key('wechat', c)]);
    expect(keys[0], 'no conversation id in the key name').to.not.include(c);
    const raw = (await look.lrange(keys[0]!, 0, -1)).join('\n');
    for (const secret of ['世纪大道', '住址', c]) expect(raw, secret).to.not.include(secret);
    expect(await look.ttl(keys[0]!)).to.be.within(590, 600);
    // A sealed turn copied into another conversation's transcript does not open there; it is left out, and told.
    const other = aConversation();
    await look.rpush(store.key('wechat', other), ...(await look.lrange(keys[0]!, 0, -1)));
    const told: Error[] = [];
    const reader = new RedisTranscriptStore(redis.client(), { prefix, cipher: new FieldCipher(TEST_KEYS), onUnreadable: (err) => told.push(err) });
    expect((await reader.getTranscriptActivities('wechat', other)).items).to.deep.equal([]);
    expect(told).to.have.length(1);
    expect(told[0]!.message).to.not.include(other);
    // Under a key no longer configured: left out, told.
    const stranger = new RedisTranscriptStore(redis.client(), { prefix, cipher: new FieldCipher(DataKeyRing.fromText(OLD_TEST_DATA_KEY)), onUnreadable: (err) => told.push(err) });
    expect((await stranger.getTranscriptActivities('wechat', c)).items).to.deep.equal([]);
    expect(told).to.have.length(2);
  });

  it('a turn\'s write rides on the script that ends the turn: written with the state, cut to the last turns', async () => {
    const client = redis.client();
    const prefix = `${redis.prefix}ride:`;
    const storage = new RedisStorage(client, { prefix: `${prefix}state:` });
    const lock = new RedisTurnLock(client, { prefix: `${prefix}turn:`, turnState: { storage, deduper: new RedisDeduper(client, { prefix: `${prefix}seen:` }) } });
    const store = new RedisTranscriptStore(client, { prefix: `${prefix}transcript:`, keepTurns: 2, cipher: new FieldCipher(TEST_KEYS) });
    const c = aConversation();
    for (const text of ['一', '二', '三']) {
      const lease = (await lock.acquire(`emulator/${c}`, { maxWaitMs: 1000, activityId: `emulator/${c}/${text}` }))!;
      const rider = store.forTurnEnd!('emulator', c, [{ type: 'message', from: { role: 'user' } as never, text }]);
      await lease.succeeded!(rider);
      expect(rider.taken, 'taken by the lease').to.equal(true);
    }
    expect((await store.getTranscriptActivities('emulator', c)).items.map((a) => a.text)).to.deep.equal(['二', '三']);
    const look = await redis.readyClient();
    expect(await look.ttl(store.key('emulator', c))).to.be.above(0);
  });
});

/** A TestAdapter with the transcript middleware and a bot that answers; `hook` runs in each turn. */
function botWith(transcript: HandoffTranscript, hook: (context: TurnContext) => Promise<void> = async () => {}) {
  return new TestAdapter(async (context) => {
    if (context.activity.type !== ActivityTypes.Message) return;
    await context.sendActivity({ type: ActivityTypes.Typing });
    await hook(context);
    await context.sendActivity(`收到：${context.activity.text!.length} 个字`);
  }).use(transcript);
}

describe('HandoffTranscript (the middleware)', () => {
  const mask = (text: string) => text.replace(/\d{17}[\dX]/g, (id) => `${id.slice(0, 4)}**********${id.slice(14)}`);

  it('keeps the person\'s messages masked as the turn read them, and what the bot sent a person to read; no typing, no ids', async () => {
    const store = new MemoryTranscriptStore();
    const transcript = new HandoffTranscript(store, { mask: () => mask });
    const adapter = botWith(transcript);
    await adapter.send('你好').assertReply((a) => expect(a.type).to.equal('typing')).assertReply('收到：2 个字');
    await adapter.send('11010519491231002X').assertReply((a) => expect(a.type).to.equal('typing')).assertReply('收到：18 个字');
    const { items } = await store.getTranscriptActivities('test', adapter.conversation.conversation.id);
    expect(items.map((a) => [a.from.role, a.text])).to.deep.equal([
      ['user', '你好'],
      ['bot', '收到：2 个字'],
      ['user', '1101**********002X'],
      ['bot', '收到：18 个字'],
    ]);
    expect(JSON.stringify(items), 'no account ids').to.not.include(adapter.conversation.user!.id);
  });

  it('keeps the person\'s summary as an agent reads it: the names and the address it shows in full masked (zh card, en numbered rows, values with colons and newlines)', async () => {
    const texts = new Texts();
    const store = new MemoryTranscriptStore();
    const transcript = new HandoffTranscript(store, { mask: () => mask, shown: shownToAgent });
    const label = (locale: Locale, id: string) => texts.t(locale, `labels.${id}`);
    // As the review dialog puts a summary together: the answers in full marked where they lie (channelData.inFull).
    const summary = (locale: Locale, rows: Array<[id: string, value: string]>, numbered: boolean) =>
      summaryText([
        texts.t(locale, 'messages.summaryIntro', { category: '长期居住' }),
        ...rows.map(([id, value], i): SummaryLine => {
          const words = (v: string) => texts.t(locale, numbered ? 'messages.summaryRowNumbered' : 'messages.summaryRow', { number: i + 1, label: label(locale, id), value: v });
          return FILING_FORM.byId(id)!.review ? { id, value, line: words } : words(value);
        }),
      ]);
    const zhRows: Array<[string, string]> = [['details.personName', '李秀英'], ['details.idNumber', '1101**********002X'], ['details.address', '浦东新区：世纪大道100号\n3号楼201室'], ['details.employerName', '日照港集团']];
    const enRows: Array<[string, string]> = [['details.personName', 'Li: Xiuying'], ['details.address', '100 Century Avenue,\nPudong: Shanghai']];
    const zh = summary('zh-CN', zhRows, false);
    const en = summary('en-US', enRows, true);
    const adapter = botWith(transcript, async (context) => {
      // A card whose spoken text is the summary (Teams, the Emulator), and a text summary with numbered rows (WeChat).
      await context.sendActivity({ type: ActivityTypes.Message, speak: zh.text, locale: 'zh-CN', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { body: [zh.text] } }], channelData: { summary: zhRows.map(([id]) => id), inFull: zh.inFull } });
      await context.sendActivity({ type: ActivityTypes.Message, text: en.text, locale: 'en-US', channelData: { summary: enRows.map(([id]) => id), inFull: en.inFull } });
    });
    await adapter.send('确认').assertReply((a) => expect(a.type).to.equal('typing')).assertReply(() => {}).assertReply(() => {}).assertReply(() => {});
    const { items } = await store.getTranscriptActivities('test', adapter.conversation.conversation.id);
    const kept = items.filter((a) => a.from.role === 'bot').map((a) => a.text);
    const masked = (rows: Array<[string, string]>) => rows.map(([id, value]): [string, string] => [id, FILING_FORM.byId(id)!.review ? (FILING_FORM.byId(id)!.show as (v: string) => string)(value) : value]);
    expect(kept[0]).to.equal(summary('zh-CN', masked(zhRows), false).text);
    expect(kept[0]).to.include(`${label('zh-CN', 'details.personName')}：李**`).and.include('1101**********002X').and.include('日照港集团');
    expect(kept[1]).to.equal(summary('en-US', masked(enRows), true).text);
    for (const value of ['秀英', '世纪大道', '3号楼', 'Xiuying', 'Century', 'Pudong', 'Shanghai']) expect(JSON.stringify(items)).to.not.include(value);
    expect(JSON.stringify(items)).to.not.include('AdaptiveCard').and.not.include('adaptive');
  });

  it('a summary whose answers in full cannot be placed is left out whole (no inFull, a place beyond the text, out of order, a question without a full review)', async () => {
    const { text, inFull } = summaryText(['摘要', { id: 'details.personName', value: '李秀英', line: (v) => `${v} ← 姓名` }]);
    expect(text, 'the words around an answer in any order').to.equal('摘要\n李秀英 ← 姓名');
    expect(shownToAgent({ type: 'message', text, channelData: { summary: ['details.personName'], inFull } })).to.equal('摘要\n李** ← 姓名');
    for (const placed of [undefined, [{ id: 'details.personName', start: 3, end: 99 }], [{ id: 'details.personName', start: 3, end: 6 }, { id: 'details.personName', start: 0, end: 2 }], [{ id: 'details.idNumber', start: 3, end: 6 }], [{ id: 'nope', start: 3, end: 6 }], 'x']) {
      expect(shownToAgent({ type: 'message', text, channelData: { summary: ['details.personName'], inFull: placed } }), JSON.stringify(placed)).to.equal(undefined);
    }
    expect(shownToAgent({ type: 'message', text: '你好，李秀英' }), 'any other message as it is').to.equal('你好，李秀英');
  });

  it('each question a summary shows in full (review) has a personal-data mask, the one its question shows the answer back by', () => {
    const inFull = FILING_FORM.questions.filter((q) => q.review);
    expect(inFull.map((q) => q.id)).to.include.members(['details.personName', 'details.agentName', 'details.address']);
    for (const question of inFull) {
      const mask = maskOfAnswer(question.id);
      expect(mask, question.id).to.be.a('function');
      for (const value of ['李秀英', '上海市浦东新区世纪大道100号3号楼201室', '山东省（日照市东港区）海曲中路88号', '李（小）英']) expect(mask!(value), question.id).to.equal((question.show as (v: string) => string)(value));
    }
  });

  it('read in a turn: the turns kept and this turn so far; handed off "now" keeps the asking, "turn" keeps nothing of the turn', async () => {
    const store = new MemoryTranscriptStore();
    const transcript = new HandoffTranscript(store, { mask: () => mask });
    let read: Activity[] = [];
    const adapter = botWith(transcript, async (context) => {
      if (context.activity.text === '人工服务') {
        read = await transcript.read({ channelId: context.activity.channelId, conversation: context.activity.conversation }, context);
        transcript.handedOff(context, 'now');
      }
      if (context.activity.text === '在吗') transcript.handedOff(context, 'turn');
    });
    await adapter.send('你好').assertReply((a) => expect(a.type).to.equal('typing')).assertReply('收到：2 个字');
    await adapter.send('人工服务').assertReply((a) => expect(a.type).to.equal('typing')).assertReply('收到：4 个字');
    expect(read.map((a) => a.text)).to.deep.equal(['你好', '收到：2 个字', '人工服务']);
    expect(read.every((a) => a.channelId === 'test' && a.conversation.id === adapter.conversation.conversation.id)).to.equal(true);
    await adapter.send('在吗').assertReply((a) => expect(a.type).to.equal('typing')).assertReply('收到：2 个字');
    const kept = await transcript.read({ channelId: 'test', conversation: adapter.conversation.conversation });
    expect(kept.map((a) => a.text)).to.deep.equal(['你好', '收到：2 个字', '人工服务']);
  });

  it('puts the turn\'s write on the turn\'s end when the store can ride there (TURN_END_APPEND_KEY)', async () => {
    const ridden: TurnEndAppend[] = [];
    const store = new MemoryTranscriptStore();
    const riding = Object.assign(Object.create(store) as MemoryTranscriptStore, {
      forTurnEnd: (_channel: string, _conversation: string, activities: Partial<Activity>[]): TurnEndAppend => ({ store: 'x', list: 'l', ttlSeconds: 1, values: [JSON.stringify(activities)] }),
    });
    const transcript = new HandoffTranscript(riding, { mask: () => mask });
    const adapter = new TestAdapter(async (context) => {
      await context.sendActivity('好的');
    })
      .use({
        onTurn: async (context, next) => {
          await next();
          ridden.push(context.turnState.get(TURN_END_APPEND_KEY) as TurnEndAppend);
        },
      })
      .use(transcript);
    await adapter.send('你好').assertReply('好的');
    expect(ridden).to.have.length(1);
    expect(JSON.parse(ridden[0]!.values[0]!).map((a: Activity) => a.text)).to.deep.equal(['你好', '好的']);
    expect((await store.getTranscriptActivities('test', adapter.conversation.conversation.id)).items, 'not written twice').to.deep.equal([]);
  });

  it('forgets the transcript when the person leaves the one-to-one conversation', async () => {
    const store = new MemoryTranscriptStore();
    const transcript = new HandoffTranscript(store, { mask: () => mask });
    const adapter = botWith(transcript);
    await adapter.send('你好').assertReply((a) => expect(a.type).to.equal('typing')).assertReply('收到：2 个字');
    const { conversation, user } = adapter.conversation;
    await adapter.send({ type: ActivityTypes.ConversationUpdate, membersRemoved: [user], from: user, conversation } as Partial<Activity>).startTest();
    expect((await store.getTranscriptActivities('test', conversation.id)).items).to.deep.equal([]);
  });
});

describe('transcriptActivity (a message as the agent reads it)', () => {
  const shown = (message: Partial<Activity>) => `shown: ${message.text ?? ''}`;
  const message = (extra: Partial<Activity>): Partial<Activity> => ({ type: ActivityTypes.Message, channelId: 'wechat', text: 'hi', locale: 'zh-CN', ...extra });

  it('who said it: the activity\'s role by default, or as the caller says (the bot\'s, read as `shown` gives it); no account ids', () => {
    expect(transcriptActivity(message({ from: { id: 'openid', name: '', role: 'user' } }), { shown })).to.deep.equal({ type: 'message', from: { role: 'user' }, text: 'hi', locale: 'zh-CN' });
    expect(transcriptActivity(message({ from: { id: 'openid', name: '', role: 'user' } }), { shown, by: 'bot' })).to.deep.equal({ type: 'message', from: { role: 'bot' }, text: 'shown: hi', locale: 'zh-CN' });
    expect(transcriptActivity(message({}), { shown })?.from).to.deep.equal({ role: 'bot' });
  });

  it('when: the caller\'s time before the activity\'s; the channel only when asked for', () => {
    const at = new Date('2026-12-07T08:00:00Z');
    const said = message({ timestamp: new Date('2026-12-01T00:00:00Z') });
    expect(transcriptActivity(said)?.timestamp).to.equal(said.timestamp);
    expect(transcriptActivity(said, { at })?.timestamp).to.equal(at);
    expect(transcriptActivity(said)).not.to.have.property('channelId');
    expect(transcriptActivity(said, { channel: true })).to.include({ channelId: 'wechat' });
  });
});
