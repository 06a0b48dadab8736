import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { Chat } from './support/chat.js';
import { Readings } from './support/readings.js';
import { AGENT_IN_HOSPITAL, answerUntilOutcome, LT_RESIDENT_TO_SUMMARY, LT_WORKER_TO_NAME, openingZh, TMP_OTHER_TO_SUMMARY, upTo, type Step } from './support/paths.js';
import { ScriptedUnderstanding } from './support/scripted-understanding.js';

/**
 * People answer in their own words (issue 10): what the conversation does with a reading of them. A
 * confident reading is taken and said back ("好的，按“…”处理。") so a misreading is visible and undone with
 * 返回; a button, a number or a choice's own words need no read-back; two close readings are asked about
 * with both as buttons; nothing is guessed silently. Each reading is counted per question and status.
 */

const understood = (chat: Chat, answer: string, locale: 'zh-CN' | 'en-US' = 'zh-CN') => chat.texts.t(locale, 'messages.understood', { answer });
const readBack = (replies: Partial<Activity>[]) => replies.find((r) => (r.channelData as { understood?: boolean } | undefined)?.understood);
const buttons = (reply: Partial<Activity> | undefined) => (reply?.suggestedActions?.actions ?? []).map((a) => a.title);

const TO_NOW = upTo(TMP_OTHER_TO_SUMMARY, 'situation.now');
const TO_RETIRED = upTo(LT_RESIDENT_TO_SUMMARY, 'situation.retired');
const TO_HUKOU = upTo(LT_RESIDENT_TO_SUMMARY, 'situation.hukouMoved');
const TO_LONG_TERM = upTo(TMP_OTHER_TO_SUMMARY, 'situation.longTerm');
const TO_DISPATCHED = upTo(LT_WORKER_TO_NAME, 'situation.dispatchedByEmployer');
const TO_COMMITMENT = upTo(LT_RESIDENT_TO_SUMMARY, 'details.commitment');
const TO_UNDERSTOOD = upTo(TMP_OTHER_TO_SUMMARY, 'outcome.understood');
const TO_CONSENT = upTo(TMP_OTHER_TO_SUMMARY, 'consent.personalInfo');

describe('defects first: a sentence is never matched by a word inside it', () => {
  it('"不太同意，我不想在网上填身份证号" at the consent is not consent: nothing personal is asked, the filing ends', async () => {
    const chat = new Chat();
    await chat.follow(TO_CONSENT);
    const replies = await chat.say('不太同意，我不想在网上填身份证号');
    // Read as "I do not agree", said back, and the refusal is respected.
    expect(readBack(replies)?.text).to.equal(understood(chat, '不同意'));
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'messages.consentDeclined', { hotline: '0633-12393' }));
    expect(Chat.promptOf(replies)).to.equal('menu.main');
    expect(Chat.promptsOf(chat.transcript).filter((p) => /^(details|situation\.(insuranceActive|now))/.test(p))).to.deep.equal([]);
  });

  it('"是单位派的，不是我自己要去的" at "sent by the employer?" is yes: the scheme of a stationed employee is asked next', async () => {
    const chat = new Chat();
    await chat.follow(TO_DISPATCHED);
    const replies = await chat.say('是单位派的，不是我自己要去的');
    expect(readBack(replies)?.text).to.equal(understood(chat, '是，单位派驻'));
    expect(Chat.promptOf(replies)).to.equal('situation.scheme');
  });
});

describe("the issue's sentences are understood at their questions, and said back", () => {
  const CASES: Array<{ said: string; at: string; reach: Step[]; means: string; next: string | RegExp }> = [
    { said: '还没去，在计划', at: 'situation.now', reach: TO_NOW, means: '计划去外地看病或居住', next: 'situation.longTerm' },
    { said: '我已经退休了', at: 'situation.retired', reach: TO_RETIRED, means: '已退休', next: 'situation.hukouMoved' },
    { said: '退休好几年了', at: 'situation.retired', reach: TO_RETIRED, means: '已退休', next: 'situation.hukouMoved' },
    { said: '户口还在日照，没迁过来', at: 'situation.hukouMoved', reach: TO_HUKOU, means: '没有迁', next: 'outcome.understood' },
    { said: '不是，就去几天看个专家', at: 'situation.longTerm', reach: TO_LONG_TERM, means: '否，短期看病', next: 'situation.hasReferral' },
    { said: '我签承诺书吧', at: 'details.commitment', reach: TO_COMMITMENT, means: '签署个人承诺书', next: 'review.confirm' },
    { said: '明白了，接着办吧', at: 'outcome.understood', reach: TO_UNDERSTOOD, means: '我已了解，继续', next: 'details.scheme' },
  ];
  for (const c of CASES) {
    it(`"${c.said}" at ${c.at} → ${c.means}`, async () => {
      const readings = new Readings();
      const chat = new Chat({ funnel: readings });
      await chat.follow(c.reach);
      const replies = await chat.say(c.said);
      expect(readBack(replies)?.text, Chat.textOf(replies)).to.equal(understood(chat, c.means));
      expect(Chat.promptOf(replies)).to.match(typeof c.next === 'string' ? new RegExp(`^${c.next.replace(/\./g, '\\.')}$`) : c.next);
      expect(readings.events).to.include(`${c.at}:understood`);
    });
  }

  it('"户口还在日照，没迁过来": a retiree whose hukou did not move is a long-term resident', async () => {
    const chat = new Chat();
    await chat.follow(TO_HUKOU);
    expect(Chat.channelData(await chat.say('户口还在日照，没迁过来'), 'category')).to.equal('LT_RESIDENT');
  });

  it('"我在西安上大学", told as the description: a student there, so a long-term resident once not retired', async () => {
    const chat = new Chat();
    await chat.follow(upTo(openingZh('本人', '日照', '西安'), 'situation.intake'));
    const confirm = await chat.say('我在西安上大学');
    expect(Chat.promptOf(confirm)).to.equal('situation.intake');
    expect(Chat.textOf(confirm)).to.include(chat.texts.t('zh-CN', 'prompts.situation.intake.facts.student.yes'));
    const { outcome } = await answerUntilOutcome((t) => chat.say(t), await chat.say('对'), {
      'situation.insuranceActive': '是',
      'situation.now': '计划去外地看病或居住',
      'situation.longTerm': '是',
      'situation.retired': '没退休',
    });
    expect(Chat.channelData(outcome, 'category')).to.equal('LT_RESIDENT');
    expect(Chat.channelData<string[]>(outcome, 'reasons')).to.include('STUDENT_LONG_TERM');
  });
});

describe('how sure a reading is decides what happens', () => {
  it('a button label, a number or a synonym is taken without a read-back', async () => {
    for (const said of ['计划去外地看病或居住', '1', '计划']) {
      const readings = new Readings();
      const chat = new Chat({ funnel: readings });
      await chat.follow(TO_NOW);
      const replies = await chat.say(said);
      expect(readBack(replies), said).to.equal(undefined);
      expect(Chat.promptOf(replies)).to.equal('situation.longTerm');
      expect(readings.events).to.include('situation.now:exact');
    }
  });

  it('"在医院" at "what is happening now" is not taken for an emergency (which would end the questions): asked which, and "已住院" goes on to the admission date', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TO_NOW);
    const asked = await chat.say('在医院');
    expect(Chat.promptOf(asked)).to.equal('situation.now');
    expect(Chat.textOf(asked)).not.to.include(chat.texts.t('zh-CN', 'reasons.EMERGENCY_DEEMED_FILED'));
    expect(Chat.replyWith(asked, 'promptId')!.text).to.equal('您是指“正在急诊或抢救”还是“已住院，还没出院”？');
    expect(Chat.promptOf(await chat.say('已住院，还没出院'))).to.equal('situation.admissionDate');
  });

  it('"他突然晕倒了，现在在医院" at "what is happening now" is not taken for a stay on a ward (it names a sudden event): asked which, the emergency first, and picking it gives the emergency advice', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TO_NOW);
    const asked = await chat.say('他突然晕倒了，现在在医院');
    expect(Chat.promptOf(asked)).to.equal('situation.now');
    expect(Chat.replyWith(asked, 'promptId')!.text).to.equal('您是指“正在急诊或抢救”还是“已住院，还没出院”？');
    const advice = await chat.say('正在急诊或抢救');
    expect(Chat.promptOf(advice)).to.not.equal('situation.admissionDate');
    expect(Chat.textOf(advice)).to.include(chat.texts.t('zh-CN', 'reasons.EMERGENCY_DEEMED_FILED'));
  });

  it('two close readings: "您是指…还是…？" with both as buttons; picking one by number takes it without a read-back', async () => {
    const understanding = new ScriptedUnderstanding().choiceAt('situation.now', '大概要住院吧', {
      status: 'close',
      candidates: [
        { value: 'PLANNING', score: 0.48 },
        { value: 'IN_HOSPITAL', score: 0.45 },
      ],
    });
    const readings = new Readings();
    const chat = new Chat({ understanding, funnel: readings, channelId: 'webchat' });
    await chat.follow(TO_NOW);
    const asked = await chat.say('大概要住院吧');
    const question = Chat.replyWith(asked, 'promptId')!;
    expect(question.text).to.equal('您是指“计划去外地看病或居住”还是“已住院，还没出院”？');
    expect(Chat.promptOf(asked)).to.equal('situation.now');
    expect(buttons(question).slice(0, 2)).to.deep.equal(['计划去外地看病或居住', '已住院，还没出院']);
    // Nothing was taken: the situation is still open.
    expect(readBack(asked)).to.equal(undefined);
    const picked = await chat.say('2');
    expect(Chat.promptOf(picked)).to.equal('situation.admissionDate');
    expect(readBack(picked)).to.equal(undefined);
    expect(readings.events).to.include.members(['situation.now:close', 'situation.now:picked']);
  });

  it('help while two readings are offered shows them again; a yes to a single one takes it', async () => {
    const understanding = new ScriptedUnderstanding().choiceAt('situation.now', '快出院了', { status: 'close', candidates: [{ value: 'IN_HOSPITAL', score: 0.6 }] });
    const chat = new Chat({ understanding });
    await chat.follow(TO_NOW);
    const asked = await chat.say('快出院了');
    expect(Chat.textOf(asked)).to.include('您是指“已住院，还没出院”吗？');
    const help = await chat.say('帮助');
    expect(Chat.textOf(help)).to.include('您是指“已住院，还没出院”吗？');
    await chat.follow([['是', 'situation.admissionDate']]);
  });

  it('a reading with no confidence is never taken: what was wrong, an example, the same question', async () => {
    const understanding = new ScriptedUnderstanding().choiceAt('situation.now', '嗯……这个嘛', { status: 'none' });
    const readings = new Readings();
    const chat = new Chat({ understanding, funnel: readings });
    await chat.follow(TO_NOW);
    const replies = await chat.say('嗯……这个嘛');
    expect(Chat.channelData(replies, 'error')).to.equal('CHOICE_NOT_RECOGNISED');
    expect(Chat.promptOf(replies)).to.equal('situation.now');
    expect(readings.events).to.include('situation.now:invalid');
  });

  it('a misreading said back is undone with 返回: the question again with the reading offered, counted as undone', async () => {
    const understanding = new ScriptedUnderstanding().choiceAt('situation.now', '下个月去住院', { status: 'confident', value: 'IN_HOSPITAL', score: 0.9 });
    const readings = new Readings();
    const chat = new Chat({ understanding, funnel: readings });
    await chat.follow(TO_NOW);
    const taken = await chat.say('下个月去住院');
    expect(readBack(taken)?.text).to.equal(understood(chat, '已住院，还没出院'));
    expect(Chat.promptOf(taken)).to.equal('situation.admissionDate');
    const back = await chat.say('返回上一步');
    expect(Chat.promptOf(back)).to.equal('situation.now');
    expect(Chat.textOf(back)).to.include(chat.texts.t('zh-CN', 'messages.previousAnswer', { answer: '已住院，还没出院' }));
    await chat.follow([['计划去外地看病或居住', 'situation.longTerm']]);
    expect(readings.events).to.include.members(['situation.now:understood', 'situation.now:undone']);
  });

  it('a date read from words is said back as the date', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate'));
    const replies = await chat.say('下个月1号');
    expect(readBack(replies)?.text).to.equal(understood(chat, '2026年12月1日'));
    const typed = new Chat();
    await typed.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate'));
    expect(readBack(await typed.say('2026-12-01'))).to.equal(undefined);
    // Typed as it is shown (2026年12月1日), it is not said back either.
    const natural = new Chat();
    await natural.follow(upTo(TMP_OTHER_TO_SUMMARY, 'details.startDate'));
    expect(readBack(await natural.say('2026年12月1日'))).to.equal(undefined);
  });

  it('in English: "for a couple of years" at the long-term question is yes, said back in English', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow([
      ['hi', 'menu.main'],
      ['1', 'situation.filerMode'],
      ['1', 'situation.insuredPlace'],
      ['Rizhao', 'situation.treatmentPlace'],
      ['Shanghai', 'consent.personalInfo'],
      ['I agree', 'situation.intake'],
      ['Answer step by step', 'situation.insuranceActive'],
      ['yes', 'situation.now'],
      ['Planning ahead', 'situation.longTerm'],
    ]);
    const replies = await chat.say('for a couple of years');
    expect(readBack(replies)?.text).to.equal(understood(chat, 'Yes, long-term', 'en-US'));
    expect(Chat.promptOf(replies)).to.equal('situation.retired');
  });
});

describe('places down to the county, said back as resolved', () => {
  it('义乌 → 浙江省金华市义乌市, kept as its pooling area 金华市', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.treatmentPlace'));
    const replies = await chat.say('义乌');
    expect(readBack(replies)?.text).to.equal(chat.texts.t('zh-CN', 'messages.placeUnderstood', { place: '浙江省金华市义乌市', poolingArea: '浙江省金华市' }));
    expect(Chat.promptOf(replies)).to.equal('consent.personalInfo');
    await chat.follow([
      ['同意', 'situation.intake'],
      ['一步一步回答', 'situation.insuranceActive'],
      ['是', 'situation.now'],
      ['1', 'situation.longTerm'],
      ['否', 'situation.hasReferral'],
    ]);
    const outcome = await chat.say('没有');
    expect(Chat.channelData(outcome, 'scope')).to.equal('CROSS_PROVINCE');
  });

  it('浦东新区 → 上海市', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.treatmentPlace'));
    const replies = await chat.say('浦东新区');
    expect(Chat.textOf(replies)).to.include('上海市浦东新区').and.to.include('上海市');
    expect(Chat.promptOf(replies)).to.equal('consent.personalInfo');
  });

  it('朝阳 is a choice (辽宁省朝阳市 or 北京市朝阳区), never a silent pick; the button picks it', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.treatmentPlace'));
    const replies = await chat.say('朝阳');
    expect(Chat.channelData(replies, 'error')).to.equal('PLACE_AMBIGUOUS');
    const choices = buttons(replies.at(-1));
    expect(choices).to.include.members(['辽宁省朝阳市', '北京市朝阳区']);
    expect(Chat.promptOf(replies)).to.equal('situation.treatmentPlace');
    await chat.follow([['北京市朝阳区', 'consent.personalInfo']]);
  });

  it('鼓楼区 is a choice as well', async () => {
    const chat = new Chat();
    await chat.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.treatmentPlace'));
    const replies = await chat.say('鼓楼区');
    expect(Chat.channelData(replies, 'error')).to.equal('PLACE_AMBIGUOUS');
    expect(Chat.promptOf(replies)).to.equal('situation.treatmentPlace');
  });
});

describe('a son filing for his mother in hospital, in his own words', () => {
  it('"人已经在医院住着了" is in hospital, "我是她儿子" is the child; the filing goes through with both', async () => {
    const chat = new Chat();
    await chat.follow(upTo(AGENT_IN_HOSPITAL, 'situation.now'));
    await chat.follow([['人已经在医院住着了', 'situation.admissionDate']]);
    // "住院了还没出院" is also a common question (已住院没备案): at this question it is the answer, not the FAQ.
    const steps = AGENT_IN_HOSPITAL.slice(AGENT_IN_HOSPITAL.findIndex(([, next]) => next === 'situation.admissionDate') + 1).map(([say, next]): Step => [say === '子女' ? '我是她儿子' : say, next]);
    await chat.follow(steps);
    const done = await chat.say('确认提交');
    const filing = Chat.channelData<{ reference: string }>(done, 'filing')!;
    const stored = await chat.filings.get(filing.reference);
    expect(stored?.filing).to.deep.include({ retroactive: true });
    expect((stored?.filing as { agent: { relationship: string } }).agent.relationship).to.equal('CHILD');
  });

  it('"住院了还没出院" at what is happening now is the answer, not the common question of the same words', async () => {
    const chat = new Chat();
    await chat.follow(upTo(AGENT_IN_HOSPITAL, 'situation.now'));
    const replies = await chat.say('住院了还没出院');
    expect(Chat.channelData(replies, 'faq')).to.equal(undefined);
    expect(Chat.promptOf(replies)).to.equal('situation.admissionDate');
  });
});
