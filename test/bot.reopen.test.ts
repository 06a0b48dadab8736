import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';
import { promptOf, textOf } from './support/replies.js';

/** What a channel sends when the chat is opened (again): the person joins the conversation. */
const opened = { type: 'conversationUpdate', membersAdded: [{ id: 'user1', name: 'user' }], text: undefined };

describe('the chat opened again in the middle of a filing', () => {
  it('greets a new person with the welcome and the menu', async () => {
    const chat = new Chat();
    const replies = await chat.say(opened);
    expect(textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.welcome'));
    expect(promptOf(replies)).to.equal('menu.main');
  });

  it('says where we are and asks the waiting question again, keeping every answer', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'));
    const replies = await chat.say(opened);
    expect(textOf(replies)).to.include('欢迎回来');
    expect(textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'messages.welcome'));
    expect(promptOf(replies)).to.equal('details.phone');
    await chat.follow(TMP_OTHER_TO_SUMMARY.slice(TMP_OTHER_TO_SUMMARY.findIndex(([, next]) => next === 'details.phone') + 1));
  });
});
