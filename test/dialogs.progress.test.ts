import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { FILING_STEPS } from '../dialogs/filing-steps.js';
import { Chat } from './support/chat.js';
import { AGENT_IN_HOSPITAL, LT_RESIDENT_TO_SUMMARY, TMP_OTHER_EN_TO_START_DATE, TMP_OTHER_TO_SUMMARY, upTo, type Step } from './support/paths.js';

/**
 * "第 n 步，共 N 步" on each question of a filing: the step (who and where, the situation, the category,
 * the personal details, the treatment, the check) as the question's first line and as
 * channelData.progress = { step, of, stage }. N is the number of steps, the same for every filing, however
 * many questions its path asks.
 */

interface Asked {
  id: string;
  text: string;
  progress?: { step: number; of: number; stage: string };
}

/** The questions asked (the replies that ask), in order. */
const asked = (transcript: Partial<Activity>[]): Asked[] =>
  transcript
    .filter((r) => r.inputHint === 'expectingInput')
    .map((r) => {
      const data = r.channelData as { promptId: string; progress?: Asked['progress'] };
      return { id: data.promptId, text: r.text ?? '', ...(data.progress ? { progress: data.progress } : {}) };
    });

const stepOf = (questions: Asked[], id: string) => questions.find((q) => q.id === id)?.progress?.step;

describe('progress: "第 n 步，共 N 步" on each question of a filing', () => {
  const paths: Array<{ name: string; steps: Step[]; agent?: boolean }> = [
    { name: 'a self-referred short stay (the fewest questions)', steps: TMP_OTHER_TO_SUMMARY },
    { name: 'a retiree living elsewhere (more situation questions, an address, a commitment)', steps: LT_RESIDENT_TO_SUMMARY },
    { name: 'someone filing for a parent in hospital (four details more)', steps: AGENT_IN_HOSPITAL, agent: true },
  ];
  for (const path of paths) {
    it(`${path.name}: every question of the filing says its step, the steps only go forward, and N is ${FILING_STEPS.length}`, async () => {
      const chat = new Chat();
      await chat.follow(path.steps);
      const questions = asked(chat.transcript).filter((q) => q.id !== 'menu.main');
      expect(questions.filter((q) => !q.progress).map((q) => q.id), 'questions without a step').to.deep.equal([]);
      expect(new Set(questions.map((q) => q.progress!.of))).to.deep.equal(new Set([FILING_STEPS.length]));
      const steps = questions.map((q) => q.progress!.step);
      expect(steps, 'never backwards on a straight filing').to.deep.equal([...steps].sort((a, b) => a - b));
      expect([...new Set(steps)]).to.deep.equal([1, 2, 3, 4, 5, 6]);
      for (const q of questions) {
        const stage = chat.texts.t('zh-CN', `${path.agent && q.progress!.stage === 'situation' ? 'agent.' : ''}labels.steps.${q.progress!.stage}`);
        expect(q.text.split('\n')[0], q.id).to.equal(`第 ${q.progress!.step} 步，共 6 步：${stage}`);
      }
      expect(stepOf(questions, 'situation.filerMode')).to.equal(1);
      expect(stepOf(questions, 'situation.treatmentPlace')).to.equal(1);
      expect(stepOf(questions, 'consent.personalInfo')).to.equal(2);
      expect(stepOf(questions, 'outcome.understood')).to.equal(3);
      expect(stepOf(questions, 'details.scheme')).to.equal(4);
      expect(stepOf(questions, 'details.personName')).to.equal(4);
      expect(stepOf(questions, 'details.startDate')).to.equal(5);
      expect(stepOf(questions, 'review.confirm')).to.equal(6);
    });
  }

  it('for someone else the second step is "参保人的情况"', async () => {
    const chat = new Chat();
    await chat.follow(upTo(AGENT_IN_HOSPITAL, 'consent.personalInfo'));
    expect(asked(chat.transcript).at(-1)!.text.split('\n')[0]).to.equal('第 2 步，共 6 步：参保人的情况');
  });

  it('in English: "Step 5 of 6: Treatment" (channel without buttons: the choices follow as numbered lines)', async () => {
    const chat = new Chat({ locale: 'en-US' });
    await chat.follow(TMP_OTHER_EN_TO_START_DATE);
    const last = asked(chat.transcript).at(-1)!;
    expect(last.text.split('\n')[0]).to.equal('Step 5 of 6: Treatment');
    expect(last.progress).to.deep.equal({ step: 5, of: 6, stage: 'treatment' });
  });

  it('not on what is asked outside a filing (the menu, the common questions, "start over?"), nor on a follow-up about an answer', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow([['你好', 'menu.main'], ['常见问题', 'faq.topic'], ['返回主菜单', 'menu.main'], ['1', 'situation.filerMode'], ['为本人办理', 'situation.insuredPlace'], ['重新开始', 'confirm.startOver']]);
    const outside = asked(chat.transcript).filter((q) => ['menu.main', 'faq.topic', 'confirm.startOver'].includes(q.id));
    expect(outside.length).to.be.at.least(4);
    expect(outside.filter((q) => q.progress).map((q) => q.id)).to.deep.equal([]);
    // A close reading offered as buttons ("您是指…还是…？") is about the answer, not a new question: no step line.
    const close = new Chat({ channelId: 'webchat' });
    await close.follow(upTo(TMP_OTHER_TO_SUMMARY, 'situation.longTerm'));
    const offered = (await close.say('半年左右')).find((r) => (r.channelData as { offered?: boolean }).offered)!;
    expect(offered.text).to.not.match(/^第 \d 步/);
    expect((offered.channelData as { progress?: unknown }).progress).to.equal(undefined);
  });

  it('a question asked again (back, an edit from the summary) says its own step', async () => {
    const chat = new Chat({ channelId: 'webchat' });
    await chat.follow([...TMP_OTHER_TO_SUMMARY, ['修改信息', 'review.editField'], ['参保人手机', 'details.phone']]);
    const [editField, phone] = asked(chat.transcript).slice(-2);
    expect(editField!.progress?.step).to.equal(6);
    expect(phone!.progress).to.deep.equal({ step: 4, of: 6, stage: 'person' });
  });
});
