import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { Chat } from './support/chat.js';
import { LT_RESIDENT_TO_SUMMARY, openingEn, openingZh, upTo, type TextStep } from './support/paths.js';

/**
 * A question put back at a yes/no question ("要不要转诊证明？" at "has the hospital issued a referral?") is
 * not an answer: the bot says what the question means (its help) and asks it again — it never advances on
 * it, and the person then answers it. A request to go on ("能不能先同意") is still the answer it asks for.
 */

const TO_REFERRAL_ZH: TextStep[] = [...openingZh(), ['计划去外地看病或居住', 'situation.longTerm'], ['否', 'situation.hasReferral']];
const TO_RETIRED_ZH: TextStep[] = upTo(LT_RESIDENT_TO_SUMMARY, 'situation.retired');
const TO_HUKOU_ZH: TextStep[] = upTo(LT_RESIDENT_TO_SUMMARY, 'situation.hukouMoved');
const TO_LONG_TERM_ZH: TextStep[] = upTo(LT_RESIDENT_TO_SUMMARY, 'situation.longTerm');
const TO_COMMITMENT_ZH: TextStep[] = upTo(LT_RESIDENT_TO_SUMMARY, 'details.commitment');
const TO_REFERRAL_EN: TextStep[] = [...openingEn(), ['1', 'situation.longTerm'], ['no', 'situation.hasReferral']];
const TO_RETIRED_EN: TextStep[] = [...openingEn(), ['1', 'situation.longTerm'], ['yes', 'situation.retired']];
const TO_CONSENT_ZH: TextStep[] = upTo(openingZh(), 'consent.personalInfo');

/** Says the words at the question the steps lead to: the same question again, with what it means. */
async function askedBack(chat: Chat, steps: TextStep[], said: string, locale: 'zh-CN' | 'en-US' = 'zh-CN'): Promise<Partial<Activity>[]> {
  await chat.follow(steps);
  const question = steps.at(-1)![1];
  const replies = await chat.say(said);
  expect(Chat.promptOf(replies), `"${said}" at ${question}`).to.equal(question);
  // The help's words up to its first placeholder ({days}: the profile's figure).
  const help = chat.texts.t(locale, `prompts.${question}.help`).split('{')[0]!.slice(0, 20);
  expect(help.length).to.be.at.least(8);
  expect(Chat.textOf(replies)).to.include(help);
  return replies;
}

describe('a question put back at a yes/no question is not an answer', () => {
  it('"没有转诊证明能办吗", a common question, at 是否已开具转诊证明: its answer (the FAQ), the question again; then "没有" answers it', async () => {
    const chat = new Chat();
    await chat.follow(TO_REFERRAL_ZH);
    const replies = await chat.say('没有转诊证明能办吗');
    expect(Chat.promptOf(replies)).to.equal('situation.hasReferral');
    expect(Chat.channelData(replies, 'faq')).to.be.a('string');
    await chat.follow([['没有', 'outcome.understood']]);
  });

  for (const said of ['要不要转诊证明', '需不需要转诊证明？', '转诊证明是什么']) {
    it(`"${said}" at 是否已开具转诊证明: its meaning, the question again; then "没有" answers it`, async () => {
      const chat = new Chat();
      const replies = await askedBack(chat, TO_REFERRAL_ZH, said);
      expect(Chat.channelData(replies, 'error')).to.equal('ASKED_BACK');
      await chat.follow([['没有', 'outcome.understood']]);
    });
  }

  for (const [steps, said] of [
    [TO_RETIRED_ZH, '退休了才能办吗'],
    [TO_RETIRED_ZH, '什么算退休'],
    [TO_HUKOU_ZH, '户口要不要迁过去'],
    [TO_LONG_TERM_ZH, '住半年算不算长期？'],
    [TO_COMMITMENT_ZH, '承诺书是什么意思'],
  ] as const) {
    it(`"${said}" at ${steps.at(-1)![1]}: its meaning, the question again`, async () => {
      await askedBack(new Chat(), [...steps], said);
    });
  }

  for (const [steps, said] of [
    [TO_REFERRAL_EN, 'do I need a referral?'],
    [TO_REFERRAL_EN, 'is a referral required?'],
    [TO_RETIRED_EN, 'should I be retired?'],
  ] as const) {
    it(`English: "${said}" at ${steps.at(-1)![1]}: its meaning, the question again`, async () => {
      await askedBack(new Chat({ locale: 'en-US' }), [...steps], said, 'en-US');
    });
  }

  it('English: "do I need a referral?", then "no": the answer taken', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await askedBack(chat, TO_REFERRAL_EN, 'do I need a referral?', 'en-US');
    await chat.follow([['no', 'outcome.understood']]);
  });

  it('"有啊，怎么了" at 是否已开具转诊证明: an answer said with a question is the answer', async () => {
    const chat = new Chat();
    await chat.follow(TO_REFERRAL_ZH);
    const replies = await chat.say('有啊，怎么了');
    expect(Chat.promptOf(replies)).to.not.equal('situation.hasReferral');
  });

  for (const said of ['能不能先同意', '可以', '可以同意吗']) {
    it(`"${said}" at the consent: a request to go on, taken as agreement`, async () => {
      const chat = new Chat();
      await chat.follow([...TO_CONSENT_ZH, [said, 'situation.intake']]);
    });
  }

  it('English: "can I just agree?" at the consent is agreement', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([...upTo(openingEn(), 'consent.personalInfo'), ['can I just agree?', 'situation.intake']]);
  });
});

describe('a language switch in words of either language', () => {
  for (const said of ['i want chinese', 'switch to chinese', '中文', '我要中文']) {
    it(`English: "${said}" at a question switches to Chinese and asks it again`, async () => {
      const chat = new Chat({ locale: 'en-US' });
      await chat.follow(TO_REFERRAL_EN);
      const replies = await chat.say(said);
      expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.languageSwitched'));
      expect(Chat.promptOf(replies)).to.equal('situation.hasReferral');
      expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'prompts.situation.hasReferral.text'));
    });
  }

  for (const said of ['i want english', '我要英文', 'English']) {
    it(`Chinese: "${said}" at a question switches to English and asks it again`, async () => {
      const chat = new Chat();
      await chat.follow(TO_REFERRAL_ZH);
      const replies = await chat.say(said);
      expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.languageSwitched'));
      expect(Chat.promptOf(replies)).to.equal('situation.hasReferral');
    });
  }
});
