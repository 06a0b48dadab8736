import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { Chat } from './support/chat.js';

/**
 * A first message that asks a common question and states a filing's facts ("我妈妈在日照参保…想在杭州看病能直接
 * 刷卡吗"): the question is answered (not until a filing is made: the direct-settlement answer), and the filing
 * goes on with the facts kept — never the menu again with the facts lost.
 */

const readBacks = (replies: Partial<Activity>[]) =>
  replies.filter((r) => (r.channelData as { understood?: boolean } | undefined)?.understood).map((r) => r.text ?? '');

const CASES: Array<{ locale: 'zh-CN' | 'en-US'; words: string; topic: string; facts: string[]; next: string }> = [
  {
    locale: 'zh-CN',
    words: '我妈妈在日照参保，退休了，现在跟我住在杭州，想在杭州看病能直接刷卡吗',
    topic: 'WHEN',
    facts: ['为他人代办', '山东省日照市', '浙江省杭州市'],
    next: 'consent.personalInfo',
  },
  {
    locale: 'en-US',
    words: 'my mother is insured in Rizhao, retired, and lives with me in Hangzhou now; can she use her card directly at the hospital here?',
    topic: 'WHEN',
    facts: ['For someone else', 'Rizhao, Shandong', 'Hangzhou, Zhejiang'],
    next: 'consent.personalInfo',
  },
  { locale: 'zh-CN', words: '我在日照参保，去上海看病要带什么材料？', topic: 'MATERIALS', facts: ['山东省日照市', '上海市'], next: 'situation.filerMode' },
];

describe('a question asked with the facts of a filing: answered, and the filing goes on with the facts', () => {
  for (const { locale, words, topic, facts, next } of CASES) {
    for (const atMenu of [false, true]) {
      it(`“${words}” ${atMenu ? 'at the menu' : 'as the first words'} → the ${topic} answer, then the facts said back and ${next}`, async () => {
        const chat = new Chat({ locale, channelId: 'webchat' });
        if (atMenu) await chat.say(locale === 'zh-CN' ? '你好' : 'hello');
        const replies = await chat.say(words);
        expect(Chat.channelData(replies, 'faq'), Chat.textOf(replies)).to.equal(topic);
        const said = readBacks(replies);
        expect(said, Chat.textOf(replies)).to.have.length(1);
        for (const fact of facts) expect(said[0]).to.include(fact);
        expect(Chat.textOf(replies)).to.include(chat.texts.t(locale, 'messages.faqThenFiling'));
        expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal(next);
      });
    }
  }

  it('one place said of someone, no question and no filing asked (“我爸在日照参保”): no filing started, the menu', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    const replies = await chat.say('我爸在日照参保');
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('menu.main');
  });

  it('a question with no filing facts is still answered alone, then the menu (“在外地看病能直接刷卡吗”)', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    const replies = await chat.say('在外地看病能直接刷卡吗');
    expect(Chat.channelData(replies, 'faq')).to.equal('WHEN');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });
});
