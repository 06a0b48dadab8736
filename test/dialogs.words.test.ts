import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { AGENT_IN_HOSPITAL, TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * The words people found wanting in real conversations (issue 16), one test for each slip: how dates
 * read, who "you" is, what the consent covers, whose child, when the hotline answers, what is kept, and
 * questions that ask for names instead of offering choices.
 */

/** Everything a person sees of these replies: the text, a card's words and the buttons. */
const shown = (replies: Partial<Activity>[]) => replies.map((r) => `${r.text ?? ''}\n${r.speak ?? ''}\n${JSON.stringify(r.attachments ?? [])}\n${JSON.stringify(r.suggestedActions ?? {})}`).join('\n');

/** A calendar date as the domain keeps it (2026-12-06), which no reply should show. */
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

describe('dates read as people write them (2026年12月6日 / 6 December 2026), never 2026-12-06', () => {
  it('zh-CN, someone already in hospital: the admission date, the start date question and its example, an error, the summary, the confirmation', async () => {
    for (const channelId of ['test', 'test-cards']) {
      const chat = new Chat({ channelId });
      await chat.follow(upTo(AGENT_IN_HOSPITAL, 'details.startDate'));
      const refused = await chat.say('2026-11-21'); // after the admission: refused, naming the admission date
      expect(Chat.promptOf(refused)).to.equal('details.startDate');
      expect(Chat.textOf(refused)).to.include('2026年11月20日');
      await chat.follow(AGENT_IN_HOSPITAL.slice(AGENT_IN_HOSPITAL.findIndex(([, next]) => next === 'details.startDate') + 1));
      await chat.follow([['确认提交', 'menu.main']]);
      const all = shown(chat.transcript);
      expect(all, channelId).not.to.match(ISO_DATE);
      expect(all).to.include('今天是 2026年11月24日').and.include('2026年11月20日');
    }
  });

  it('en-US: "Today is 24 November 2026", the start date said back and the validity as people read them', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(TMP_OTHER_EN_TO_START_DATE);
    await chat.follow([
      ['next Monday', 'details.institutions'],
      ["Shanghai Sixth People's Hospital", 'review.confirm'],
      ['Submit', 'menu.main'],
    ]);
    const all = shown(chat.transcript);
    expect(all).not.to.match(ISO_DATE);
    expect(all).to.include('Today is 24 November 2026').and.include('30 November 2026');
  });
});
