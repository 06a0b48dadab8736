import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { Chat } from './support/chat.js';

/**
 * At the menu (or as the first message), words that state who files and the places ask to file even
 * without 备案/办理: the filing starts and the opening facts apply. Words that are something else are not
 * taken for a filing: an emergency told in words gets the advice, a question the FAQ, checking or
 * cancelling the lifecycle.
 */

type Locale = 'zh-CN' | 'en-US';

const readBacks = (replies: Partial<Activity>[]) =>
  replies.filter((r) => (r.channelData as { understood?: boolean } | undefined)?.understood).map((r) => r.text);

async function said(locale: Locale, words: string, atMenu: boolean) {
  const chat = new Chat({ locale, channelId: 'webchat' });
  if (atMenu) await chat.say(locale === 'zh-CN' ? '你好' : 'hello');
  const replies = await chat.say(words);
  return { chat, replies };
}

/** A filing started: the first question not answered by the words, the menu not shown again; readBacks: the answers said back. */
const FILINGS: Array<{ locale: Locale; words: string; next: string; readBacks: number }> = [
  // Both said (给我妈, 本人): who files asked, as the opening facts do.
  { locale: 'zh-CN', words: '给我妈办，我本人的医保', next: 'situation.filerMode', readBacks: 0 },
  { locale: 'zh-CN', words: '我是日照参保的，要去义乌看病，给我爸办', next: 'consent.personalInfo', readBacks: 3 },
  // 帮她 names the person the words are about: 为他人代办.
  { locale: 'zh-CN', words: '我妈要去上海看病，帮她办备案', next: 'situation.insuredPlace', readBacks: 2 },
  { locale: 'zh-CN', words: '我在日照参保，要去上海看病', next: 'situation.filerMode', readBacks: 2 },
  { locale: 'en-US', words: 'File for my mum, on my own insurance', next: 'situation.filerMode', readBacks: 0 },
  { locale: 'en-US', words: 'My mum is going to Shanghai for treatment, file it for her', next: 'situation.insuredPlace', readBacks: 2 },
  { locale: 'en-US', words: "I'm insured in Rizhao and going to Shanghai for treatment, for my dad", next: 'consent.personalInfo', readBacks: 3 },
];

describe('at the menu, words that state who files and the places are a filing', () => {
  for (const atMenu of [true, false]) {
    const where = atMenu ? 'at the menu' : 'as the first words';
    for (const f of FILINGS) {
      it(`“${f.words}” (${f.locale}) ${where} → a filing: ${f.readBacks} said back, then ${f.next}`, async () => {
        const { replies } = await said(f.locale, f.words, atMenu);
        expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal(f.next);
        // Said back in one message: one answer as its question says it, several as a line each.
        expect(readBacks(replies), Chat.textOf(replies)).to.have.length(Math.min(f.readBacks, 1));
        if (f.readBacks > 1) expect(readBacks(replies)[0]!.split('\n').filter((line) => line.startsWith('• '))).to.have.length(f.readBacks);
      });
    }
  }

  it('“我妈要去上海看病，帮她办备案” → 为他人代办 said back', async () => {
    const { chat, replies } = await said('zh-CN', '我妈要去上海看病，帮她办备案', true);
    expect(readBacks(replies)[0]).to.include(chat.texts.t('zh-CN', 'messages.summaryRow', { label: chat.texts.t('zh-CN', 'labels.situation.filerMode'), value: '为他人代办' }));
  });

  it('帮她 with nobody named (“帮她办备案”) does not say who files: asked', async () => {
    const { replies } = await said('zh-CN', '帮她办备案', true);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.filerMode');
    expect(readBacks(replies)).to.deep.equal([]);
  });
});

describe('at the menu, neighbours that are not a filing are not read as one', () => {
  for (const atMenu of [true, false]) {
    const where = atMenu ? 'at the menu' : 'as the first words';
    for (const [locale, words] of [
      ['zh-CN', '我妈突然晕倒了，现在在上海的医院急诊'],
      ['zh-CN', '我爸在日照参保，现在在急诊抢救'],
      ['en-US', 'My mum collapsed and is in the emergency room in Shanghai'],
    ] as const) {
      it(`an emergency (“${words}”) ${where} → the emergency advice, no filing`, async () => {
        const { chat, replies } = await said(locale, words, atMenu);
        expect(Chat.textOf(replies)).to.include(chat.texts.t(locale, 'messages.emergencyAdvice', { hotline: '0633-12393' }));
        expect(Chat.promptOf(replies)).not.to.match(/^situation\.|^consent\./);
      });
    }
    for (const [locale, words] of [
      ['zh-CN', '备案要带什么材料？'],
      ['en-US', 'What documents do I need?'],
    ] as const) {
      it(`a question (“${words}”) ${where} → the FAQ answer, then the menu`, async () => {
        const { replies } = await said(locale, words, atMenu);
        expect(Chat.channelData(replies, 'faq'), Chat.textOf(replies)).to.equal('MATERIALS');
        expect(Chat.promptOf(replies)).to.equal('menu.main');
      });
    }
    for (const [locale, words] of [
      ['zh-CN', '我想查一下给我妈办的备案'],
      ['zh-CN', '取消备案'],
      ['en-US', 'cancel my filing'],
    ] as const) {
      it(`check/change/cancel (“${words}”) ${where} → the lifecycle`, async () => {
        const { replies } = await said(locale, words, atMenu);
        expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('lifecycle.find');
      });
    }
  }
});
