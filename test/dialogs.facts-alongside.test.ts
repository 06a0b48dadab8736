import { expect } from 'chai';
import { MemoryStorage } from 'botbuilder';
import { Chat } from './support/chat.js';
import { understoodText as readBack } from './support/replies.js';
import { openingEn, openingZh, TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * Facts said along with an answer, through the whole bot: kept and said back after the answer ("…另外记下了：
 * 有转诊。"), their questions then not asked; a referral at "what is happening now" is a plan; facts said before
 * consent are held until the person agrees (and told so), dropped if they decline; a phone or ID number typed
 * where it is not asked is told for what it looks like, never shown.
 */

type Locale = 'zh-CN' | 'en-US';

const TO_NOW: Record<Locale, ReturnType<typeof openingZh>> = { 'zh-CN': openingZh(), 'en-US': openingEn() };
const TO_TREATMENT: Record<Locale, ReturnType<typeof openingZh>> = {
  'zh-CN': upTo(openingZh(), 'situation.treatmentPlace'),
  'en-US': upTo(openingEn(), 'situation.treatmentPlace'),
};

/** The answer said back, then the facts noted beside it (messages.factsNotedAfter / factsHeldAfter). */
const saidWith = (chat: Chat, locale: Locale, key: string, answer: string, facts: string) =>
  chat.texts.t(locale, key, { said: chat.texts.t(locale, 'messages.understood', { answer }), facts });

const planning = (chat: Chat, locale: Locale) => chat.texts.t(locale, 'prompts.situation.now.choices.PLANNING');
const fact = (chat: Chat, locale: Locale, key: string) => chat.texts.t(locale, `prompts.situation.intake.facts.${key}`);

describe('a referral at “what is happening now” is a plan, the referral noted beside it', () => {
  const SAID: Array<[Locale, string]> = [
    ['zh-CN', '医院开了转诊'],
    ['en-US', 'the hospital gave me a referral'],
  ];
  for (const [locale, said] of SAID) {
    it(`“${said}” (${locale}) → planning, said back with the referral; the referral question is then not asked`, async () => {
      const chat = new Chat({ locale });
      await chat.follow(TO_NOW[locale]);
      const replies = await chat.say(said);
      expect(Chat.channelData(replies, 'offered'), Chat.textOf(replies)).to.equal(undefined);
      expect(readBack(replies), Chat.textOf(replies)).to.equal(saidWith(chat, locale, 'messages.factsNotedAfter', planning(chat, locale), fact(chat, locale, 'hasReferral.yes')));
      expect(Chat.channelData(replies, 'noted')).to.equal(true);
      expect(Chat.promptOf(replies)).to.equal('situation.longTerm');
      // A short stay with a referral: the outcome at once, not "has a hospital referred you?".
      const next = await chat.say(locale === 'zh-CN' ? '否' : 'no');
      expect(Chat.promptsOf(next), Chat.textOf(next)).not.to.include('situation.hasReferral');
      expect(Chat.promptOf(next)).to.equal('outcome.understood');
    });
  }

  it('words that say what is happening as well are read as they say: “在北京住院了，医院开了转诊” → in hospital, the referral noted', async () => {
    const chat = new Chat();
    await chat.follow(TO_NOW['zh-CN']);
    const replies = await chat.say('在北京住院了，医院开了转诊');
    const inHospital = chat.texts.t('zh-CN', 'prompts.situation.now.choices.IN_HOSPITAL');
    expect(readBack(replies), Chat.textOf(replies)).to.equal(saidWith(chat, 'zh-CN', 'messages.factsNotedAfter', inHospital, fact(chat, 'zh-CN', 'hasReferral.yes')));
    expect(Chat.promptOf(replies)).to.equal('situation.admissionDate');
  });
});

describe('an answer with other facts in the same words: the answer taken, the facts kept and said back', () => {
  const SAID: Array<[Locale, string, string]> = [
    ['zh-CN', '还没去，医院开了转诊单让我去北京', '两周'],
    ['en-US', 'Not yet, my hospital gave me a referral', 'two weeks'],
  ];
  for (const [locale, said, stay] of SAID) {
    it(`“${said}” (${locale}) → planning and the referral, which is not asked again`, async () => {
      const chat = new Chat({ locale });
      await chat.follow(TO_NOW[locale]);
      const replies = await chat.say(said);
      expect(readBack(replies), Chat.textOf(replies)).to.equal(saidWith(chat, locale, 'messages.factsNotedAfter', planning(chat, locale), fact(chat, locale, 'hasReferral.yes')));
      expect(Chat.promptOf(replies)).to.equal('situation.longTerm');
      const next = await chat.say(stay);
      expect(Chat.promptsOf(next), Chat.textOf(next)).not.to.include('situation.hasReferral');
      expect(Chat.promptOf(next)).to.equal('outcome.understood');
    });
  }

  it('“退休了，户口没迁” at the retiree question → retired, the hukou noted and not asked', async () => {
    const chat = new Chat();
    await chat.follow([...TO_NOW['zh-CN'], ['计划去外地看病或居住', 'situation.longTerm'], ['是', 'situation.retired']]);
    const replies = await chat.say('退休了，户口没迁');
    expect(Chat.textOf(replies)).to.include(fact(chat, 'zh-CN', 'hukouMoved.no'));
    expect(Chat.promptsOf(replies), Chat.textOf(replies)).not.to.include('situation.hukouMoved');
    expect(Chat.promptOf(replies)).to.equal('outcome.understood');
  });
});

describe('facts said before consent: held until the person agrees, told so, dropped if they decline', () => {
  const SAID: Array<[Locale, string, string]> = [
    ['zh-CN', '去北京301医院看病，大概住两周', '北京市'],
    ['en-US', 'Beijing, for about two weeks of treatment', 'Beijing'],
  ];
  for (const [locale, said, place] of SAID) {
    it(`“${said}” at the place of treatment (${locale}) → the place, the short stay held; after consent the long-term question is not asked`, async () => {
      const storage = new MemoryStorage();
      const chat = new Chat({ locale, storage });
      await chat.follow(TO_TREATMENT[locale]);
      const replies = await chat.say(said);
      expect(readBack(replies), Chat.textOf(replies)).to.equal(saidWith(chat, locale, 'messages.factsHeldAfter', place, fact(chat, locale, 'longTerm.no')));
      expect(Chat.promptOf(replies)).to.equal('consent.personalInfo');
      // Held apart, not part of the situation, until the person agrees.
      expect(JSON.stringify(storage)).to.include('heldFacts');
      const after = TO_NOW[locale].slice(TO_TREATMENT[locale].length);
      await chat.follow(after);
      const next = await chat.say(locale === 'zh-CN' ? '计划去外地看病或居住' : 'Planning ahead');
      expect(Chat.promptsOf(next), Chat.textOf(next)).not.to.include('situation.longTerm');
      expect(Chat.promptOf(next)).to.equal('situation.hasReferral');
      expect(JSON.stringify(storage)).not.to.include('heldFacts');
    });
  }

  it('declining consent drops the facts held', async () => {
    const storage = new MemoryStorage();
    const chat = new Chat({ storage });
    await chat.follow(TO_TREATMENT['zh-CN']);
    await chat.say('去北京301医院看病，大概住两周');
    expect(JSON.stringify(storage)).to.include('heldFacts');
    await chat.say('不同意');
    expect(JSON.stringify(storage)).not.to.include('heldFacts');
  });

  it('a place said with nothing else: said back as before, nothing held', async () => {
    const chat = new Chat();
    await chat.follow(TO_TREATMENT['zh-CN']);
    const replies = await chat.say('要去北京看病');
    expect(readBack(replies), Chat.textOf(replies)).to.equal(chat.texts.t('zh-CN', 'messages.understood', { answer: '北京市' }));
  });
});

describe('a phone or ID number where it is not asked: told what it looks like, never shown', () => {
  it('an ID number at “what is happening now” (zh-CN, en-US) → “这看起来是身份证号码” with the choice refusal; the number not in the reply', async () => {
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const chat = new Chat({ locale });
      await chat.follow(TO_NOW[locale]);
      const replies = await chat.say('37110219900101123X');
      const refusal = Chat.textOf(replies);
      expect(Chat.channelData(replies, 'looksLike'), refusal).to.equal('idNumber');
      expect(Chat.channelData(replies, 'error')).to.equal('CHOICE_NOT_RECOGNISED');
      expect(refusal).to.include(chat.texts.t(locale, 'messages.looksLike.idNumber', { error: chat.texts.t(locale, 'errors.CHOICE_NOT_RECOGNISED') }));
      expect(refusal).not.to.match(/3711|123X|19900101/);
      expect(Chat.promptOf(replies)).to.equal('situation.now');
    }
  });

  it('a phone number at the ID question (zh-CN) → “这看起来是手机号码” with the ID rule; never shown', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.idNumber'));
    const replies = await chat.say('13812345678');
    expect(Chat.channelData(replies, 'looksLike'), Chat.textOf(replies)).to.equal('phone');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.looksLike.phone', { error: '' }).trim());
    expect(Chat.textOf(replies)).not.to.match(/138|5678/);
    expect(Chat.promptOf(replies)).to.equal('details.idNumber');
  });

  it('an ID number at the phone question (en-US) → “That looks like an ID number”', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(TMP_OTHER_EN_TO_START_DATE, 'details.phone'));
    const replies = await chat.say('11010519491231002X');
    expect(Chat.channelData(replies, 'looksLike'), Chat.textOf(replies)).to.equal('idNumber');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.looksLike.idNumber', { error: '' }).trim());
    expect(Chat.textOf(replies)).not.to.match(/1101|002X/);
  });

  it('an ID number with a typo at the ID question is that question\'s own refusal, not “this looks like an ID number”', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.idNumber'));
    const replies = await chat.say('110105194912310021');
    expect(Chat.channelData(replies, 'error'), Chat.textOf(replies)).to.equal('ID_CHECK_DIGIT');
    expect(Chat.channelData(replies, 'looksLike')).to.equal(undefined);
  });

  it('a number that is neither gets the plain refusal', async () => {
    const chat = new Chat();
    await chat.follow(TO_NOW['zh-CN']);
    const replies = await chat.say('12345');
    expect(Chat.channelData(replies, 'looksLike')).to.equal(undefined);
    expect(Chat.channelData(replies, 'error')).to.equal('CHOICE_NOT_RECOGNISED');
  });
});
