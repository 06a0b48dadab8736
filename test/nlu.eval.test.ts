import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DEFAULT_EXAMPLES_DIR, allTrainingSentences, loadExamples } from '../src/nlu/examples.js';
import { createUnderstanding } from '../src/nlu/index.js';
import { compact } from '../src/nlu/text.js';
import { placeReader } from '../scripts/place-reader.js';
import { BASELINE, NOT_AN_ANSWER, QUESTION_VALUES, evaluate, figures, loadDevSet, type Baseline, type Evaluation } from '../scripts/nlu-evaluation.js';

const dev = loadDevSet();
const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline;

describe('understanding: the dev set (npm run eval:nlu) holds to the recorded baseline', () => {
  let evaluation: Evaluation;
  before(async function () {
    this.timeout(60_000);
    const u = createUnderstanding();
    evaluation = await evaluate(
      {
        choice: (q, values, text, locale, hints) => u.choice(q, values, text, locale, hints),
        intent: (text, locale) => u.intent(text, locale),
        intake: (text, locale, today, hints) => u.intake(text, locale, today, hints),
        place: placeReader(u),
      },
      { timingRounds: 0 },
    );
  });

  describe('the dev set itself', () => {
    it('has at least 300 utterances, in Chinese and in English', () => {
      const all = [...dev.choices, ...dev.intents, ...dev.intake];
      expect(all.length).to.be.at.least(300);
      expect(all.filter((i) => i.locale === 'en-US').length).to.be.at.least(60);
    });

    it('shares no sentence with the training examples', () => {
      const overlap: string[] = [];
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const training = new Set(allTrainingSentences(loadExamples(DEFAULT_EXAMPLES_DIR, locale)).map(compact));
        for (const item of [...dev.choices, ...dev.intents, ...dev.intake, ...(dev.faq ?? [])].filter((i) => i.locale === locale)) {
          if (training.has(compact(item.text))) overlap.push(item.text);
        }
      }
      expect(overlap).to.deep.equal([]);
    });

    it('holds every sentence quoted in issue 10', () => {
      const texts = new Set([...dev.choices, ...dev.intents, ...dev.intake].map((i) => i.text));
      const quoted = [
        '还没去，在计划', '我已经退休了', '退休好几年了', '户口还在日照，没迁过来', '我在西安上大学', '不是，就去几天看个专家', '我签承诺书吧',
        '明白了，接着办吧', '我在广州出差，急性阑尾炎，现在在急诊', '不太同意，我不想在网上填身份证号', '是单位派的，不是我自己要去的', '没迁',
        '不是单位派的', '没开转诊', '两年', '八个月', '半年', '一个礼拜', '三五天', 'for a couple of years', 'about 8 months', '半年左右',
        '我想找个真人问问', '正在急诊', '查询备案', '取消备案', '变更备案', 'has my filing been approved?',
        '我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口',
      ];
      expect(quoted.filter((q) => !texts.has(q))).to.deep.equal([]);
    });

    it('asks every FAQ topic in about 8 words of its own, in both languages', () => {
      const topics = QUESTION_VALUES['faq.topic']!.filter((t) => t !== 'MENU');
      const few: string[] = [];
      for (const locale of ['zh-CN', 'en-US'] as const) {
        for (const topic of topics) if ((dev.faq ?? []).filter((i) => i.locale === locale && i.expect === topic).length < 8) few.push(`${locale} ${topic}`);
      }
      expect(few).to.deep.equal([]);
      expect((dev.faq ?? []).filter((i) => !topics.includes(i.expect))).to.deep.equal([]);
    });

    it('asks about every choice question of the app, with examples for each of its values in both languages', () => {
      const missing: string[] = [];
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const examples = loadExamples(DEFAULT_EXAMPLES_DIR, locale);
        for (const [q, values] of Object.entries(QUESTION_VALUES)) {
          for (const v of values) if ((examples.questions.get(q)?.examples[v]?.length ?? 0) < 2) missing.push(`${locale} ${q} ${v}`);
        }
      }
      expect(missing).to.deep.equal([]);
      expect(new Set(dev.choices.map((c) => c.q)).size).to.be.at.least(Object.keys(QUESTION_VALUES).length - 1);
    });
  });

  describe('per question: understood not below, wrong advances not above the baseline', () => {
    for (const [q, recorded] of Object.entries(baseline.perQuestion)) {
      it(`${q}: understood ≥ ${recorded.understood}, wrong advance ≤ ${recorded.wrongAdvance}`, () => {
        const now = figures(evaluation).perQuestion[q];
        expect(now, `no dev-set items for ${q}`).to.not.equal(undefined);
        expect(now!.understood).to.be.at.least(recorded.understood);
        expect(now!.wrongAdvance).to.be.at.most(recorded.wrongAdvance);
      });
    }
  });

  describe('questions put back', () => {
    it('a question put back at a yes/no question (要不要转诊证明？, "is a referral required?") is neither taken nor offered as a choice', () => {
      const items = dev.choices.filter((c) => c.expect === NOT_AN_ANSWER);
      expect(items.length).to.be.at.least(20);
      expect(new Set(items.map((c) => c.locale)).size).to.equal(2);
      expect(evaluation.failures.filter((f) => f.includes(`expected ${NOT_AN_ANSWER},`))).to.deep.equal([]);
    });
  });

  describe('overall, intents and intake', () => {
    it(`all choices: understood ≥ ${baseline.choices.understood} (target 0.95), wrong advance ≤ ${baseline.choices.wrongAdvance} (target 0.01)`, () => {
      const f = figures(evaluation);
      expect(f.choices.understood).to.be.at.least(Math.max(baseline.choices.understood, 0.95));
      expect(f.choices.wrongAdvance).to.be.at.most(Math.min(baseline.choices.wrongAdvance, 0.01));
    });
    it(`intents: understood ≥ ${baseline.intents.understood}, wrong advance ≤ ${baseline.intents.wrongAdvance}`, () => {
      const f = figures(evaluation);
      expect(f.intents.understood).to.be.at.least(baseline.intents.understood);
      expect(f.intents.wrongAdvance).to.be.at.most(baseline.intents.wrongAdvance);
    });
    for (const where of ['firstMessage', 'midFiling'] as const) {
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const recorded = baseline.faq?.[where][locale];
        if (!recorded) continue;
        it(`FAQ ${where} ${locale}: understood ≥ ${recorded.understood}, wrong answer ≤ ${recorded.wrongAnswer}`, () => {
          const now = figures(evaluation).faq![where][locale];
          expect(now.understood).to.be.at.least(recorded.understood);
          expect(now.wrongAnswer).to.be.at.most(recorded.wrongAnswer);
        });
      }
    }
    if (baseline.faq) {
      it(`answers at the filing's questions read as a common question: at most ${baseline.faq.onAnswers}`, () => {
        expect(evaluation.faq.onAnswers).to.be.at.most(baseline.faq!.onAnswers);
      });
    }
    it('one-sentence intake: the right category, with at most 3 further situation questions', () => {
      const f = figures(evaluation);
      expect(f.intake.rightCategory).to.be.at.least(baseline.intake.rightCategory);
      expect(f.intake.withinThreeFurther).to.be.at.least(baseline.intake.withinThreeFurther);
      expect(evaluation.intake.results.filter((r) => r.wrongFacts.length > 0)).to.deep.equal([]);
    });
  });
});
