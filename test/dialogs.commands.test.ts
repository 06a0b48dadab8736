import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { openingEn, openingZh, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * The emergency command: at any question of a filing, "急诊" / "抢救" / "emergency" gives the emergency
 * advice at once (the TMP_EMERGENCY outcome: treat first, deemed filed), then the same question again so
 * the person may carry on — nothing already given is lost — or start over to the menu. Where it answers
 * the question itself ("正在急诊" at "what is happening now") it is that answer.
 */

const OPENING_ZH = upTo(openingZh(), 'situation.filerMode');
const TO_PHONE_ZH = upTo(TMP_OTHER_TO_SUMMARY, 'details.phone');

function expectEmergencyAdvice(chat: Chat, replies: Awaited<ReturnType<Chat['say']>>, locale: 'zh-CN' | 'en-US'): void {
  const advice = Chat.replyWith(replies, 'category');
  expect(advice, Chat.textOf(replies)).not.to.equal(undefined);
  expect(advice!.channelData).to.deep.include({ category: 'TMP_EMERGENCY', reasons: ['EMERGENCY_DEEMED_FILED'] });
  expect(advice!.text).to.include(chat.texts.t(locale, 'messages.emergencyAdvice', { hotline: '0633-12393' }));
  expect(advice!.text).to.include(chat.texts.t(locale, 'reasons.EMERGENCY_DEEMED_FILED'));
  expect(Chat.textOf(replies)).not.to.include(chat.texts.t(locale, 'errors.CHOICE_NOT_RECOGNISED'));
  // The advice comes first, before the question is asked again.
  expect(replies.indexOf(advice!)).to.equal(0);
}

describe('the emergency command: the advice at once, at any question', () => {
  for (const word of ['急诊', '抢救', 'emergency']) {
    it(`"${word}" at 本人还是代办 (situation.filerMode): the advice, then the same question; the filing goes on`, async () => {
      const chat = new Chat();
      await chat.follow(OPENING_ZH);
      const replies = await chat.say(word);
      expectEmergencyAdvice(chat, replies, 'zh-CN');
      expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'commands.emergency.then'));
      expect(Chat.promptOf(replies)).to.equal('situation.filerMode');
      await chat.follow([
        ['本人', 'situation.insuredPlace'],
        ['日照', 'situation.treatmentPlace'],
      ]);
    });
  }

  it('at the phone number, deep in a filing: nothing already given is lost', async () => {
    const chat = new Chat();
    await chat.follow(TO_PHONE_ZH);
    const replies = await chat.say('抢救');
    expectEmergencyAdvice(chat, replies, 'zh-CN');
    expect(Chat.promptOf(replies)).to.equal('details.phone');
    await chat.follow([
      ['13812345678', 'details.startDate'],
      ['明天', 'details.institutions'],
      ['上海市第六人民医院', 'review.confirm'],
    ]);
  });

  it('in English mode, at the insured place (a text question): "emergency" gives the advice in English', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn(), 'situation.insuredPlace'));
    const replies = await chat.say('emergency');
    expectEmergencyAdvice(chat, replies, 'en-US');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'commands.emergency.then'));
    expect(Chat.promptOf(replies)).to.equal('situation.insuredPlace');
    await chat.follow([['Rizhao', 'situation.treatmentPlace']]);
  });

  it('then "start over" returns to the menu', async () => {
    const chat = new Chat();
    await chat.follow(OPENING_ZH);
    await chat.say('急诊');
    await chat.follow([['重新开始', 'menu.main']]);
  });

  it('at "what is happening now" 急诊 is still the answer: the emergency outcome, then the menu', async () => {
    const chat = new Chat();
    await chat.follow(openingZh());
    const replies = await chat.say('急诊');
    expect(Chat.channelData(replies, 'category')).to.equal('TMP_EMERGENCY');
    expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'commands.emergency.then'));
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });

  it('at the menu 急诊 is the menu choice: the advice, and the menu again', async () => {
    const chat = new Chat();
    await chat.follow([['你好', 'menu.main']]);
    const replies = await chat.say('急诊');
    expectEmergencyAdvice(chat, replies, 'zh-CN');
    expect(Chat.promptsOf(replies)).to.deep.equal(['menu.main']);
  });
});
