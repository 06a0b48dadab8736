import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { lastButtons as buttons, understoodText as readBack } from './support/replies.js';
import { openingEn, openingZh, upTo } from './support/paths.js';

/**
 * What a new user typed and the bot still got wrong, driven through the whole bot: a common word at a place
 * question is refused plainly (not offered places one character off), while a real typo still gets its
 * suggestion; a plan with a duration at "what is happening now" is a plan; facts for later questions said
 * instead of an answer are kept, said back in a few words and not asked again (the question is asked again,
 * never advanced); a bare "上海的" at the place of treatment is the place of treatment.
 */

const TO_INSURED_ZH = upTo(openingZh(), 'situation.insuredPlace');
const TO_TREATMENT_ZH = upTo(openingZh(), 'situation.treatmentPlace');
const TO_INSURED_EN = upTo(openingEn(), 'situation.insuredPlace');
const TO_NOW_ZH = openingZh();
const TO_NOW_EN = openingEn();

describe('a common word at a place question: the plain refusal, not places one character off', () => {
  const WORDS: Array<['zh-CN' | 'en-US', string]> = [
    ['zh-CN', '同意'],
    ['zh-CN', '好的'],
    ['zh-CN', '不知道'],
    ['zh-CN', '是的'],
    ['zh-CN', '对'],
    ['zh-CN', '知道了'],
    ['zh-CN', '明白'],
    ['en-US', 'ok'],
    ['en-US', 'yes'],
  ];
  for (const [locale, said] of WORDS) {
    it(`“${said}” at the insured place (${locale}) → PLACE_NOT_FOUND, which says what is accepted; still asked`, async () => {
      const chat = new Chat({ locale, channelId: 'webchat' });
      await chat.follow(locale === 'zh-CN' ? TO_INSURED_ZH : TO_INSURED_EN);
      const replies = await chat.say(said);
      expect(Chat.channelData(replies, 'error'), Chat.textOf(replies)).to.equal('PLACE_NOT_FOUND');
      expect(Chat.textOf(replies)).to.include(chat.texts.t(locale, 'errors.PLACE_NOT_FOUND'));
      expect(Chat.promptOf(replies)).to.equal('situation.insuredPlace');
      expect(Chat.textOf(replies)).not.to.match(/同江|同安|同仁|明山/);
    });
  }

  it('a real typo keeps its help: “日招” → 山东省日照市 offered first, picked by its button', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TO_TREATMENT_ZH);
    const replies = await chat.say('日招');
    expect(Chat.channelData(replies, 'error')).to.equal('PLACE_DID_YOU_MEAN');
    expect(buttons(replies)[0]).to.equal('山东省日照市');
  });

  it('“石家桩” (one character off in a three-character name) → 河北省石家庄市 offered', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TO_TREATMENT_ZH);
    const replies = await chat.say('石家桩');
    expect(Chat.channelData(replies, 'error')).to.equal('PLACE_DID_YOU_MEAN');
    expect(buttons(replies)[0]).to.equal('河北省石家庄市');
  });
});

describe('a bare place with 的 at either place question is the answer to that question', () => {
  it('“上海的” at the place of treatment → 上海市, said back, consent next', async () => {
    const chat = new Chat();
    await chat.follow(TO_TREATMENT_ZH);
    const replies = await chat.say('上海的');
    expect(readBack(replies), Chat.textOf(replies)).to.equal(chat.texts.t('zh-CN', 'messages.understood', { answer: '上海市' }));
    expect(Chat.promptOf(replies)).to.equal('consent.personalInfo');
  });

  it('“日照的” at the insured place → 山东省日照市, the place of treatment next', async () => {
    const chat = new Chat();
    await chat.follow(TO_INSURED_ZH);
    expect(Chat.promptOf(await chat.say('日照的'))).to.equal('situation.treatmentPlace');
  });
});

describe('a plan with a duration at “what is happening now” is a plan', () => {
  // A stay said with the plan is kept beside it (the long-term question then not asked).
  const PLANS: Array<['zh-CN' | 'en-US', string, stay?: string]> = [
    ['zh-CN', '打算在上海待两年', 'longTerm.yes'],
    ['zh-CN', '准备过去住一阵'],
    ['zh-CN', '下个月去北京看病'],
    ['en-US', 'I plan to live there for two years', 'longTerm.yes'],
  ];
  for (const [locale, said, stay] of PLANS) {
    it(`“${said}” (${locale}) → planning, said back, no close call with the emergency`, async () => {
      const chat = new Chat({ locale });
      await chat.follow(locale === 'zh-CN' ? TO_NOW_ZH : TO_NOW_EN);
      const replies = await chat.say(said);
      expect(Chat.channelData(replies, 'offered'), Chat.textOf(replies)).to.equal(undefined);
      const label = chat.texts.t(locale, 'prompts.situation.now.choices.PLANNING');
      const understood = chat.texts.t(locale, 'messages.understood', { answer: label });
      const facts = stay ? chat.texts.t(locale, `prompts.situation.intake.facts.${stay}`) : undefined;
      expect(readBack(replies), Chat.textOf(replies)).to.equal(facts ? chat.texts.t(locale, 'messages.factsNotedAfter', { said: understood, facts }) : understood);
      expect(Chat.promptOf(replies)).to.equal(stay ? 'situation.retired' : 'situation.longTerm');
    });
  }
});

describe('facts for later questions said instead of an answer: kept, said back, not asked again', () => {
  it('“没退休” at “what is happening now”: “好的，记下了：未退休。”, asked again; the retiree question is then not asked', async () => {
    const chat = new Chat();
    await chat.follow(TO_NOW_ZH);
    const replies = await chat.say('没退休');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.factsNoted', { facts: '未退休' }));
    expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'errors.CHOICE_NOT_RECOGNISED'));
    expect(Chat.channelData(replies, 'noted')).to.equal(true);
    expect(Chat.promptOf(replies)).to.equal('situation.now');
    expect(Chat.promptOf(await chat.say('计划去外地看病或居住'))).to.equal('situation.longTerm');
    const next = await chat.say('是');
    expect(Chat.promptsOf(next)).not.to.include('situation.retired');
  });

  it('“户口没迁” at “what is happening now”: noted as 户口未迁; a retiree is then not asked about the hukou', async () => {
    const chat = new Chat();
    await chat.follow(TO_NOW_ZH);
    const replies = await chat.say('户口没迁');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.factsNoted', { facts: '户口未迁' }));
    expect(Chat.promptOf(replies)).to.equal('situation.now');
    await chat.follow([
      ['计划去外地看病或居住', 'situation.longTerm'],
      ['是', 'situation.retired'],
    ]);
    // Retired, hukou not moved (noted): the outcome, not the hukou question.
    expect(Chat.promptOf(await chat.say('是'))).to.equal('outcome.understood');
  });

  it("“I'm not retired” at “what is happening now” (en-US): “OK, noted: not retired.”, asked again", async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(TO_NOW_EN);
    const replies = await chat.say("I'm not retired");
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.factsNoted', { facts: 'not retired' }));
    expect(Chat.promptOf(replies)).to.equal('situation.now');
  });

  it('“没退休” at the admission date (in hospital): noted as at the other situation questions, the date asked again; the retiree question then not asked', async () => {
    const chat = new Chat();
    await chat.follow([...TO_NOW_ZH, ['已住院，还没出院', 'situation.admissionDate']]);
    const replies = await chat.say('没退休');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.factsNoted', { facts: '未退休' }));
    expect(Chat.channelData(replies, 'noted')).to.equal(true);
    expect(Chat.promptOf(replies)).to.equal('situation.admissionDate');
    expect(Chat.promptOf(await chat.say('11月20日'))).to.equal('situation.longTerm');
    const next = await chat.say('是');
    expect(Chat.promptsOf(next), Chat.textOf(next)).not.to.include('situation.retired');
  });

  it("“I'm not retired” at the admission date (en-US): “OK, noted: not retired.”, the date asked again", async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([...TO_NOW_EN, ['In hospital, not discharged', 'situation.admissionDate']]);
    const replies = await chat.say("I'm not retired");
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.factsNoted', { facts: 'not retired' }));
    expect(Chat.promptOf(replies)).to.equal('situation.admissionDate');
  });

  it('words that state nothing are still refused as before (no note)', async () => {
    const chat = new Chat();
    await chat.follow(TO_NOW_ZH);
    const replies = await chat.say('火星文');
    expect(Chat.channelData(replies, 'error')).to.equal('CHOICE_NOT_RECOGNISED');
    expect(Chat.channelData(replies, 'noted')).to.equal(undefined);
  });
});
