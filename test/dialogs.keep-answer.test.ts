import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * Back, or an edit from the summary, asks a question again with the earlier answer offered. A masked
 * answer (138****5678) cannot be retyped from what is shown, so the earlier answer is kept until a new
 * valid one arrives, and a keep word or button ("保留", "不变", "keep") keeps it and moves on.
 */

async function submitted(chat: Chat): Promise<{ person: { phone: string; idNumber: string } }> {
  const done = await chat.say('确认提交');
  const reference = Chat.channelData<{ reference: string }>(done, 'filing')!.reference;
  return (await chat.filings.get(reference))!.filing as { person: { phone: string; idNumber: string } };
}

describe('keeping the earlier answer of a question asked again', () => {
  for (const word of ['保留', '不变']) {
    it(`the phone edited from the summary, then "${word}": the same number, straight back to the summary`, async () => {
      const chat = new Chat();
      await chat.follow([...TMP_OTHER_TO_SUMMARY, [{ value: { editField: 'details.phone' } }, 'details.phone']]);
      const replies = await chat.say(word);
      expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'errors.MOBILE_FORMAT'));
      expect(Chat.promptsOf(replies)).to.deep.equal(['review.confirm']);
      expect(Chat.textOf(replies)).to.include('138****5678');
      expect((await submitted(chat)).person.phone).to.equal('13812345678');
    });
  }

  it('the question asked again says how to keep the answer', async () => {
    const chat = new Chat();
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const ask = await chat.say({ value: { editField: 'details.phone' } });
    expect(Chat.textOf(ask)).to.include(chat.texts.t('zh-CN', 'messages.previousAnswer', { answer: '138****5678' }));
    expect(Chat.textOf(ask)).to.include(chat.texts.t('zh-CN', 'commands.keep.label'));
  });

  it('back from the start date to the phone, then "保留": the start date is asked next, the phone unchanged', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate'));
    await chat.follow([
      ['返回上一步', 'details.phone'],
      ['保留', 'details.startDate'],
      ['明天', 'details.institutions'],
      ['上海市第六人民医院', 'review.confirm'],
    ]);
    expect((await submitted(chat)).person.phone).to.equal('13812345678');
  });

  it('the answer is kept while the new one is invalid: a typo, then "保留", the old ID number is submitted', async () => {
    const chat = new Chat();
    await chat.follow([...TMP_OTHER_TO_SUMMARY, [{ value: { editField: 'details.idNumber' } }, 'details.idNumber']]);
    const wrong = await chat.say('110105194912310021');
    expect(Chat.promptOf(wrong)).to.equal('details.idNumber');
    await chat.follow([['保留', 'review.confirm']]);
    expect((await submitted(chat)).person.idNumber).to.equal('11010519491231002X');
  });

  it('the earlier answer is kept while the person goes back further: back at the phone, nothing lost', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate'));
    await chat.follow([
      ['返回上一步', 'details.phone'],
      ['返回上一步', 'details.idNumber'],
      ['保留', 'details.phone'],
      ['保留', 'details.startDate'],
      ['明天', 'details.institutions'],
      ['上海市第六人民医院', 'review.confirm'],
    ]);
    const filing = await submitted(chat);
    expect(filing.person).to.deep.include({ phone: '13812345678', idNumber: '11010519491231002X' });
  });

  it('a new valid answer still replaces the earlier one', async () => {
    const chat = new Chat();
    await chat.follow([...TMP_OTHER_TO_SUMMARY, [{ value: { editField: 'details.phone' } }, 'details.phone'], ['13912345678', 'review.confirm']]);
    expect((await submitted(chat)).person.phone).to.equal('13912345678');
  });

  it('on Web Chat the keep is offered as a button', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TMP_OTHER_TO_SUMMARY);
    const ask = await chat.say({ value: { editField: 'details.phone' } });
    const question = Chat.replyWith(ask, 'promptId')!;
    const titles = (question.suggestedActions?.actions ?? []).map((a) => a.title);
    expect(titles).to.include(chat.texts.t('zh-CN', 'commands.keep.label'));
    await chat.follow([[chat.texts.t('zh-CN', 'commands.keep.label'), 'review.confirm']]);
  });

  it('a question asked for the first time offers no keep button, and "保留" is not an answer there', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    const ask = await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.phone'));
    const titles = (Chat.replyWith(ask, 'promptId')!.suggestedActions?.actions ?? []).map((a) => a.title);
    expect(titles).not.to.include(chat.texts.t('zh-CN', 'commands.keep.label'));
    const replies = await chat.say('保留');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'errors.MOBILE_FORMAT'));
  });

  it('in English: "keep" at the phone asked again', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([...TMP_OTHER_EN_TO_START_DATE, ['back', 'details.phone'], ['keep', 'details.startDate']]);
  });
});
