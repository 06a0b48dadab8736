import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { Chat } from './support/chat.js';
import { openingEn, openingZh, upTo } from './support/paths.js';

/**
 * The words that start a filing state who files and the places: those questions are answered from them,
 * said back in a few words and not asked; anything unclear is asked as before (never a silent guess), and
 * nothing behind consent is taken before it.
 */

const readBacks = (replies: Partial<Activity>[]) =>
  replies.filter((r) => (r.channelData as { understood?: boolean } | undefined)?.understood).map((r) => r.text);

/** Several answers said back in one message: messages.openingUnderstood, a "• label: value" line each (common.bullet). */
const together = (chat: Chat, locale: 'zh-CN' | 'en-US', rows: Array<[id: string, value: string]>) =>
  chat.texts.t(locale, 'messages.openingUnderstood', {
    facts: rows.map(([id, value]) => chat.texts.t(locale, 'common.bullet', { item: chat.texts.t(locale, 'messages.summaryRow', { label: chat.texts.t(locale, `labels.${id}`), value }) })).join('\n'),
  });

async function opened(locale: 'zh-CN' | 'en-US', words: string, atMenu: boolean) {
  const chat = new Chat({ locale, channelId: 'webchat' });
  if (atMenu) {
    await chat.say(locale === 'zh-CN' ? '你好' : 'hello');
  }
  const replies = await chat.say(words);
  return { chat, replies };
}

describe('the words that start a filing answer who files and the places they state', () => {
  for (const atMenu of [true, false]) {
    const where = atMenu ? 'at the menu' : 'as the first words';

    it(`“我想给我妈办个异地就医备案” ${where} → 为他人代办, said back; the insured place asked`, async () => {
      const { chat, replies } = await opened('zh-CN', '我想给我妈办个异地就医备案', atMenu);
      expect(readBacks(replies)).to.deep.equal([chat.texts.t('zh-CN', 'messages.understood', { answer: '为他人代办' })]);
      expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.insuredPlace');
    });

    it(`“I want to file for my dad” ${where} → filing for someone else, said back; the insured place asked`, async () => {
      const { replies } = await opened('en-US', 'I want to file for my dad', atMenu);
      expect(readBacks(replies)).to.have.length(1);
      expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.insuredPlace');
    });

    it(`“我在日照参保，想去上海看病，帮我办备案” ${where} → both places said back; who files still asked, then consent`, async () => {
      const { chat, replies } = await opened('zh-CN', '我在日照参保，想去上海看病，帮我办备案', atMenu);
      expect(readBacks(replies)).to.deep.equal([together(chat, 'zh-CN', [['situation.insuredPlace', '山东省日照市'], ['situation.treatmentPlace', '上海市']])]);
      expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.filerMode');
      const next = await chat.say('本人');
      expect(Chat.promptOf(next), Chat.textOf(next)).to.equal('consent.personalInfo');
    });
  }

  it('“替老伴办异地就医备案，她在日照参保，要去海口长住” → 代办 and both places; consent next, the stay not taken before it', async () => {
    const { chat, replies } = await opened('zh-CN', '替老伴办异地就医备案，她在日照参保，要去海口长住', true);
    expect(readBacks(replies)).to.deep.equal([together(chat, 'zh-CN', [['situation.filerMode', '为他人代办'], ['situation.insuredPlace', '山东省日照市'], ['situation.treatmentPlace', '海南省海口市']])]);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('consent.personalInfo');
    const next = await chat.say('同意');
    expect(Chat.promptOf(next), Chat.textOf(next)).to.equal('situation.intake');
  });

  it('“I’m insured in Rizhao and want to file for my mum for treatment in Shanghai” → all three; consent next', async () => {
    const { chat, replies } = await opened('en-US', "I'm insured in Rizhao and I want to file for my mum, she is going to Shanghai for treatment", true);
    expect(readBacks(replies), Chat.textOf(replies)).to.deep.equal([together(chat, 'en-US', [['situation.filerMode', 'For someone else'], ['situation.insuredPlace', 'Rizhao, Shandong'], ['situation.treatmentPlace', 'Shanghai']])]);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('consent.personalInfo');
  });

  it('“我想给自己办异地就医备案” → 本人, said back; “I want to file for myself” likewise', async () => {
    const zh = await opened('zh-CN', '我想给自己办异地就医备案', true);
    expect(readBacks(zh.replies)).to.deep.equal([zh.chat.texts.t('zh-CN', 'messages.understood', { answer: "为本人办理" })]);
    expect(Chat.promptOf(zh.replies)).to.equal('situation.insuredPlace');
    const en = await opened('en-US', 'I want to file for myself', true);
    expect(readBacks(en.replies)).to.have.length(1);
    expect(Chat.promptOf(en.replies)).to.equal('situation.insuredPlace');
  });

  it('a county named with its role (“我在日照参保，要去义乌看病，想给我爸办备案”) is said back with its pooling area', async () => {
    const { chat, replies } = await opened('zh-CN', '我在日照参保，要去义乌看病，想给我爸办备案', true);
    const yiwu = chat.texts.t('zh-CN', 'messages.placeWithPoolingArea', { place: '浙江省金华市义乌市', poolingArea: '浙江省金华市' });
    expect(readBacks(replies), Chat.textOf(replies)).to.deep.equal([together(chat, 'zh-CN', [['situation.filerMode', '为他人代办'], ['situation.insuredPlace', '山东省日照市'], ['situation.treatmentPlace', yiwu]])]);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('consent.personalInfo');
  });

  it('“我是日照参保的，要去义乌看病，给我爸办” as the first words: the three facts in one message before the consent question', async () => {
    const { replies } = await opened('zh-CN', '我是日照参保的，要去义乌看病，给我爸办', false);
    expect(readBacks(replies), Chat.textOf(replies)).to.have.length(1);
    expect(readBacks(replies)[0]).to.include('为他人代办').and.include('山东省日照市').and.include('浙江省金华市义乌市');
    expect(replies.filter((r) => r.type === 'message')).to.have.length(2);
    expect(Chat.promptOf(replies)).to.equal('consent.personalInfo');
  });

  it('said both ways (“我想给我妈办异地就医备案，我本人陪她去”) → who files asked', async () => {
    const { replies } = await opened('zh-CN', '我想给我妈办异地就医备案，我本人陪她去', true);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.filerMode');
  });

  it('“I want to file for my own treatment in Shanghai”: “for my own” is one’s own filing — it and the place of treatment said back, the insured place asked', async () => {
    const { chat, replies } = await opened('en-US', 'I want to file for my own treatment in Shanghai', true);
    expect(readBacks(replies)).to.deep.equal([together(chat, 'en-US', [['situation.filerMode', 'For myself'], ['situation.treatmentPlace', 'Shanghai']])]);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.insuredPlace');
  });

  const STILL_ASKED: Array<['zh-CN' | 'en-US', string]> = [
    ['zh-CN', '我想办备案'],
    ['zh-CN', '帮我看看怎么办备案'],
    ['zh-CN', '办理异地就医备案'],
    ['en-US', 'I want to file'],
    ['zh-CN', '他们说我要办异地就医备案'],
    ['zh-CN', '我妈想自己办异地就医备案'],
    ['en-US', 'I want to file for my surgery'],
    ['en-US', 'I need to file for my insurance'],
    ['en-US', 'She said I need to file'],
  ];
  for (const [locale, words] of STILL_ASKED) {
    it(`“${words}” (${locale}) states nobody: who files asked, nothing said back`, async () => {
      const { replies } = await opened(locale, words, true);
      expect(readBacks(replies)).to.deep.equal([]);
      expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.filerMode');
    });
  }

  it('one place with no role (“给我妈办备案，上海”): the role is not guessed — the insured place is asked', async () => {
    const { replies } = await opened('zh-CN', '给我妈办备案，上海', true);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.insuredPlace');
  });
});

describe('the one-sentence intake: a move still to come is a plan', () => {
  it('“I’m moving to Shanghai permanently” (en) → planning and long-term shown; neither asked after', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn(), 'situation.intake'));
    const confirm = await chat.say("I'm moving to Shanghai permanently");
    expect(Chat.promptOf(confirm)).to.equal('situation.intake');
    expect(Chat.textOf(confirm)).to.include('Planning ahead').and.to.include('Yes, long-term');
    const next = await chat.say('yes');
    expect(Chat.promptOf(next), Chat.textOf(next)).to.equal('situation.insuranceActive');
    const after = await chat.say('yes');
    expect(Chat.promptOf(after), Chat.textOf(after)).not.to.be.oneOf(['situation.now', 'situation.longTerm']);
  });

  it('“打算去上海住两年” (zh) → planning and long-term, as before', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(upTo(openingZh(), 'situation.intake'));
    const confirm = await chat.say('打算去上海住两年');
    expect(Chat.promptOf(confirm)).to.equal('situation.intake');
    const next = await chat.say('是');
    expect(Chat.promptOf(next), Chat.textOf(next)).to.equal('situation.insuranceActive');
    const after = await chat.say('是');
    expect(Chat.promptOf(after), Chat.textOf(after)).not.to.be.oneOf(['situation.now', 'situation.longTerm']);
  });
});
