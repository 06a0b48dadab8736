import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { LT_RESIDENT_TO_SUMMARY, openingEn, openingZh, upTo } from './support/paths.js';

/**
 * Yes and no as people say them: the words of both languages in either mode (是、否、嗯 in English,
 * yes / nope in Chinese), and a negated "yes" (没有退休, 还没退休 at "已退休？") is a no.
 */

const TO_RETIRED_ZH = upTo(LT_RESIDENT_TO_SUMMARY, 'situation.retired');
const TO_INSURANCE_EN = upTo(openingEn(), 'situation.insuranceActive');

describe('yes and no, as people say them', () => {
  for (const said of ['没有退休', '还没退休', '没退休', '还没有退休', '未退休']) {
    it(`"${said}" at 是否已退休 is "not retired"`, async () => {
      const chat = new Chat();
      await chat.follow(TO_RETIRED_ZH);
      const replies = await chat.say(said);
      expect(Chat.textOf(replies)).not.to.include(chat.texts.t('zh-CN', 'errors.CHOICE_NOT_RECOGNISED'));
      expect(Chat.promptOf(replies)).not.to.equal('situation.retired');
      // Not retired: the household-registration question (asked of retirees) does not come.
      expect(Chat.promptOf(replies)).not.to.equal('situation.hukouMoved');
    });
  }

  it('"已退休" is still "retired"', async () => {
    const chat = new Chat();
    await chat.follow([...TO_RETIRED_ZH, ['已退休', 'situation.hukouMoved']]);
  });

  it('"没有迁户口" at the household registration is "not moved"', async () => {
    const chat = new Chat();
    await chat.follow([...TO_RETIRED_ZH, ['已退休', 'situation.hukouMoved']]);
    const replies = await chat.say('没有迁户口');
    expect(Chat.channelData(replies, 'category')).to.equal('LT_RESIDENT');
  });

  for (const [said, next] of [
    ['是', 'situation.now'],
    ['嗯', 'situation.now'],
    ['对', 'situation.now'],
  ] as const) {
    it(`English mode: "${said}" is yes`, async () => {
      const chat = new Chat({ locale: 'en-US' });
      await chat.follow([...TO_INSURANCE_EN, [said, next]]);
    });
  }

  it('English mode: "否" is no (insurance not active: cannot file)', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(TO_INSURANCE_EN);
    const replies = await chat.say('否');
    expect(Chat.channelData(replies, 'category')).to.equal('CANNOT_FILE');
  });

  it('Chinese mode: "nope" is no, "yeah" is yes', async () => {
    const chat = new Chat();
    await chat.follow([...openingZh(), ['计划去外地看病或居住', 'situation.longTerm'], ['nope', 'situation.hasReferral']]);
    const other = new Chat();
    await other.follow([...upTo(openingZh(), 'situation.insuranceActive'), ['yeah', 'situation.now']]);
  });
});
