import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { Chat } from './support/chat.js';
import type { Step } from './support/paths.js';

/**
 * Every message the bot sends says which language its words are in (activity.locale): the page marks each
 * message with it (lang), so a screen reader speaks it with the right voice. botbuilder only copies the
 * incoming message's locale when a reply has none, and the page keeps stamping its own language on what
 * the person sends: after a switch typed in the chat ("English"), the replies are English while the
 * person's messages still say zh-CN.
 */

/** The language a reply is written in: Chinese when it has Han characters (apart from the word that names Chinese, 中文). */
function languageOf(reply: Partial<Activity>): 'zh-CN' | 'en-US' {
  const words = `${reply.text ?? ''}\n${reply.speak ?? ''}`.replace(/中文/g, '');
  return /\p{Script=Han}/u.test(words) ? 'zh-CN' : 'en-US';
}

/** On a page in Chinese (every message the person sends says zh-CN), a filing switched to English and back. */
const SWITCHING: Step[] = [
  ['你好', 'menu.main'],
  ['1', 'situation.filerMode'],
  ['为本人办理', 'situation.insuredPlace'],
  ['日照', 'situation.treatmentPlace'],
  ['English', 'situation.treatmentPlace'],
  ['Shanghai', 'consent.personalInfo'],
  ['I agree', 'situation.intake'],
  ['Answer step by step', 'situation.insuranceActive'],
  ['help', 'situation.insuranceActive'],
  ['yes', 'situation.now'],
  ['1', 'situation.longTerm'],
  ['no', 'situation.hasReferral'],
  ['no', 'outcome.understood'],
  ['1', 'details.scheme'],
  ['1', 'details.personName'],
  ['Zhang San', 'details.idNumber'],
  ['11010519491231002Y', 'details.idNumber'],
  ['11010519491231002X', 'details.phone'],
  ['13812345678', 'details.startDate'],
  ['tomorrow', 'details.institutions'],
  ["Shanghai Sixth People's Hospital", 'review.confirm'],
  ['中文', 'review.confirm'],
  ['确认提交', 'menu.main'],
];

describe('every bot message carries the locale of its words (activity.locale)', () => {
  for (const channelId of ['test', 'test-cards']) {
    it(`${channelId}: a filing on a Chinese page switched to English in the chat and back: each reply says the language it is written in`, async () => {
      const chat = new Chat({ locale: 'zh-CN', channelId });
      await chat.follow(SWITCHING);
      const messages = chat.transcript.filter((r) => r.type === 'message');
      const wrong = messages.filter((r) => r.locale !== languageOf(r)).map((r) => `${r.locale}: ${(r.text ?? r.speak ?? '').slice(0, 60)}`);
      expect(wrong).to.deep.equal([]);
      expect(new Set(messages.map((r) => r.locale))).to.deep.equal(new Set(['zh-CN', 'en-US']));
      // The switch itself is said in the new language, and so is everything after it until the next switch.
      const switched = messages.findIndex((r) => r.text === chat.texts.t('en-US', 'messages.languageSwitched'));
      expect(messages[switched]?.locale).to.equal('en-US');
      expect(messages.at(-1)?.locale).to.equal('zh-CN');
    });
  }

  it('the welcome, the welcome back and a question asked again after a long pause say their language too', async () => {
    let now = Date.UTC(2026, 10, 24, 2);
    const chat = new Chat({ locale: 'zh-CN', now: () => now });
    await chat.follow([['你好', 'menu.main']]);
    // "English" at the menu switches once (the menu, which reads a first message's words, does not switch back).
    const switched = await chat.follow([['English', 'menu.main']]);
    expect(switched.map((r) => [r.locale, languageOf(r)])).to.deep.equal(switched.map(() => ['en-US', 'en-US']));
    expect(switched.filter((r) => /^(Switched to English|已切换为中文)/.test(r.text ?? '')).length).to.equal(1);
    await chat.follow([['1', 'situation.filerMode']]);
    now += 2 * 3600 * 1000;
    const replies = await chat.say('For myself');
    expect(replies.map((r) => r.locale)).to.deep.equal(replies.map(languageOf));
    expect(replies.every((r) => r.locale === 'en-US')).to.equal(true);
  });
});
