import { expect } from 'chai';
import { MemoryStorage } from 'botbuilder';
import { Chat } from './support/chat.js';

/** The TestAdapter's conversation: botbuilder keys conversation state by channel and conversation id. */
const STATE_KEY = 'test/conversations/Convo1/';

describe('state that survives change: deploys, old versions and long pauses', () => {
  it('a state written by an older version keeps its answers and continues at the first unanswered question', async () => {
    const storage = new MemoryStorage();
    await storage.write({
      [STATE_KEY]: {
        eTag: '*',
        filing: {
          v: 0,
          active: true,
          situation: { filerMode: 'SELF', insuredPlace: '371100', treatmentPlace: '310000' },
          details: {},
          history: ['situation.filerMode', 'situation.insuredPlace', 'situation.treatmentPlace'],
        },
        dialogState: { dialogStack: [{ id: 'filing-v0', state: {} }] },
      },
    });
    const chat = new Chat({ storage });
    const replies = await chat.say('你好');
    expect(Chat.textOf(replies)).to.include('服务刚刚更新过');
    expect(Chat.promptOf(replies)).to.equal('consent.personalInfo');
  });

  it('a version 1 state (before the question engine), past consent: upgraded, answers kept, no description asked mid-way', async () => {
    const storage = new MemoryStorage();
    await storage.write({
      [STATE_KEY]: {
        eTag: '*',
        filing: {
          v: 1,
          active: true,
          situation: { filerMode: 'SELF', insuredPlace: '371100', treatmentPlace: '310000', insuranceActive: true },
          consent: { personalInfo: true, at: '2026-11-24T01:00:00.000Z' },
          details: {},
          history: ['situation.filerMode', 'situation.insuredPlace', 'situation.treatmentPlace', 'consent.personalInfo', 'situation.insuranceActive'],
          previous: {},
          failures: { 'situation.now': 2 },
          asking: 'situation.now',
          suggestions: { promptId: 'situation.insuredPlace', values: ['320500', '341300'] },
          idempotencyKey: 'kept-key',
        },
        dialogState: { dialogStack: [{ id: 'main', state: { dialogs: { dialogStack: [{ id: 'answer', state: {} }] } } }] },
        meta: { dialogsVersion: 1, lastSeen: Date.now() },
      },
    });
    const chat = new Chat({ storage });
    const replies = await chat.say('你好');
    expect(Chat.textOf(replies)).to.include('服务刚刚更新过');
    expect(Chat.promptOf(replies)).to.equal('situation.now');
    const filing = ((await storage.read([STATE_KEY]))[STATE_KEY] as { filing: Record<string, unknown> }).filing;
    expect(filing).to.include({ v: 2, idempotencyKey: 'kept-key' });
    expect(filing).to.deep.include({ intake: { mode: 'GUIDED' } });
    expect(filing).not.to.have.any.keys('asking', 'failures', 'suggestions');
  });

  for (const [what, stored] of [
    ['filing state', { filing: { v: 99, active: true, situation: { filerMode: 'SELF' }, details: {}, history: ['situation.filerMode'], fromTheFuture: 'kept' } }],
    ['dialog state', { filing: { v: 1, active: true, situation: {}, details: {}, history: [] }, meta: { dialogsVersion: 99, lastSeen: 0 }, fromTheFuture: 'kept' }],
  ] as const) {
    it(`a ${what} written by a NEWER version (rolling deploy) is left untouched and the person is asked to send again`, async () => {
      const storage = new MemoryStorage();
      await storage.write({ [STATE_KEY]: { eTag: '*', ...stored } });
      const before = JSON.stringify((await storage.read([STATE_KEY]))[STATE_KEY]);
      const chat = new Chat({ storage });
      const replies = await chat.say('你好');
      expect(replies.map((r) => r.text)).to.deep.equal([chat.texts.t('zh-CN', 'system.shuttingDown')]);
      expect(JSON.stringify((await storage.read([STATE_KEY]))[STATE_KEY]), 'nothing written').to.equal(before);
    });
  }

  it('a dialog stack naming dialogs this version does not have is dropped, the answers kept', async () => {
    const storage = new MemoryStorage();
    const chat = new Chat({ storage });
    for (const say of ['你好', '1', '本人', '日照']) await chat.say(say);
    const stored = (await storage.read([STATE_KEY]))[STATE_KEY] as Record<string, unknown>;
    stored.dialogState = { dialogStack: [{ id: 'a-dialog-from-another-release', state: {} }] };
    stored.eTag = '*';
    await storage.write({ [STATE_KEY]: stored });
    const replies = await chat.say('上海');
    expect(Chat.textOf(replies)).to.include('服务刚刚更新过');
    expect(Chat.promptOf(replies)).to.equal('situation.treatmentPlace');
    expect(Chat.promptOf(await chat.say('上海'))).to.equal('consent.personalInfo');
  });

  it('a person who comes back after a long pause gets a one-line recap and continues where they stopped', async () => {
    let now = Date.parse('2026-11-24T02:00:00Z');
    const chat = new Chat({ now: () => now });
    for (const say of ['你好', '1', '本人', '日照']) await chat.say(say);
    now += 45 * 60 * 1000;
    const replies = await chat.say('你好');
    expect(Chat.textOf(replies)).to.match(/欢迎回来.*已填写2项.*参保地/);
    expect(Chat.promptOf(replies)).to.equal('situation.treatmentPlace');
  });

  it('a quick reply gets no recap', async () => {
    let now = Date.parse('2026-11-24T02:00:00Z');
    const chat = new Chat({ now: () => now });
    for (const say of ['你好', '1', '本人']) await chat.say(say);
    now += 60 * 1000;
    const replies = await chat.say('日照');
    expect(Chat.textOf(replies)).to.not.include('欢迎回来');
    expect(Chat.promptOf(replies)).to.equal('situation.treatmentPlace');
  });
});
