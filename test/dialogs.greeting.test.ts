import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY } from './support/paths.js';

/**
 * Greeted once: the chat opened (welcome) is followed by the menu's question without a second hello; a
 * first message gets the menu with its hello; the menu shown again after an answer, an outcome or a
 * start over only asks what else it can do.
 */

const opened = { type: 'conversationUpdate', membersAdded: [{ id: 'user1', name: 'user' }], text: undefined };
const HELLO = { 'zh-CN': '您好', 'en-US': 'Hello' } as const;

const count = (text: string, word: string) => text.split(word).length - 1;

describe('greeted once', () => {
  it('the chat opened: the welcome, then the menu without a second hello', async () => {
    const chat = new Chat();
    const replies = await chat.say(opened);
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.welcome'));
    expect(Chat.promptOf(replies)).to.equal('menu.main');
    expect(count(Chat.textOf(replies), HELLO['zh-CN'])).to.equal(1);
    expect(Chat.replyWith(replies, 'promptId')!.text).to.include(chat.texts.t('zh-CN', 'prompts.menu.main.afterWelcome'));
  });

  it('a first message: the menu with its hello', async () => {
    const chat = new Chat();
    const replies = await chat.say('你好');
    expect(Chat.replyWith(replies, 'promptId')!.text).to.include(chat.texts.t('zh-CN', 'prompts.menu.main.text'));
  });

  for (const [locale, hello] of [['zh-CN', '你好'], ['en-US', 'hi']] as const) {
    it(`“${hello}” right after the welcome (${locale}): welcomed with what the bot can do, not “let's carry on”; mid-filing it carries on`, async () => {
      const chat = new Chat({ locale });
      await chat.say(opened);
      const replies = await chat.say(hello);
      expect(Chat.textOf(replies)).to.include(chat.texts.t(locale, 'messages.smallTalk.greetingAtStart'));
      expect(Chat.textOf(replies)).not.to.include(chat.texts.t(locale, 'messages.smallTalk.greeting'));
      expect(Chat.promptOf(replies)).to.equal('menu.main');
      await chat.say('1');
      const midFiling = await chat.say(hello);
      expect(Chat.textOf(midFiling)).to.include(chat.texts.t(locale, 'messages.smallTalk.greeting'));
      expect(Chat.promptOf(midFiling)).to.equal('situation.filerMode');
    });
  }

  for (const [what, steps] of [
    ['an FAQ answer', [['你好', 'menu.main'], ['常见问题', 'faq.topic'], ['1', 'faq.more']]],
    ['the emergency advice', [['你好', 'menu.main']]],
    ['an outcome that ends the filing (no filing needed)', [['你好', 'menu.main'], ['1', 'situation.filerMode'], ['本人', 'situation.insuredPlace'], ['日照', 'situation.treatmentPlace']]],
    ['a start over', [['你好', 'menu.main'], ['1', 'situation.filerMode']]],
  ] as Array<[string, Array<[string, string]>]>) {
    it(`after ${what}: "anything else?", no hello`, async () => {
      const chat = new Chat();
      await chat.follow(steps);
      const last = what.startsWith('an FAQ') ? '返回主菜单' : what.startsWith('the emergency') ? '正在急诊' : what.startsWith('a start') ? '重新开始' : '日照';
      const replies = await chat.say(last);
      expect(Chat.promptOf(replies)).to.equal('menu.main');
      const menu = replies.filter((r) => (r.channelData as { promptId?: string } | undefined)?.promptId === 'menu.main').at(-1)!;
      expect(menu.text).to.include(chat.texts.t('zh-CN', 'prompts.menu.main.again'));
      expect(Chat.textOf(replies)).not.to.include(HELLO['zh-CN']);
    });
  }

  it('in English, after a submitted filing: "anything else?"', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([
      ...TMP_OTHER_EN_TO_START_DATE,
      ['tomorrow', 'details.institutions'],
      ['Shanghai Sixth People\'s Hospital', 'review.confirm'],
    ]);
    const replies = await chat.say('Submit');
    expect(Chat.channelData(replies, 'filing')).not.to.equal(undefined);
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'prompts.menu.main.again'));
    expect(Chat.textOf(replies)).not.to.include(HELLO['en-US']);
  });
});

describe('a thank-you at the menu after submitting closes kindly', () => {
  for (const [locale, said] of [['zh-CN', '没有了 谢谢'], ['zh-CN', '不用了，谢谢'], ['en-US', "no, that's all, thanks"]] as const) {
    it(`“${said}” (${locale}): a kind closing, not “not recognised”`, async () => {
      const chat = new Chat();
      await chat.follow([...TMP_OTHER_TO_SUMMARY, ['确认提交', 'menu.main']]);
      if (locale === 'en-US') await chat.follow([['English', 'menu.main']]);
      const replies = await chat.say(said);
      expect(Chat.replyWith(replies, 'error'), Chat.textOf(replies)).to.equal(undefined);
      expect(Chat.textOf(replies)).to.include(chat.texts.t(locale, 'messages.smallTalk.thanksAtMenu'));
      expect(Chat.promptOf(replies)).to.equal('menu.main');
    });
  }

  it('“没有了” alone is no thank-you', async () => {
    const chat = new Chat();
    await chat.follow([...TMP_OTHER_TO_SUMMARY, ['确认提交', 'menu.main']]);
    const replies = await chat.say('没有了');
    expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'messages.smallTalk.thanksAtMenu'));
  });
});
