import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { Chat } from './support/chat.js';
import { openingEn, TMP_OTHER_TO_SUMMARY, upTo } from './support/paths.js';

/**
 * Choices travel as suggestedActions on every channel that shows buttons, whatever the length of their
 * labels (issue 10 point 6: English labels over 20 characters used to become a numbered list); a channel
 * without buttons gets numbered lines, and a number picks. A language switch asks the question waiting again,
 * in the new language.
 */

const question = (replies: Partial<Activity>[]) => replies.filter((r) => (r.channelData as { promptId?: string } | undefined)?.promptId).at(-1)!;
const titles = (reply: Partial<Activity>) => (reply.suggestedActions?.actions ?? []).map((a) => a.title);
const label = (chat: Chat, id: string, value: string) => chat.texts.t('en-US', `prompts.${id}.choices.${value}`);

describe('English keeps its buttons', () => {
  for (const channelId of ['webchat', 'directline', 'emulator']) {
    it(`${channelId}: the menu, "what is happening now" and "I understand" carry every choice as a button, none as a numbered line`, async () => {
      const chat = new Chat({ locale: 'en-US', channelId });
      const checks: Array<[string, string[]]> = [
        ['menu.main', ['FILE', 'EMERGENCY', 'FAQ', 'HUMAN']],
        ['situation.now', ['PLANNING', 'EMERGENCY_NOW', 'IN_HOSPITAL', 'DISCHARGED_PAID']],
        ['outcome.understood', ['accept', 'compare']],
      ];
      const reach = {
        'menu.main': [['hi', 'menu.main']],
        'situation.now': upTo(openingEn(), 'situation.now').slice(1),
        'outcome.understood': [
          ['Planning ahead', 'situation.longTerm'],
          ['no', 'situation.hasReferral'],
          ['no', 'outcome.understood'],
        ],
      } as const;
      for (const [id, values] of checks) {
        const replies = await chat.follow(reach[id as keyof typeof reach] as unknown as Array<[string, string]>);
        const asked = question(replies);
        expect(asked.channelData).to.deep.include({ promptId: id });
        const labels = values.map((v) => label(chat, id, v));
        expect(labels.some((l) => l.length > 20), `${id} has a label longer than 20 characters`).to.equal(true);
        expect(titles(asked), id).to.include.members(labels);
        expect(asked.text, id).not.to.match(/^\s*1\. /m);
      }
    });
  }

  it('a channel without buttons: numbered lines, and the number picks', async () => {
    const chat = new Chat({ locale: 'en-US', channelId: 'test' });
    const replies = await chat.follow(upTo(openingEn(), 'situation.now'));
    const asked = question(replies);
    expect(asked.suggestedActions).to.equal(undefined);
    expect(asked.text).to.include(`1. ${label(chat, 'situation.now', 'PLANNING')}`).and.to.include(`3. ${label(chat, 'situation.now', 'IN_HOSPITAL')}`);
    await chat.follow([['3', 'situation.admissionDate']]);
  });
});

describe('a language switch asks the question waiting again, in the new language', () => {
  it('at a choice on Web Chat: the same question, English buttons', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.now'));
    const replies = await chat.say('English');
    expect(Chat.promptOf(replies)).to.equal('situation.now');
    expect(titles(question(replies))).to.include.members(['Planning ahead', 'In hospital, not discharged']);
  });

  it('at the FAQ topics (not a question of the filing): the topics again in English, not the menu', async () => {
    const chat = new Chat();
    await chat.follow([
      ['你好', 'menu.main'],
      ['常见问题', 'faq.topic'],
    ]);
    const replies = await chat.say('English');
    expect(Chat.promptOf(replies)).to.equal('faq.topic');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'prompts.faq.topic.text'));
    // Answered; without buttons, a short "anything else?" rather than every topic again.
    await chat.follow([['Card at home', 'faq.more']]);
  });

  it('at "which answer to change": the same question in English', async () => {
    const chat = new Chat();
    await chat.follow([...TMP_OTHER_TO_SUMMARY, ['修改信息', 'review.editField']]);
    const replies = await chat.say('English');
    expect(Chat.promptOf(replies)).to.equal('review.editField');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('en-US', 'prompts.review.editField.text'));
    await chat.follow([['Start date', 'details.startDate']]);
  });

  it('while two readings are offered: the question again in the new language', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn(), 'situation.insuredPlace'));
    await chat.follow([['suzhou', 'situation.insuredPlace']]);
    const replies = await chat.say('中文');
    expect(Chat.promptOf(replies)).to.equal('situation.insuredPlace');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'prompts.situation.insuredPlace.text'));
  });
});
