import { expect } from 'chai';
import { Chat } from './support/chat.js';
import { answerUntilOutcome, openingEn, openingZh, upTo } from './support/paths.js';
import { ScriptedUnderstanding } from './support/scripted-understanding.js';

/**
 * The situation told in one's own words (issue 10 point 5): after consent the person may describe the
 * situation; the facts it states are shown back in one message for confirmation, and only the questions
 * still open are asked. "一步一步回答" keeps the guided path. Each fact passes the checks of its own
 * question, and the decision procedure still decides what counts: a fact it never reaches decides nothing.
 */

const DESCRIPTION = '我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口';
const TO_INTAKE_HAIKOU = upTo(openingZh('本人', '日照', '海口'), 'situation.intake');
const TO_INTAKE = upTo(openingZh(), 'situation.intake');
/** Answers to the situation questions a description may leave open. */
const ANSWERS: Record<string, string> = { 'situation.insuranceActive': '是', 'situation.now': '计划去外地看病或居住' };
const SITUATION = /^situation\.(insuranceActive|now|admissionDate|longTerm|retired|hukouMoved|dispatchedByEmployer|scheme|hasReferral)$/;


describe('one-sentence intake', () => {
  it('the issue\'s description: its facts shown back together, confirmed, and only the open questions asked (a resettled retiree)', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow(TO_INTAKE_HAIKOU);
    const confirm = await chat.say(DESCRIPTION);
    const shown = Chat.replyWith(confirm, 'confirming')!;
    expect(Chat.promptOf(confirm)).to.equal('situation.intake');
    // The new facts, one line each (the places were given before: no news).
    expect(shown.text).to.include('是否退休：已退休').and.to.include('户口已迁：已迁户口').and.to.include('长期居住或工作：是，长期居住或工作');
    expect(shown.text).not.to.include('参保地');
    expect(shown.suggestedActions!.actions.map((a) => a.title).slice(0, 2)).to.deep.equal(['对，就是这样', '一步一步回答']);

    const { asked, outcome } = await answerUntilOutcome((t) => chat.say(t), await chat.say('对，就是这样'), ANSWERS);
    expect(Chat.channelData(outcome, 'category')).to.equal('LT_RETIREE');
    expect(Chat.channelData<string[]>(outcome, 'reasons')).to.include('RETIRED_HUKOU_MOVED');
    // Long-term, retired and hukou were told: not asked. At most three situation questions after the description.
    expect(asked.filter((q) => /^situation\.(longTerm|retired|hukouMoved)$/.test(q))).to.deep.equal([]);
    expect(asked.filter((q) => SITUATION.test(q)).length).to.be.at.most(3);
  });

  it('in English: "My mother is retired, she will live with me in Haikou for good"', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(upTo(openingEn('For someone else', 'Rizhao', 'Haikou'), 'situation.intake'));
    const confirm = await chat.say('My mother is retired, she will live with me in Haikou for good');
    expect(Chat.promptOf(confirm)).to.equal('situation.intake');
    expect(Chat.textOf(confirm)).to.include('Retired').and.to.include('Yes, long-term');
    const { asked, outcome } = await answerUntilOutcome((t) => chat.say(t), await chat.say('yes'), {
      'situation.insuranceActive': 'yes',
      'situation.now': 'Planning ahead',
      'situation.hukouMoved': 'no',
    });
    expect(asked.filter((q) => /^situation\.(longTerm|retired)$/.test(q))).to.deep.equal([]);
    expect(Chat.channelData(outcome, 'category')).to.equal('LT_RESIDENT');
  });

  it('a fact that changes an earlier answer is shown and, once confirmed, changes it (the place checked as the place question checks it)', async () => {
    const chat = new Chat();
    await chat.follow(TO_INTAKE);
    const confirm = await chat.say(DESCRIPTION);
    expect(Chat.textOf(confirm)).to.include('就医地：海南省海口市');
    await answerUntilOutcome((t) => chat.say(t), await chat.say('对'), ANSWERS);
    await chat.follow([
      ['我已了解，继续', 'details.scheme'],
      ['职工医保', 'details.personName'],
      ['张三', 'details.idNumber'],
      ['11010519491231002X', 'details.phone'],
      ['13812345678', 'details.startDate'],
    ]);
    // The address is asked for the new place of treatment.
    const address = await chat.say('明天');
    expect(Chat.promptOf(address)).to.equal('details.address');
    expect(Chat.textOf(address)).to.include('海南省海口市').and.not.to.include('上海市');
  });

  it('"不对": the reading is not used, and the description is asked again; "一步一步回答" then asks one by one', async () => {
    const chat = new Chat();
    await chat.follow(TO_INTAKE_HAIKOU);
    await chat.follow([[DESCRIPTION, 'situation.intake']]);
    const no = await chat.say('不对');
    expect(Chat.channelData(no, 'error')).to.equal('NOT_CONFIRMED');
    expect(Chat.promptOf(no)).to.equal('situation.intake');
    await chat.follow([
      ['一步一步回答', 'situation.insuranceActive'],
      ['是', 'situation.now'],
      ['计划去外地看病或居住', 'situation.longTerm'],
      ['是', 'situation.retired'],
    ]);
  });

  it('words that state nothing a filing needs: said so, with an example, and asked again', async () => {
    const chat = new Chat();
    await chat.follow(TO_INTAKE);
    const replies = await chat.say('今天天气不错');
    expect(Chat.channelData(replies, 'error')).to.equal('INTAKE_NOTHING_FOUND');
    expect(Chat.textOf(replies)).to.include(chat.texts.t('zh-CN', 'prompts.situation.intake.example'));
    expect(Chat.promptOf(replies)).to.equal('situation.intake');
  });

  it('a common question in the words of a description is still the description (no FAQ answer instead)', async () => {
    const chat = new Chat();
    await chat.follow(upTo(openingZh('为他人代办', '日照', '上海'), 'situation.intake'));
    const replies = await chat.say('我妈退休了，户口没迁，以后跟我在上海长住');
    expect(Chat.channelData(replies, 'faq')).to.equal(undefined);
    expect(Chat.promptOf(replies)).to.equal('situation.intake');
    const { outcome } = await answerUntilOutcome((t) => chat.say(t), await chat.say('对'), ANSWERS);
    expect(Chat.channelData(outcome, 'category')).to.equal('LT_RESIDENT');
  });

  it('back from the next question opens the description again; "一步一步回答" then takes back the facts it gave', async () => {
    const chat = new Chat();
    await chat.follow(TO_INTAKE_HAIKOU);
    await chat.follow([
      [DESCRIPTION, 'situation.intake'],
      ['对', 'situation.insuranceActive'],
    ]);
    const back = await chat.say('返回上一步');
    expect(Chat.promptOf(back)).to.equal('situation.intake');
    expect(Chat.textOf(back)).to.include('已退休');
    await chat.follow([
      ['一步一步回答', 'situation.insuranceActive'],
      ['是', 'situation.now'],
      // Long-term is asked again: the description that answered it was taken back.
      ['计划去外地看病或居住', 'situation.longTerm'],
    ]);
  });
});

describe('facts go through the same checks and the same decision procedure', () => {
  it('a fact the procedure never reaches decides nothing: a hukou move of someone not retired is not in the basis', async () => {
    const said = '没退休，户口迁过去了，单位没派，常住';
    const understanding = new ScriptedUnderstanding().intakeOf(said, { retired: false, hukouMoved: true, dispatchedByEmployer: false, longTerm: true, insuranceActive: true, now: 'PLANNING' });
    const chat = new Chat({ understanding });
    await chat.follow(TO_INTAKE);
    await chat.follow([[said, 'situation.intake']]);
    const outcome = await chat.say('对');
    expect(Chat.channelData(outcome, 'category')).to.equal('LT_RESIDENT');
    expect(Chat.channelData<string[]>(outcome, 'reasons')).to.include('NOT_DISPATCHED').and.not.to.include('RETIRED_HUKOU_MOVED');
    await chat.follow([
      ['我已了解，继续', 'details.scheme'],
      ['职工医保', 'details.personName'],
      ['张三', 'details.idNumber'],
      ['11010519491231002X', 'details.phone'],
      ['13812345678', 'details.startDate'],
      ['2026-12-01', 'details.address'],
      ['浦东新区世纪大道100号3号楼201室', 'details.institutions'],
      ['复旦大学附属中山医院', 'details.commitment'],
    ]);
    const summary = await chat.say('提供证明材料');
    expect(Chat.channelData<string[]>(summary, 'summary')).not.to.include('situation.hukouMoved');
    const done = await chat.say('确认提交');
    const stored = await chat.filings.get(Chat.channelData<{ reference: string }>(done, 'filing')!.reference);
    const basis = (stored!.filing as { basis: { answers: Record<string, unknown> } }).basis.answers;
    expect(basis).to.deep.equal({ insuranceActive: true, now: 'PLANNING', longTerm: true, retired: false, dispatchedByEmployer: false });
  });

  it('places must be pooling areas, as the place questions require: a province or a county code from a description is not taken', async () => {
    const said = '山东的，去义乌';
    const understanding = new ScriptedUnderstanding().intakeOf(said, { insuredPlace: '370000', treatmentPlace: '330782', retired: true });
    const chat = new Chat({ understanding });
    await chat.follow(TO_INTAKE);
    const confirm = await chat.say(said);
    expect(Chat.textOf(confirm)).to.include('已退休').and.not.to.include('参保地').and.not.to.include('就医地');
  });

  it('an admission date in the future is not taken from a description', async () => {
    const said = '后天住院';
    const understanding = new ScriptedUnderstanding().intakeOf(said, { now: 'IN_HOSPITAL', admissionDate: '2026-11-26' });
    const chat = new Chat({ understanding });
    await chat.follow(TO_INTAKE);
    await chat.follow([
      [said, 'situation.intake'],
      ['对', 'situation.insuranceActive'],
      ['是', 'situation.admissionDate'],
    ]);
  });
});

describe('one-sentence intake told in several messages', () => {
  it('“准备去上海看病”, “要住大半年”, “哦不对…就去一两个月”: the plan is kept, the stay is the last said, nothing asked again', async () => {
    const chat = new Chat();
    await chat.follow(TO_INTAKE);
    await chat.say('准备去上海看病');
    await chat.say('要住大半年');
    const last = await chat.say('哦不对…就去一两个月');
    const shown = Chat.replyWith(last, 'confirming')!;
    expect(shown.text).to.include(chat.texts.t('zh-CN', 'labels.situation.now'));
    expect(shown.text).to.include(chat.texts.t('zh-CN', 'labels.situation.longTerm'));
    const { asked } = await answerUntilOutcome((t) => chat.say(t), await chat.say('对，就是这样'), { ...ANSWERS, 'situation.hasReferral': '否' });
    expect(asked).not.to.include('situation.now');
    expect(asked).not.to.include('situation.longTerm');
  });
});
