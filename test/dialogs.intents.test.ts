import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { createUnderstanding } from '../src/nlu/index.js';
import type { Understanding } from '../src/nlu/understanding.js';
import { openingEn, openingZh, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * What a person wants, said in their own words at any point (issue 10 point 4): emergency, a person, help,
 * start over, back, the other language, a common question. An emergency told in words gets the advice at
 * once — as the first message, at the menu, or deep in a filing — and the question waiting comes back with
 * nothing lost. An answer is never taken for an interruption: at "what is happening now" an emergency is
 * the answer.
 */

const EMERGENCY = '我在广州出差，急性阑尾炎，现在在急诊';
const TO_PHONE = upTo(TMP_OTHER_TO_SUMMARY, 'details.phone');
const TO_START = upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate');

describe('an emergency told in words gets the emergency advice at any point', () => {
  it('as the first message: the advice (deemed filed), then the menu', async () => {
    const chat = new Chat();
    const replies = await chat.say(EMERGENCY);
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.emergencyAdvice', { hotline: '0633-12393' }));
    expect(Chat.channelData(replies, 'category')).to.equal('TMP_EMERGENCY');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });

  it('in English, as the first message', async () => {
    const chat = new Chat({ locale: 'en-US' });
    const replies = await chat.say("I'm in Guangzhou on business, acute appendicitis, in the ER now");
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.emergencyAdvice', { hotline: '0633-12393' }));
    expect(Chat.channelData(replies, 'category')).to.equal('TMP_EMERGENCY');
  });

  it('at the menu', async () => {
    const chat = new Chat();
    await chat.follow([['你好', 'menu.main']]);
    const replies = await chat.say(EMERGENCY);
    expect(Chat.channelData(replies, 'category')).to.equal('TMP_EMERGENCY');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });

  for (const [at, reach] of [
    ['the insured place (a text question)', upTo(TMP_OTHER_TO_SUMMARY, 'situation.insuredPlace')],
    ['the description after consent', upTo(TMP_OTHER_TO_SUMMARY, 'situation.intake')],
    ['the phone number, deep in a filing', TO_PHONE],
  ] as const) {
    it(`at ${at}: the advice, then the same question; nothing given is lost`, async () => {
      const chat = new Chat();
      await chat.follow(reach);
      const waiting = reach.at(-1)![1];
      const replies = await chat.say(EMERGENCY);
      expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.emergencyAdvice', { hotline: '0633-12393' }));
      expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'commands.emergency.then'));
      expect(Chat.promptOf(replies)).to.equal(waiting);
    });
  }

  it('at "what is happening now" it is the answer: the emergency outcome, no interruption', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.now'));
    const replies = await chat.say(EMERGENCY);
    expect(Chat.channelData(replies, 'category')).to.equal('TMP_EMERGENCY');
    expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'commands.emergency.then'));
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });
});

describe('other intents in words, at any question', () => {
  it('"能帮我转人工吗": the hotline, then the same question', async () => {
    const chat = new Chat();
    await chat.follow(TO_START);
    const replies = await chat.say('能帮我转人工吗');
    expect(Chat.channelData(replies, 'handoff')).to.deep.equal({ hotline: '0633-12393' });
    expect(Chat.promptOf(replies)).to.equal('details.startDate');
  });

  it('"这个怎么填啊": the help of the question waiting, then the question', async () => {
    const chat = new Chat();
    await chat.follow(TO_START);
    const replies = await chat.say('这个怎么填啊');
    expect(Chat.channelData(replies, 'help')).to.equal('details.startDate');
    expect(Chat.promptOf(replies)).to.equal('details.startDate');
  });

  it('"备案后老家还能刷卡吗": the FAQ answers it from the profile, then the question waiting again', async () => {
    const chat = new Chat();
    await chat.follow(TO_START);
    const replies = await chat.say('备案后老家还能刷卡吗');
    expect(Chat.channelData(replies, 'faq')).to.equal('CARD');
    expect(Chat.promptOf(replies)).to.equal('details.startDate');
    await chat.follow([['明天', 'details.institutions']]);
  });

  it('a common question as the first message: answered, then the menu', async () => {
    const chat = new Chat();
    const replies = await chat.say('备案后老家还能刷卡吗');
    expect(Chat.channelData(replies, 'faq')).to.equal('CARD');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });

  it('"说英语吧" at the phone: switched, and the same question in English', async () => {
    const chat = new Chat();
    await chat.follow(TO_PHONE);
    const replies = await chat.say('说英语吧');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.languageSwitched'));
    expect(Chat.promptOf(replies)).to.equal('details.phone');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'prompts.details.phone.text'));
  });

  it('"上一步填错了，退回去" at the phone: the ID number again, its answer offered', async () => {
    const chat = new Chat();
    await chat.follow(TO_PHONE);
    const replies = await chat.say('上一步填错了，退回去');
    expect(Chat.promptOf(replies)).to.equal('details.idNumber');
  });

  it('"我不想填了，重新来" mid-filing: asked first, like the command', async () => {
    const chat = new Chat();
    await chat.follow(TO_PHONE);
    const replies = await chat.say('我不想填了，重新来');
    expect(Chat.promptOf(replies)).to.equal('confirm.startOver');
    await chat.follow([['不', 'details.phone']]);
  });

  it('in English: "can I talk to someone" at the insurance question', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn(), 'situation.insuranceActive'));
    const replies = await chat.say('can I talk to someone');
    expect(Chat.channelData(replies, 'handoff')).to.deep.equal({ hotline: '0633-12393' });
    expect(Chat.promptOf(replies)).to.equal('situation.insuranceActive');
  });

  it('checking, cancelling or changing a filing at the menu start the identity check before anything is shown', async () => {
    for (const said of ['我要查一下我的备案', '取消备案', '变更备案']) {
      const chat = new Chat();
      await chat.follow([['你好', 'menu.main']]);
      const replies = await chat.say(said);
      expect(Chat.promptOf(replies), said).to.equal('lifecycle.find');
    }
  });
});

describe('a cancel is never started on words that do not say cancel', () => {
  for (const said of ['办理异地就医备案', '他们说我要办异地就医备案', '我要办异地就医备案']) {
    it(`"${said}" at the start date: not the cancel dialog, the question stays`, async () => {
      const chat = new Chat();
      await chat.follow(TO_START);
      const replies = await chat.say(said);
      expect(Chat.promptOf(replies), said).to.equal('details.startDate');
    });
  }

  it('"file my registration" at the start date in English: not the cancel dialog', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn(), 'situation.insuranceActive'));
    const replies = await chat.say('file my registration');
    expect(Chat.promptOf(replies)).to.equal('situation.insuranceActive');
  });

  it('"取消备案" mid-filing is still the cancel of a filing', async () => {
    const chat = new Chat();
    await chat.follow(TO_START);
    const replies = await chat.say('我想取消异地备案');
    expect(Chat.promptOf(replies)).to.equal('lifecycle.find');
  });

  it('"算了 先不办了 我再想想" at the start date: the offer to stop, not a date problem', async () => {
    const chat = new Chat();
    await chat.follow(TO_START);
    const replies = await chat.say('算了 先不办了 我再想想');
    expect(Chat.replyWith(replies, 'error'), 'no date error').to.equal(undefined);
    expect(Chat.promptOf(replies)).to.equal('confirm.startOver');
  });
});

describe('a turn classifies its words for an intent once', () => {
  /** The app's understanding, counting the intent classifications of each text. */
  const counting = () => {
    const real = createUnderstanding();
    const calls = new Map<string, number>();
    const understanding: Understanding = { ...real, intent: (text, locale) => (calls.set(text, (calls.get(text) ?? 0) + 1), real.intent(text, locale)) };
    return { understanding, calls };
  };
  const TURNS: Array<[string, 'zh-CN' | 'en-US', Array<[string, string]>, string]> = [
    ['words that state a filing, at the menu (the menu reads them, statesFiling, the interruption check)', 'zh-CN', [['你好', 'menu.main']], '我是日照参保的，要去义乌看病，给我爸办'],
    ['the same in English', 'en-US', [['hello', 'menu.main']], "I'm insured in Rizhao and going to Shanghai for treatment, for my dad"],
    ['a hello at a place question (the place recogniser, the interruption check)', 'zh-CN', upTo(openingZh(), 'situation.insuredPlace'), '在吗'],
    ['thanks at a place question (en)', 'en-US', upTo(openingEn(), 'situation.insuredPlace'), 'thanks a lot'],
    ['a common question at the menu', 'zh-CN', [['你好', 'menu.main']], '备案以后回参保地看病还能刷卡吗'],
  ];
  for (const [what, locale, before, words] of TURNS) {
    it(`${what}: “${words}” classified once`, async () => {
      const { understanding, calls } = counting();
      const chat = new Chat({ locale, understanding });
      await chat.follow(before);
      calls.clear();
      await chat.say(words);
      expect(calls.get(words) ?? 0, [...calls].join('; ')).to.be.at.most(1);
      expect([...calls.values()].every((n) => n === 1), [...calls].join('; ')).to.equal(true);
    });
  }
});
