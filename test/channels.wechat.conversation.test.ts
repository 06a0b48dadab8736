import { expect } from 'chai';
import { Texts } from '../src/content/texts.js';
import type { AppServer } from './support/app-server.js';
import { startWeChatApp, WeChatSender } from './support/wechat.js';

/**
 * A person talking to the Official Account over /wechat (secure mode, the real server): the language of
 * their first message is theirs (WeChat says none), and common questions answered one after another do
 * not send every topic again after each answer.
 */

const texts = new Texts();
const zh = (key: string, params = {}) => texts.t('zh-CN', key, params);
const en = (key: string, params = {}) => texts.t('en-US', key, params);

describe('WeChat: the person\'s language and the common questions (secure mode)', () => {
  let server: AppServer;
  let stop: () => Promise<void>;
  before(async () => ({ server, stop } = await startWeChatApp()));
  after(() => stop());

  it('a first "hello" is answered in English, and the answers stay English when the person replies with a number', async () => {
    const person = new WeChatSender(server.base);
    const hello = await person.say('hello');
    expect(hello.text).to.include(en('prompts.menu.main.choices.FILE'));
    expect(hello.text).not.to.include(zh('prompts.menu.main.choices.FILE'));
    const faq = await person.say('3');
    expect(faq.text).to.include(en('prompts.faq.topic.choices.MATERIALS'));
  });

  it('a first "你好" is answered in Chinese; a later English word does not change the language', async () => {
    const person = new WeChatSender(server.base);
    expect((await person.say('你好')).text).to.include(zh('prompts.menu.main.choices.FILE'));
    const ok = await person.say('ok');
    expect(ok.text).not.to.include(en('prompts.menu.main.choices.FILE'));
  });

  it('after an answer, a short way back to the list instead of all the topics again; the list, another question in words, the menu', async () => {
    const person = new WeChatSender(server.base);
    await person.say('你好');
    const list = await person.say(zh('prompts.menu.main.choices.FAQ'));
    const topics = texts.list('zh-CN', 'faq.topics');
    expect(list.text).to.include(zh('prompts.faq.topic.choices.WHEN')).and.include(zh('prompts.faq.topic.choices.CONTACT'));
    const picked = topics.indexOf('MATERIALS') + 1;
    const answer = await person.say(String(picked));
    expect(answer.text).to.include(zh('prompts.faq.more.text'));
    // Not the 24 topics again: only the two ways on.
    expect(answer.text).not.to.include(zh('prompts.faq.topic.choices.WHEN')).and.not.to.include(zh('prompts.faq.topic.choices.CONTACT'));
    expect(answer.text).to.match(new RegExp(`1\\. ${zh('prompts.faq.more.choices.LIST')}`)).and.match(new RegExp(`2\\. ${zh('prompts.faq.more.choices.MENU')}`));
    // 1: the list again.
    const again = await person.say('1');
    expect(again.text).to.include(zh('prompts.faq.topic.choices.WHEN'));
    await person.say(String(topics.indexOf('VALIDITY') + 1));
    // Another question asked by its name at the short question: answered.
    const named = await person.say(zh('prompts.faq.topic.choices.CANCEL'));
    expect(named.text).to.include(zh('prompts.faq.more.text')).and.not.to.include(zh('prompts.faq.topic.choices.WHEN'));
    // 2: the menu.
    const menu = await person.say('2');
    expect(menu.text).to.include(zh('prompts.menu.main.choices.FILE'));
  });
});
