import { expect } from 'chai';
import { MemoryStorage, type Activity } from 'botbuilder';
import type { FilingState } from '../dialogs/filing-state.js';
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

/** Facts for questions after consent the first words state, said as held until consent (messages.factsHeld…). */
const held = (replies: Partial<Activity>[]) =>
  replies.filter((r) => (r.channelData as { noted?: boolean; understood?: boolean } | undefined)?.noted && !(r.channelData as { understood?: boolean }).understood).map((r) => r.text ?? '');

/** The filing state of the test conversation, as stored. */
const filingIn = async (storage: MemoryStorage) => ((await storage.read(['test/conversations/Convo1/']))['test/conversations/Convo1/'] as { filing: FilingState }).filing;

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

  it('“替老伴办异地就医备案，她在日照参保，要去海口长住” → 代办 and both places; consent next, the stay held until it and then not asked', async () => {
    const { chat, replies } = await opened('zh-CN', '替老伴办异地就医备案，她在日照参保，要去海口长住', true);
    expect(readBacks(replies)).to.deep.equal([together(chat, 'zh-CN', [['situation.filerMode', '为他人代办'], ['situation.insuredPlace', '山东省日照市'], ['situation.treatmentPlace', '海南省海口市']])]);
    expect(held(replies), Chat.textOf(replies)).to.have.lengthOf(1);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('consent.personalInfo');
    const next = await chat.say('同意');
    expect(Chat.promptOf(next), Chat.textOf(next)).to.equal('situation.insuranceActive');
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

  // Words all about another person name who the filing is for: said back with the places, so a misreading shows.
  const ABOUT_SOMEONE_ELSE: Array<['zh-CN' | 'en-US', string, insured: string, treatment: string]> = [
    ['zh-CN', '我爸在日照参保，要去上海做手术', '山东省日照市', '上海市'],
    ['zh-CN', '我妈妈在日照参保，退休了，现在跟我住在杭州，想办个备案', '山东省日照市', '浙江省杭州市'],
    ['en-US', 'my father is insured in Rizhao and he needs surgery in Shanghai next month', 'Rizhao, Shandong', 'Shanghai'],
  ];
  for (const [locale, words, insured, treatment] of ABOUT_SOMEONE_ELSE) {
    for (const atMenu of [true, false]) {
      it(`“${words}” ${atMenu ? 'at the menu' : 'as the first words'} → for someone else and both places, said back together; consent next`, async () => {
        const { chat, replies } = await opened(locale, words, atMenu);
        const agent = chat.texts.t(locale, 'prompts.situation.filerMode.choices.AGENT');
        expect(readBacks(replies), Chat.textOf(replies)).to.deep.equal([
          together(chat, locale, [['situation.filerMode', agent], ['situation.insuredPlace', insured], ['situation.treatmentPlace', treatment]]),
        ]);
        expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('consent.personalInfo');
      });
    }
  }

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

  it('about someone else, but with a clause of one’s own (“我老公在上海上班，我在日照参保，也要去上海看病”) → who files asked', async () => {
    const { replies } = await opened('zh-CN', '我老公在上海上班，我在日照参保，也要去上海看病', true);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.filerMode');
  });

  it('one place with no role (“给我妈办备案，上海”): the role is not guessed — the insured place is asked', async () => {
    const { replies } = await opened('zh-CN', '给我妈办备案，上海', true);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.insuredPlace');
  });
});

/**
 * A description of one's situation as the first words ("我退休了，在日照参保，两年前搬到三亚跟儿子住，户口还在日照")
 * states a filing: it starts with both places said back. A place named again in a hukou sentence ("户口还在日照",
 * "Hukou still in Rizhao") is the home, the insured place: it neither cancels the insured place nor ties with the
 * place one lives in now, and "Hukou" is not read as 湖口.
 */
describe('a description of one’s situation as the first words starts the filing with its places', () => {
  // [locale, words, whether they tell one's own retirement in the first person (我退休了, I'm retired): who files answered too]
  const SITUATIONS: Array<['zh-CN' | 'en-US', string, boolean]> = [
    ['zh-CN', '我退休了，在日照参保，两年前搬到三亚跟儿子住，户口还在日照', true],
    ['zh-CN', '我日照参保，搬到三亚住了，户口还在日照', false],
    ['zh-CN', '我在日照参保，现在在三亚跟女儿住，户口没迁，还在日照', false],
    ['zh-CN', '日照退休职工，随子女在三亚定居，户口仍在日照', false],
    ['zh-CN', '我是日照人，退休后随子女到三亚定居', false],
    ['zh-CN', '我退休了，户口在日照，医保也在日照，现在住在三亚', true],
    ['zh-CN', '我在日照退休的，现在在三亚养老', false],
    ['zh-CN', '我住到三亚女儿家了，户口和医保都在日照', false],
    ['en-US', "I'm retired, insured in Rizhao, and I moved to Sanya to live with my son two years ago. Hukou still in Rizhao.", true],
    ['en-US', "Retired, insured in Rizhao, I've settled in Sanya with my daughter. My hukou stayed in Rizhao.", false],
    ['en-US', 'Insured in Rizhao, retired, moved in with my daughter in Sanya last year; hukou not moved, still in Rizhao.', false],
    ['en-US', "I'm insured in Rizhao, and I live in Sanya with my son now.", false],
  ];
  for (const [locale, words, self] of SITUATIONS) {
    for (const atMenu of [false, true]) {
      const said = self ? 'for oneself and both places said back; consent next' : 'both places said back; neither asked';
      it(`“${words}” ${atMenu ? 'at the menu' : 'as the first words'} → ${said}`, async () => {
        const { chat, replies } = await opened(locale, words, atMenu);
        const [myself, insured, treatment] = locale === 'zh-CN' ? ['为本人办理', '山东省日照市', '海南省三亚市'] : ['For myself', 'Rizhao, Shandong', 'Sanya, Hainan'];
        const rows: Array<[string, string]> = [['situation.insuredPlace', insured], ['situation.treatmentPlace', treatment]];
        if (self) rows.unshift(['situation.filerMode', myself]);
        expect(readBacks(replies), Chat.textOf(replies)).to.deep.equal([together(chat, locale, rows)]);
        expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal(self ? 'consent.personalInfo' : 'situation.filerMode');
      });
    }
  }

  for (const [locale, words, agree, facts] of [
    ['zh-CN', '我退休了，在日照参保，两年前搬到三亚跟儿子住，户口还在日照', '同意', ['已退休', '户口未迁', '长期居住']],
    ['en-US', "I'm retired, insured in Rizhao, and I moved to Sanya to live with my son two years ago. Hukou still in Rizhao.", 'I agree', ['retired', 'household registration not moved', 'long-term']],
  ] as const) {
    it(`“${words}”: retired, hukou not moved and a long stay held until consent (said so), then taken — neither the description nor their questions asked`, async () => {
      const storage = new MemoryStorage();
      const chat = new Chat({ locale, storage });
      const replies = await chat.say(words);
      const [note] = held(replies);
      for (const fact of facts) expect(note, Chat.textOf(replies)).to.include(fact);
      // What follows the facts: they wait for consent.
      expect(note).to.include(chat.texts.t(locale, 'messages.factsHeldAfter', { said: '', facts: '§' }).split('§')[1]);
      expect(Chat.promptOf(replies)).to.equal('consent.personalInfo');
      const next = await chat.say(agree);
      expect(Chat.promptOf(next), Chat.textOf(next)).to.equal('situation.insuranceActive');
      expect((await filingIn(storage)).situation).to.deep.include({ retired: true, hukouMoved: false, longTerm: true });
    });
  }

  it('declining consent drops the facts held from the first words', async () => {
    const storage = new MemoryStorage();
    const chat = new Chat({ storage });
    await chat.say('我退休了，在日照参保，两年前搬到三亚跟儿子住，户口还在日照');
    expect((await filingIn(storage)).heldFacts).to.deep.include({ retired: true, hukouMoved: false });
    await chat.say('不同意');
    const { situation, heldFacts } = await filingIn(storage);
    expect(heldFacts).to.equal(undefined);
    expect(situation.retired).to.equal(undefined);
  });

  it('“我没退休…” / “I’m retired and want to file for my mum”: not one’s own retirement told, or someone else filed for — not “for myself”', async () => {
    const { replies } = await opened('zh-CN', '我没退休，在日照参保，搬到三亚跟儿子住', false);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.filerMode');
    const en = await opened('en-US', "I'm retired and want to file for my mum, she is insured in Rizhao", false);
    expect(readBacks(en.replies)[0], Chat.textOf(en.replies)).to.include('For someone else');
  });
});

/**
 * A place the first words give a role by a name several places share ("going to Yiwu": 义乌, Zhejiang or 伊吾,
 * Xinjiang) is not taken, and not lost: its question, when asked, says which name is meant and offers the
 * places as choices; a button, or words naming the place one of them is in, answers it.
 */
describe('a place named by a name several places share is asked with those places to choose from', () => {
  const buttons = (replies: Partial<Activity>[]) => (replies.at(-1)?.suggestedActions?.actions ?? []).map((a) => a.title);
  const which = (chat: Chat, locale: 'zh-CN' | 'en-US', said: string) => chat.texts.t(locale, 'errors.PLACE_AMBIGUOUS_SAID', { said });

  async function toTreatmentPlace(locale: 'zh-CN' | 'en-US', words: string) {
    const { chat, replies } = await opened(locale, words, true);
    expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('situation.filerMode');
    const asked = await chat.say(locale === 'zh-CN' ? '本人' : 'For myself');
    expect(Chat.promptOf(asked), Chat.textOf(asked)).to.equal('situation.treatmentPlace');
    return { chat, asked };
  }

  it('“I’m insured in Rizhao, going to Yiwu for treatment”: Rizhao said back; at the place of treatment “Which Yiwu?”, both as buttons; a button answers it', async () => {
    const { chat, replies } = await opened('en-US', "I'm insured in Rizhao, going to Yiwu for treatment", true);
    expect(readBacks(replies)).to.deep.equal([chat.texts.t('en-US', 'messages.understood', { answer: 'Rizhao, Shandong' })]);
    const asked = await chat.say('For myself');
    expect(asked.map((r) => r.text)).to.include(which(chat, 'en-US', 'Yiwu'));
    expect(Chat.promptOf(asked)).to.equal('situation.treatmentPlace');
    expect(buttons(asked).slice(0, 2)).to.deep.equal(['Yiwu, Jinhua, Zhejiang', 'Yiwu, Hami, Xinjiang']);
    // Help in between: the choices stay.
    expect(buttons(await chat.say('help')).slice(0, 2)).to.deep.equal(['Yiwu, Jinhua, Zhejiang', 'Yiwu, Hami, Xinjiang']);
    const consent = await chat.say('Yiwu, Hami, Xinjiang');
    expect(Chat.promptOf(consent), Chat.textOf(consent)).to.equal('consent.personalInfo');
    const intake = await chat.say('I agree');
    expect(Chat.promptOf(intake), Chat.textOf(intake)).to.equal('situation.intake');
    expect(Chat.textOf(intake), 'the place of treatment kept').to.include('Hami, Xinjiang');
  });

  for (const [typed, place, poolingArea] of [
    ['Zhejiang', 'Yiwu, Jinhua, Zhejiang', 'Jinhua, Zhejiang'],
    ['the one in Xinjiang', 'Yiwu, Hami, Xinjiang', 'Hami, Xinjiang'],
  ]) {
    it(`“Which Yiwu?” answered in words, “${typed}” → ${place}, said back with its pooling area`, async () => {
      const { chat } = await toTreatmentPlace('en-US', "I'm insured in Rizhao, going to Yiwu for treatment");
      const next = await chat.say(typed!);
      expect(readBacks(next)).to.deep.equal([chat.texts.t('en-US', 'messages.placeUnderstood', { place, poolingArea })]);
      expect(Chat.promptOf(next), Chat.textOf(next)).to.equal('consent.personalInfo');
    });
  }

  it('the same at the question itself: “Yiwu” typed, then “Xinjiang” → Yiwu, Hami, Xinjiang', async () => {
    const { chat } = await opened('en-US', 'I want to file for myself', true);
    await chat.say('Rizhao');
    const offered = await chat.say('Yiwu');
    expect(buttons(offered).slice(0, 2)).to.deep.equal(['Yiwu, Jinhua, Zhejiang', 'Yiwu, Hami, Xinjiang']);
    const next = await chat.say('Xinjiang');
    expect(readBacks(next)).to.deep.equal([chat.texts.t('en-US', 'messages.placeUnderstood', { place: 'Yiwu, Hami, Xinjiang', poolingArea: 'Hami, Xinjiang' })]);
  });

  it('“我在日照参保，要去朝阳看病”: 就医地 asked with the three 朝阳 to choose from; “辽宁” → 辽宁省朝阳市', async () => {
    const { chat, asked } = await toTreatmentPlace('zh-CN', '我在日照参保，要去朝阳看病');
    expect(asked.map((r) => r.text)).to.include(which(chat, 'zh-CN', '朝阳'));
    expect(buttons(asked)).to.include.members(['辽宁省朝阳市', '北京市朝阳区']);
    const next = await chat.say('辽宁');
    expect(readBacks(next)).to.deep.equal([chat.texts.t('zh-CN', 'messages.understood', { answer: '辽宁省朝阳市' })]);
    expect(Chat.promptOf(next), Chat.textOf(next)).to.equal('consent.personalInfo');
  });

  it('“去伊吾” and “去义乌” name one place each in Chinese: taken, not asked', async () => {
    for (const [words, place] of [['我在日照参保，要去伊吾看病，给我爸办', '新疆维吾尔自治区哈密市伊吾县'], ['我在日照参保，要去义乌看病，给我爸办', '浙江省金华市义乌市']]) {
      const { replies } = await opened('zh-CN', words!, true);
      expect(readBacks(replies)[0], words).to.include(place);
      expect(Chat.promptOf(replies), Chat.textOf(replies)).to.equal('consent.personalInfo');
    }
  });

  it('without buttons (WeChat): the places as numbered lines, and a number picks one', async () => {
    const chat = new Chat({ locale: 'en-US', channelId: 'wechat' });
    await chat.say('hello');
    await chat.say("I'm insured in Rizhao, going to Yiwu for treatment");
    const asked = await chat.say('For myself');
    expect(Chat.promptOf(asked)).to.equal('situation.treatmentPlace');
    expect(asked.at(-1)?.text).to.match(/1\. Yiwu, Jinhua, Zhejiang/).and.match(/2\. Yiwu, Hami, Xinjiang/);
    const next = await chat.say('1');
    expect(Chat.promptOf(next), Chat.textOf(next)).to.equal('consent.personalInfo');
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
