import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { openingEn, openingZh, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * One typo must not throw a whole draft away: an edit from the summary (or an answer after "back") that
 * would END the filing — no filing needed, manual reimbursement, cannot file — is first confirmed
 * ("this would end your filing — change it?"); declining keeps every answer and carries on.
 */

const END = 'outcome.endFiling';

describe('a change that would end the filing is confirmed first', () => {
  it('就医地 edited at the summary to 日照 (the insured place): asked first; "不" keeps everything and the summary comes back', async () => {
    const chat = new Chat();
    await chat.follow([...TMP_OTHER_TO_SUMMARY, [{ value: { editField: 'situation.treatmentPlace' } }, 'situation.treatmentPlace']]);
    const ask = await chat.say('日照');
    expect(Chat.promptOf(ask)).to.equal(END);
    expect(Chat.channelData(ask, 'category'), 'no outcome is announced yet').to.equal(undefined);
    expect(Chat.textOf(ask)).to.include('山东省日照市').and.to.include('上海市');
    expect(Chat.textOf(ask)).to.include(chat.texts.t('zh-CN', `prompts.${END}.endings.NO_FILING_NEEDED`));
    const summary = await chat.say('不');
    expect(Chat.promptOf(summary)).to.equal('review.confirm');
    expect(Chat.textOf(summary)).to.include('上海市').and.to.include('138****5678');
    const done = await chat.say('确认提交');
    const filing = Chat.channelData<{ reference: string; category: string }>(done, 'filing')!;
    expect(filing.category).to.equal('TMP_OTHER');
    expect(chat.created).to.have.length(1);
  });

  it('the same, and "是": the new answer is taken, no filing needed, the menu', async () => {
    const chat = new Chat();
    await chat.follow([
      ...TMP_OTHER_TO_SUMMARY,
      [{ value: { editField: 'situation.treatmentPlace' } }, 'situation.treatmentPlace'],
      ['日照', END],
    ]);
    const replies = await chat.say('是');
    expect(Chat.channelData(replies, 'category')).to.equal('NO_FILING_NEEDED');
    expect(Chat.promptOf(replies)).to.equal('menu.main');
  });

  it('the situation edited to "discharged and paid" (manual reimbursement): asked first, "保留" keeps the filing', async () => {
    const chat = new Chat();
    await chat.follow([
      ...TMP_OTHER_TO_SUMMARY,
      [{ value: { editField: 'situation.now' } }, 'situation.now'],
      ['已出院并自费结算', END],
      ['保留', 'review.confirm'],
    ]);
    const done = await chat.say('确认提交');
    expect(Chat.channelData<{ category: string }>(done, 'filing')?.category).to.equal('TMP_OTHER');
  });

  it('back, then an answer that would end it (insurance not active): asked first; keeping it carries on where it was', async () => {
    const chat = new Chat();
    await chat.follow([
      ...openingZh(),
      ['返回上一步', 'situation.insuranceActive'],
      ['否', END],
    ]);
    const kept = await chat.say('不，保留原来的回答');
    expect(Chat.channelData(kept, 'category')).to.equal(undefined);
    expect(Chat.promptOf(kept)).to.equal('situation.now');
  });

  it('an answer given for the first time ends the filing at once, as before (no confirmation)', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.treatmentPlace'));
    const replies = await chat.say('日照');
    expect(Chat.channelData(replies, 'category')).to.equal('NO_FILING_NEEDED');
    expect(Chat.promptsOf(replies)).not.to.include(END);
  });

  it('an edit that keeps the filing going is not asked about', async () => {
    const chat = new Chat();
    await chat.follow([
      ...TMP_OTHER_TO_SUMMARY,
      [{ value: { editField: 'situation.treatmentPlace' } }, 'situation.treatmentPlace'],
      ['北京', 'review.confirm'],
    ]);
  });

  it('in English: "keep" at the confirmation keeps the earlier answer', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([...openingEn(), ['back', 'situation.insuranceActive']]);
    const ask = await chat.say('no');
    expect(Chat.promptOf(ask)).to.equal(END);
    expect(Chat.textOf(ask)).to.include(chat.texts.t('en-US', `prompts.${END}.endings.CANNOT_FILE`));
    await chat.follow([['keep', 'situation.now']]);
  });
});
