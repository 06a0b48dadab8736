import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { lastButtons as buttons, understoodText as readBack } from './support/replies.js';
import { Readings } from './support/readings.js';
import { answerUntilOutcome, openingEn, openingZh, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * What a new user typed and the bot did not understand (tried on the web channel with the embedded
 * defaults), driven through the whole bot: a place inside a sentence, read with the question's role in mind
 * (at the insured place, the one said to be insured or home; at the place of treatment, the destination);
 * two places where it is unclear which is meant, or the only one said to be the other role, offered as a
 * choice, never picked silently; a refusal that says what is accepted; greetings and thanks at any question,
 * answered kindly and not counted as failed answers; an English emergency told in words at the menu; an
 * English one-sentence description with its long-term stay.
 */

const TO_INSURED_ZH = upTo(openingZh(), 'situation.insuredPlace');
const TO_TREATMENT_ZH = upTo(openingZh(), 'situation.treatmentPlace');
const TO_INSURED_EN = upTo(openingEn(), 'situation.insuredPlace');
const TO_TREATMENT_EN = upTo(openingEn(), 'situation.treatmentPlace');
const DESCRIPTION = '我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口';

describe('a place inside a sentence, read with the question\'s role in mind', () => {
  // `held`: the facts of the situation said with the place, before consent: held for after it, and said so.
  const HELD = '在就医地长期居住、已退休、户口已迁到就医地';
  const TAKEN: Array<{ locale: 'zh-CN' | 'en-US'; at: 'insured' | 'treatment'; said: string; place: string; next: string; held?: string }> = [
    { locale: 'en-US', at: 'insured', said: "I'm insured in Rizhao", place: 'Rizhao, Shandong', next: 'situation.treatmentPlace' },
    { locale: 'en-US', at: 'treatment', said: 'Going to Beijing for treatment', place: 'Beijing', next: 'consent.personalInfo' },
    { locale: 'zh-CN', at: 'insured', said: '参保地是日照', place: '山东省日照市', next: 'situation.treatmentPlace' },
    { locale: 'zh-CN', at: 'insured', said: DESCRIPTION, place: '山东省日照市', next: 'situation.treatmentPlace', held: HELD },
    { locale: 'zh-CN', at: 'treatment', said: DESCRIPTION, place: '海南省海口市', next: 'consent.personalInfo', held: HELD },
    { locale: 'zh-CN', at: 'treatment', said: '在北京看病', place: '北京市', next: 'consent.personalInfo' },
    { locale: 'zh-CN', at: 'insured', said: '不是北京，是日照', place: '山东省日照市', next: 'situation.treatmentPlace' },
  ];
  for (const c of TAKEN) {
    it(`“${c.said}” at the ${c.at} place (${c.locale}) → ${c.place}, said back`, async () => {
      const chat = new Chat({ locale: c.locale });
      const zh = c.locale === 'zh-CN';
      await chat.follow(c.at === 'insured' ? (zh ? TO_INSURED_ZH : TO_INSURED_EN) : zh ? TO_TREATMENT_ZH : TO_TREATMENT_EN);
      const replies = await chat.say(c.said);
      const said = chat.texts.t(c.locale, 'messages.understood', { answer: c.place });
      expect(readBack(replies), Chat.textOf(replies)).to.equal(c.held ? chat.texts.t(c.locale, 'messages.factsHeldAfter', { said, facts: c.held }) : said);
      expect(Chat.promptOf(replies)).to.equal(c.next);
    });
  }

  it('“在北京看病” at the insured place: not taken silently — said to be where treatment is, 北京市 offered to pick', async () => {
    const readings = new Readings();
    const chat = new Chat({ funnel: readings, channelId: 'webchat' });
    await chat.follow(TO_INSURED_ZH);
    const replies = await chat.say('在北京看病');
    expect(Chat.channelData(replies, 'error')).to.equal('PLACE_SAID_AS_TREATMENT');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'errors.PLACE_SAID_AS_TREATMENT', { place: '北京市' }));
    expect(Chat.promptOf(replies)).to.equal('situation.insuredPlace');
    expect(buttons(replies)[0]).to.equal('北京市');
    expect(readings.events).to.include('situation.insuredPlace:close');
    // Typing the insured place instead goes on; the question that was asked keeps its answer.
    const next = await chat.say('日照');
    expect(Chat.promptOf(next)).to.equal('situation.treatmentPlace');
  });

  it('“在日照看病” at the insured place, then its province “山东”: not a pick of 日照 (the province alone is asked for a city), the question still the insured place', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TO_INSURED_ZH);
    const offered = await chat.say('在日照看病');
    expect(Chat.channelData(offered, 'error')).to.equal('PLACE_SAID_AS_TREATMENT');
    const replies = await chat.say('山东');
    expect(readBack(replies), Chat.textOf(replies)).to.equal(undefined);
    expect(Chat.channelData(replies, 'error')).to.equal('PLACE_PROVINCE_ONLY');
    expect(Chat.promptOf(replies)).to.equal('situation.insuredPlace');
  });

  it("“I'm insured in Rizhao” at the place of treatment: asked, with Rizhao to pick if it is the same place", async () => {
    const chat = new Chat({ locale: 'en-US', channelId: 'webchat' });
    await chat.follow(TO_TREATMENT_EN);
    const replies = await chat.say("I'm insured in Rizhao");
    expect(Chat.channelData(replies, 'error')).to.equal('PLACE_SAID_AS_INSURED');
    expect(Chat.promptOf(replies)).to.equal('situation.treatmentPlace');
    expect(buttons(replies)[0]).to.equal('Rizhao, Shandong');
    // The place of treatment typed instead goes on.
    expect(Chat.promptOf(await chat.say('Shanghai'))).to.equal('consent.personalInfo');
  });

  it('two places, unclear which is meant (“北京或者天津，还没定”): “您是指“北京市”还是“天津市”？” with both as buttons', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TO_TREATMENT_ZH);
    const replies = await chat.say('北京或者天津，还没定');
    expect(Chat.channelData(replies, 'error')).to.equal('PLACE_WHICH_ONE');
    expect(Chat.textOf(replies)).to.include('您是指“北京市”还是“天津市”？');
    expect(buttons(replies).slice(0, 2)).to.deep.equal(['北京市', '天津市']);
    const picked = await chat.say('天津市');
    expect(Chat.promptOf(picked)).to.equal('consent.personalInfo');
  });

  it('a place that is nowhere: the refusal says what is accepted (cities, county-level cities, districts, a sentence)', async () => {
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const chat = new Chat({ locale });
      await chat.follow(locale === 'zh-CN' ? TO_INSURED_ZH : TO_INSURED_EN);
      const replies = await chat.say(locale === 'zh-CN' ? '花果山水帘洞' : 'Atlantis');
      expect(Chat.channelData(replies, 'error')).to.equal('PLACE_NOT_FOUND');
      const refusal = chat.texts.t(locale, 'errors.PLACE_NOT_FOUND');
      expect(Chat.textOf(replies)).to.include(refusal);
      expect(refusal).to.match(locale === 'zh-CN' ? /义乌/ : /Yiwu/);
      expect(refusal).not.to.match(/地级市或直辖市|prefecture-level city or a municipality/);
    }
  });
});

describe('greetings and thanks at any question: answered kindly, the question asked again, not counted as a failed answer', () => {
  it('你好, 在吗, 谢谢 at the insured place, then two wrong places: no "好像不太顺利" yet (only two failures)', async () => {
    const chat = new Chat();
    await chat.follow(TO_INSURED_ZH);
    for (const [said, kind] of [
      ['你好', 'greeting'],
      ['在吗', 'greeting'],
      ['谢谢', 'thanks'],
    ] as const) {
      const replies = await chat.say(said);
      expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', `messages.smallTalk.${kind}`));
      expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'errors.PLACE_NOT_FOUND'));
      expect(Chat.channelData(replies, 'smallTalk')).to.equal(kind);
      expect(Chat.promptOf(replies)).to.equal('situation.insuredPlace');
    }
    const stuck = chat.texts.t('zh-CN', 'messages.stuck', { hotline: '0633-12393' });
    expect(Chat.textOf(await chat.say('花果山'))).not.to.include(stuck);
    expect(Chat.textOf(await chat.say('水帘洞'))).not.to.include(stuck);
    // The third real failure is the third: help and the hotline.
    expect(Chat.textOf(await chat.say('火星'))).to.include(stuck);
  });

  it('hello, hi, thanks at the consent (en): a greeting or "You\'re welcome", then the consent again; no "I did not recognise that choice"', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn(), 'consent.personalInfo'));
    for (const [said, kind] of [
      ['hello', 'greeting'],
      ['hi', 'greeting'],
      ['thanks', 'thanks'],
    ] as const) {
      const replies = await chat.say(said);
      expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', `messages.smallTalk.${kind}`));
      expect(Chat.textOf(replies)).not.to.include(chat.texts.t('en-US', 'errors.CHOICE_NOT_RECOGNISED'));
      expect(Chat.promptOf(replies)).to.equal('consent.personalInfo');
    }
    expect(Chat.promptOf(await chat.say('I agree'))).to.equal('situation.intake');
  });

  it('"hi", "hey" and "多谢" at a place question are small talk, not places one letter off (兴安盟, 河源, 多伦县)', async () => {
    for (const [locale, said] of [
      ['en-US', 'hi'],
      ['en-US', 'hey'],
      ['zh-CN', '多谢'],
    ] as const) {
      const chat = new Chat({ locale });
      await chat.follow(locale === 'zh-CN' ? TO_INSURED_ZH : TO_INSURED_EN);
      const replies = await chat.say(said);
      expect(Chat.channelData(replies, 'smallTalk'), `${said}: ${Chat.textOf(replies)}`).to.be.oneOf(['greeting', 'thanks']);
      expect(Chat.channelData(replies, 'error')).to.equal(undefined);
      expect(Chat.promptOf(replies)).to.equal('situation.insuredPlace');
    }
  });

  it('at the menu, "谢谢" is answered with a closing (nothing is under way to carry on) and the menu asked again', async () => {
    const chat = new Chat();
    await chat.follow([['你好', 'menu.main']]);
    const replies = await chat.say('谢谢');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.smallTalk.thanksAtMenu'));
    expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'messages.smallTalk.thanks'));
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });

  it('a greeting with something else in it is not small talk: "你好，我想办异地备案" at the menu starts a filing', async () => {
    const chat = new Chat();
    await chat.follow([['你好', 'menu.main']]);
    const replies = await chat.say('你好，我想办异地备案');
    expect(Chat.channelData(replies, 'smallTalk')).to.equal(undefined);
    expect(Chat.promptOf(replies)).to.equal('situation.filerMode');
  });

  it('"是的，谢谢" where it answers (a yes/no question) is the answer, not small talk', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuranceActive'));
    const replies = await chat.say('是的，谢谢');
    expect(Chat.channelData(replies, 'smallTalk')).to.equal(undefined);
    expect(Chat.promptOf(replies)).to.equal('situation.now');
  });
});

describe('English, told in words', () => {
  const ER = "I'm in Guangzhou on a business trip and I just got admitted to the ER with appendicitis";

  it('an emergency at the menu: the emergency advice', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([['hi', 'menu.main']]);
    const replies = await chat.say(ER);
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.emergencyAdvice', { hotline: '0633-12393' }));
    expect(Chat.channelData(replies, 'category')).to.equal('TMP_EMERGENCY');
  });

  it('the same as the first message: the emergency advice', async () => {
    const chat = new Chat({ locale: 'en-US' });
    const replies = await chat.say(ER);
    expect(Chat.channelData(replies, 'category')).to.equal('TMP_EMERGENCY');
  });

  it('"I\'m retired and I moved to Shanghai to live with my daughter for good": retired and long-term shown back, neither asked', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn('For myself', 'Rizhao', 'Shanghai'), 'situation.intake'));
    const confirm = await chat.say("I'm retired and I moved to Shanghai to live with my daughter for good");
    expect(Chat.promptOf(confirm)).to.equal('situation.intake');
    expect(Chat.textOf(confirm)).to.include('Retired').and.to.include('Yes, long-term');
    const { asked, outcome } = await answerUntilOutcome((t) => chat.say(t), await chat.say('yes'), {
      'situation.insuranceActive': 'yes',
      'situation.now': 'Planning ahead',
      'situation.hukouMoved': 'no',
    });
    expect(asked.filter((q) => /^situation\.(longTerm|retired)$/.test(q))).to.deep.equal([]);
    expect(Chat.channelData(outcome, 'category')).to.equal('LT_RESIDENT');
  });

  for (const [said, shown] of [
    ['My employer sent me here to work for two years', 'Yes, sent by employer'],
    ['I was referred by the hospital and I will only be there for a few days', 'No, a short stay'],
  ] as const) {
    it(`"${said}": "${shown}" among the facts shown back`, async () => {
      const chat = new Chat({ locale: 'en-US' });
      await chat.follow(upTo(openingEn(), 'situation.intake'));
      const confirm = await chat.say(said);
      expect(Chat.promptOf(confirm)).to.equal('situation.intake');
      expect(Chat.textOf(confirm)).to.include(shown);
    });
  }
});
