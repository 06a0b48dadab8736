import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * A dialog that starts itself again (the comparison with the nearest alternative, a per-field edit from
 * the summary, a refused submit) must restart its own steps, not nest a copy of itself: a nested copy
 * is not found on the next turn, and the person would be told "the service was updated".
 */
describe('dialogs that start again keep working on the next turns (no false "service updated")', () => {
  const updated = (chat: Chat) => chat.texts.t('zh-CN', 'messages.serviceUpdated');

  it('after comparing with the nearest alternative: help, then "I understand", then the details', async () => {
    const chat = new Chat();
    await chat.follow([...upTo(TMP_OTHER_TO_SUMMARY, 'outcome.understood'), ['2', 'outcome.understood']]);
    const help = await chat.follow([['帮助', 'outcome.understood']]);
    expect(Chat.textOf(help)).not.to.include(updated(chat));
    const human = await chat.follow([['人工服务', 'outcome.understood']]);
    expect(Chat.textOf(human)).not.to.include(updated(chat));
    await chat.follow([['我已了解，继续', 'details.scheme']]);
    expect(Chat.textOf(chat.transcript)).not.to.include(updated(chat));
  });

  it('after a per-field edit from the summary: help at the summary, another edit, then submit', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    await chat.say({ value: { editField: 'details.phone' } });
    await chat.follow([
      ['13912345678', 'review.confirm'],
      ['帮助', 'review.confirm'],
    ]);
    await chat.say({ value: { editField: 'details.personName' } });
    await chat.follow([['李四', 'review.confirm']]);
    const done = await chat.say('确认提交');
    expect(Chat.channelData(done, 'filing')).to.not.equal(undefined);
    expect(Chat.textOf(chat.transcript)).not.to.include(updated(chat));
    expect(chat.created).to.have.length(1);
  });
});
