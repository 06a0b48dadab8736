import { expect } from 'chai';
import { createUnderstanding } from '../src/nlu/index.js';
import type { NluLocale } from '../src/nlu/understanding.js';

/**
 * A question put back at a yes/no question answers nothing (questions/<id>.json askingIsNoAnswer; the lexicon's
 * `asking` and `requesting`): read as none, marked asked — neither taken nor offered as a choice. A clause that
 * asks to go on with a choice is that choice; the clauses that ask nothing are the answer. The one-sentence
 * intake does not take a fact asked about for one stated.
 */

const u = createUnderstanding();
const YES_NO = ['yes', 'no'];
const TODAY = '2026-11-24';

describe('understanding: a question put back is no answer', () => {
  for (const [q, locale, said] of [
    ['situation.hasReferral', 'zh-CN', '要不要转诊证明'],
    ['situation.hasReferral', 'zh-CN', '转诊证明要不要？'],
    ['situation.hasReferral', 'en-US', 'is a referral required?'],
    ['situation.hasReferral', 'en-US', 'what is a referral'],
    ['situation.retired', 'zh-CN', '要不要退休才行'],
    ['situation.retired', 'en-US', 'should I be retired?'],
    ['situation.hukouMoved', 'zh-CN', '户口迁了有影响吗？'],
    ['situation.dispatchedByEmployer', 'zh-CN', '单位派的有什么不一样'],
    ['situation.longTerm', 'zh-CN', '多久算长期'],
    ['situation.insuranceActive', 'en-US', 'how do I know if it is active?'],
  ] as Array<[string, NluLocale, string]>) {
    it(`${q}: “${said}” reads none, marked asked`, () => {
      expect(u.choice(q, YES_NO, said, locale, { longTermMinDays: 180 })).to.deep.equal({ status: 'none', asked: true });
    });
  }

  it('details.commitment: “承诺书是什么意思” is neither documents nor the commitment', () => {
    expect(u.choice('details.commitment', ['DOCUMENTS', 'COMMITMENT'], '承诺书是什么意思', 'zh-CN')).to.deep.equal({ status: 'none', asked: true });
  });

  for (const [said, locale] of [
    ['能不能先同意', 'zh-CN'],
    ['可以直接同意吗', 'zh-CN'],
    ['can I agree?', 'en-US'],
  ] as Array<[string, NluLocale]>) {
    it(`consent: “${said}” asks to go on: agreement`, () => {
      expect(u.choice('consent.personalInfo', ['agree', 'decline'], said, locale)).to.deep.include({ status: 'confident', value: 'agree' });
    });
  }

  it('“有啊，怎么了”: the clause that asks nothing is the answer (yes)', () => {
    expect(u.choice('situation.hasReferral', YES_NO, '有啊，怎么了', 'zh-CN')).to.deep.include({ status: 'confident', value: 'yes' });
  });

  it('“有吗？” asks, it does not go on: no answer (吗 alone is no request word)', () => {
    expect(u.choice('situation.hasReferral', YES_NO, '有吗？', 'zh-CN')).to.deep.equal({ status: 'none', asked: true });
  });

  it('a question at a question not marked askingIsNoAnswer is read as before (“怎么办备案” at the menu is a filing)', () => {
    expect(u.choice('menu.main', ['FILE', 'EMERGENCY', 'FAQ', 'HUMAN'], '怎么办备案', 'zh-CN')).to.not.deep.equal({ status: 'none', asked: true });
  });
});

describe('understanding: the intake takes no fact asked about', () => {
  for (const [said, locale] of [
    ['要不要转诊', 'zh-CN'],
    ['需不需要转诊证明', 'zh-CN'],
    ['is a referral required?', 'en-US'],
    ['do I need a referral?', 'en-US'],
  ] as Array<[string, NluLocale]>) {
    it(`“${said}”: no referral fact`, () => expect(u.intake(said, locale, TODAY)).to.not.have.property('hasReferral'));
  }

  it('“我退休了，户口要不要迁”: retired stated, the household registration asked (no fact)', () => {
    const facts = u.intake('我退休了，户口要不要迁', 'zh-CN', TODAY);
    expect(facts).to.include({ retired: true });
    expect(facts).to.not.have.property('hukouMoved');
  });

  it('“有转诊证明” still states a referral', () => expect(u.intake('有转诊证明', 'zh-CN', TODAY)).to.include({ hasReferral: true }));
});
