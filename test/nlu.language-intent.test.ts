import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { openingEn, openingZh } from './support/paths.js';

/**
 * A language asked for in free words ("I want English", "can we speak English", "说中文") is read by the
 * understanding as the language it names (intent language, with its locale): the conversation goes to that
 * language — also when it is the one already spoken (it was toggled to the other one: "I want English"
 * typed in English switched the conversation to Chinese).
 */

const hasHan = (text: string) => /\p{Script=Han}/u.test(text.replace(/中文/g, ''));

describe('a language asked for in words goes to the language it names', () => {
  for (const said of ['I want English', 'English please', 'can we speak English']) {
    it(`"${said}" in English at the menu: stays English`, async () => {
      const chat = new Chat({ locale: 'en-US' });
      await chat.follow([['hello', 'menu.main']]);
      const replies = await chat.say(said);
      expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.languageSwitched'));
      expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'messages.languageSwitched'));
      expect(Chat.promptOf(replies)).to.equal('menu.main');
      expect(hasHan(Chat.textOf(replies)), Chat.textOf(replies)).to.equal(false);
    });
  }

  it('"I want English" in English at a question of the filing: the same question, in English', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(openingEn().slice(0, 4));
    const replies = await chat.say('I want English');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'messages.languageSwitched'));
    expect(Chat.promptOf(replies)).to.equal('situation.treatmentPlace');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'prompts.situation.treatmentPlace.text'));
  });

  it('"用中文吧" in Chinese: stays Chinese; "I want English" then switches', async () => {
    const chat = new Chat();
    await chat.follow(openingZh().slice(0, 4));
    const stay = await chat.say('用中文吧');
    expect(Chat.textOf(stay)).to.include(chat.texts.t('zh-CN', 'messages.languageSwitched'));
    expect(Chat.promptOf(stay)).to.equal('situation.treatmentPlace');
    const english = await chat.say('I want English');
    expect(Chat.textOf(english)).to.include(chat.texts.t('en-US', 'messages.languageSwitched'));
    expect(Chat.textOf(english)).to.include(chat.texts.t('en-US', 'prompts.situation.treatmentPlace.text'));
  });
});
