import { expect } from 'chai';
import pino from 'pino';
import type { TurnContext } from 'botbuilder';
import { Texts } from '../src/content/texts.js';
import { createTurnErrorHandler } from '../src/bot/turn-error.js';
import { TURN_HOTLINE_KEY } from '../dialogs/turn-kit.js';
import { Chat } from './support/chat.js';
import { LT_RESIDENT_TO_SUMMARY, openingEn, openingZh, type Step } from './support/paths.js';

/**
 * A person insured where no profile of its own exists (青岛, 朝阳 in Liaoning) is told the default
 * profile's rules with a note, but never that Rizhao's agency decides for them or to call Rizhao's
 * hotline: their own insured place's agency decides (domain.md Decision 6), and the national hotline
 * 12393 reaches it (Decision 7). The words come from the profile's fallbackContact.
 */

const RIZHAO_AGENCY = '日照市医疗保障局';
const RIZHAO_HOTLINE = '0633-12393';
const OWN_AGENCY = '您参保地的医保经办机构';

const longTermResident = (insured: string): Step[] => [
  ...openingZh('本人', insured, '上海'),
  ['1', 'situation.longTerm'],
  ['是', 'situation.retired'],
  ['否', 'situation.dispatchedByEmployer'],
];

describe('insured where no profile exists: their own agency and the national hotline', () => {
  for (const insured of ['青岛', '辽宁省朝阳市']) {
    it(`insured in ${insured}, treated in 上海: the outcome and its consequences name no Rizhao agency or hotline`, async () => {
      const chat = new Chat();
      await chat.follow(longTermResident(insured));
      const replies = await chat.say('不是');
      expect(Chat.channelData(replies, 'category')).to.equal('LT_RESIDENT');
      const text = Chat.textOf(replies);
      expect(text).to.include(chat.texts.t('zh-CN', 'messages.outcome.profileFallback', { profile: '日照市', hotline: '12393' }));
      expect(text).to.include(chat.texts.t('zh-CN', 'consequences.AGENCY_DECIDES_BENEFITS', { agency: OWN_AGENCY, hotline: '12393' }));
      expect(text).not.to.include(RIZHAO_AGENCY).and.not.to.include(RIZHAO_HOTLINE);
    });
  }

  it("insured in 日照 itself: Rizhao's agency and hotline, no fallback note", async () => {
    const chat = new Chat();
    await chat.follow(longTermResident('日照'));
    const text = Chat.textOf(await chat.say('不是'));
    expect(text).to.include(chat.texts.t('zh-CN', 'consequences.AGENCY_DECIDES_BENEFITS', { agency: RIZHAO_AGENCY, hotline: RIZHAO_HOTLINE }));
    expect(text).not.to.include(chat.texts.t('zh-CN', 'messages.outcome.profileFallback', { profile: '日照市', hotline: RIZHAO_HOTLINE }));
  });

  it('in English: "the medical insurance agency of your insured place" and 12393', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([
      ...openingEn('For myself', 'Qingdao'),
      ['1', 'situation.longTerm'],
      ['yes', 'situation.retired'],
      ['no', 'situation.dispatchedByEmployer'],
    ]);
    const text = Chat.textOf(await chat.say('no'));
    expect(text).to.include('the medical insurance agency of your insured place').and.to.include('12393');
    expect(text).not.to.include('Rizhao Healthcare Security Administration').and.not.to.include(RIZHAO_HOTLINE);
  });

  it('the consequences repeated after submission name their own agency too', async () => {
    const chat = new Chat();
    await chat.follow([...openingZh('本人', '青岛'), ...LT_RESIDENT_TO_SUMMARY.slice(7)]);
    const done = Chat.textOf(await chat.say('确认提交'));
    expect(done).to.include(OWN_AGENCY).and.not.to.include(RIZHAO_AGENCY).and.not.to.include(RIZHAO_HOTLINE);
  });

  it('"人工服务" once the insured place is known: 12393 and its own hours in the text, and the handoff', async () => {
    const chat = new Chat();
    await chat.follow(openingZh('本人', '青岛').slice(0, 5));
    const replies = await chat.say('人工服务');
    expect(Chat.channelData(replies, 'handoff')).to.deep.equal({ hotline: '12393' });
    const hours = chat.profiles.get('rizhao')!.fallbackContact.hotlineHours['zh-CN'];
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.human', { hotline: '12393', hours, conversationTtl: '1 天' }));
    expect(Chat.textOf(replies)).not.to.include(chat.profiles.get('rizhao')!.hotlineHours.value['zh-CN']);
    expect(Chat.textOf(replies)).not.to.include(RIZHAO_HOTLINE);
  });

  it("consent declined: the national hotline, not Rizhao's", async () => {
    const chat = new Chat();
    await chat.follow(openingZh('本人', '青岛').slice(0, 5));
    const replies = await chat.say('不同意');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.consentDeclined', { hotline: '12393' }));
    expect(Chat.textOf(replies)).not.to.include(RIZHAO_HOTLINE);
  });

  it('the insured place edited at the summary from 日照 to 青岛: the outcome is announced again with the note', async () => {
    const chat = new Chat();
    await chat.follow([...LT_RESIDENT_TO_SUMMARY, ['修改信息', 'review.editField'], ['参保地', 'situation.insuredPlace']]);
    const replies = await chat.say('青岛');
    expect(Chat.promptOf(replies)).to.equal('review.confirm');
    const text = Chat.textOf(replies);
    expect(text).to.include(chat.texts.t('zh-CN', 'messages.outcome.profileFallback', { profile: '日照市', hotline: '12393' }));
    expect(Chat.channelData(replies, 'category')).to.equal('LT_RESIDENT');
  });
});

describe("the apology after a failed turn uses the person's hotline", () => {
  const texts = new Texts();
  const logger = pino({ level: 'silent' });
  const context = (turnState: Map<unknown, unknown>) => {
    const sent: Array<{ text?: string }> = [];
    const ctx = {
      activity: { locale: 'zh-CN', channelId: 'test', conversation: { id: 'c1' } },
      turnState,
      sendActivity: async (a: { text?: string }) => {
        sent.push(a);
        return { id: '1' };
      },
    } as unknown as TurnContext;
    return { ctx, sent };
  };

  it('the hotline the conversation resolved (12393 for 青岛) replaces the default one', async () => {
    const { ctx, sent } = context(new Map<unknown, unknown>([[TURN_HOTLINE_KEY, () => '12393']]));
    await createTurnErrorHandler({ texts, logger, hotline: RIZHAO_HOTLINE })(ctx, new Error('boom'));
    expect(sent[0]!.text).to.equal(texts.t('zh-CN', 'messages.error', { hotline: '12393' }));
  });

  it("before the conversation was read: the default profile's hotline", async () => {
    const { ctx, sent } = context(new Map());
    await createTurnErrorHandler({ texts, logger, hotline: RIZHAO_HOTLINE })(ctx, new Error('boom'));
    expect(sent[0]!.text).to.equal(texts.t('zh-CN', 'messages.error', { hotline: RIZHAO_HOTLINE }));
  });
});

describe('comparing categories never invents the temporary cancel rule (domain.md §4.3 UNCONFIRMED)', () => {
  for (const [insured, agency, hotline] of [
    ['日照', RIZHAO_AGENCY, RIZHAO_HOTLINE],
    ['青岛', OWN_AGENCY, '12393'],
  ]) {
    it(`insured in ${insured}: long-term resident vs self-referral says to confirm with ${agency}, not "no waiting period"`, async () => {
      const chat = new Chat();
      await chat.follow([...longTermResident(insured), ['不是', 'outcome.understood']]);
      const replies = await chat.say('比较其他备案类型');
      expect(Chat.channelData<{ items: string[] }>(replies, 'alternative')!.items).to.include('DIFF_CANCEL_WAIT_UNCONFIRMED').and.not.to.include('DIFF_NO_CANCEL_WAIT');
      const text = Chat.textOf(replies);
      expect(text).to.include(chat.texts.t('zh-CN', 'consequences.DIFF_CANCEL_WAIT_UNCONFIRMED', { agency, hotline }));
      expect(text).not.to.include(chat.texts.t('zh-CN', 'consequences.DIFF_NO_CANCEL_WAIT'));
    });
  }
});
