import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { openingEn, openingZh } from './support/paths.js';

/**
 * Common questions asked in people's own words get their answer (the FAQ probe over POST /api/messages):
 * as the first message — not the menu again, not a filing started without the answer — and at a question of
 * the filing, where words that also answer that question get the answer and the filing carries on.
 */

describe('a common question in everyday words as the first message: its answer, then the menu', () => {
  for (const [locale, text, topic] of [
    // Read as the menu's "file" before: the filing started without the question answered.
    ['zh-CN', '去外地看病之前一定要备案吗', 'WHEN'],
    ['zh-CN', '用什么APP办理备案', 'WHERE'],
    ['en-US', 'do I need to file before seeing a doctor in another city?', 'WHEN'],
    // Not understood before: the menu again.
    ['zh-CN', '备案多久能审批下来', 'EFFECT_TIME'],
    // Understood before this work, then lost when training sentences near the held-out ones were dropped.
    ['zh-CN', '备案什么时候生效', 'EFFECT_TIME'],
    ['zh-CN', '备案会过期吗', 'VALIDITY'],
    ['zh-CN', '看门诊能不能报销', 'OUTPATIENT'],
    ['zh-CN', '已经出院自己付了钱还能报吗', 'DISCHARGED'],
    ['zh-CN', '我在外地上大学需要备案吗', 'STUDENT'],
    ['en-US', 'what paperwork do I need?', 'MATERIALS'],
    ['en-US', 'can I use it for outpatient visits?', 'OUTPATIENT'],
    ['en-US', "I'm already in hospital, is it too late to file?", 'IN_HOSPITAL'],
    // A problem told without a question word (content: faq.json toldAsProblem).
    ['en-US', "the hospital says my card can't be used even though I filed", 'HOSPITAL_REFUSES'],
    ['zh-CN', '结账的时候医院说不能直接结算', 'HOSPITAL_REFUSES'],
  ] as const) {
    it(`“${text}” (${locale}) → ${topic}`, async () => {
      const chat = new Chat({ locale });
      const replies = await chat.say(text);
      expect(Chat.channelData(replies, 'faq')).to.equal(topic);
      expect(Chat.promptOf(replies)).to.equal('menu.main');
    });
  }
});

describe('a common question at a question of the filing', () => {
  it('words that also answer "what is happening now" (zh-CN): the answer to the question, and the answer taken', async () => {
    const chat = new Chat();
    await chat.follow(openingZh());
    const replies = await chat.say('已经住院了现在备案还来得及吗');
    expect(Chat.channelData(replies, 'faq')).to.equal('IN_HOSPITAL');
    // The filing carries on from "in hospital" (said back), not asked again.
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'prompts.situation.now.choices.IN_HOSPITAL'));
    expect(Chat.promptOf(replies)).to.not.equal('situation.now');
  });

  it('words that also answer "what is happening now" (en-US): the answer to the question, and the answer taken', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(openingEn());
    const replies = await chat.say("I'm already in hospital, is it too late to file?");
    expect(Chat.channelData(replies, 'faq')).to.equal('IN_HOSPITAL');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'prompts.situation.now.choices.IN_HOSPITAL'));
    expect(Chat.promptOf(replies)).to.not.equal('situation.now');
  });

  it('a question that answers nothing there (en-US): its answer, then the same question again', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(openingEn());
    const replies = await chat.say('can I use it for outpatient visits?');
    expect(Chat.channelData(replies, 'faq')).to.equal('OUTPATIENT');
    expect(Chat.promptOf(replies)).to.equal('situation.now');
  });

  it('at the menu, a question with the word "file" (en-US) is answered, not taken for "start a filing"', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([['hi', 'menu.main']]);
    const replies = await chat.say('do I need to file before seeing a doctor in another city?');
    expect(Chat.channelData(replies, 'faq')).to.equal('WHEN');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });
});

describe('a problem told is the question for the topics that are asked that way, and no other', () => {
  it('“户口没迁走” at the menu still asks nothing: no FAQ answer', async () => {
    const chat = new Chat();
    const replies = await chat.say('户口没迁走');
    expect(Chat.channelData(replies, 'faq')).to.equal(undefined);
  });
});
