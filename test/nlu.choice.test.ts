import { expect } from 'chai';
import { createUnderstanding, type NluLocale, type Reading } from '../src/nlu/index.js';

const u = createUnderstanding();

const YES_NO = ['yes', 'no'];
const NOW = ['PLANNING', 'EMERGENCY_NOW', 'IN_HOSPITAL', 'DISCHARGED_PAID'];
const VALUES: Record<string, string[]> = {
  'consent.personalInfo': ['agree', 'decline'],
  'situation.now': NOW,
  'situation.filerMode': ['SELF', 'AGENT'],
  'details.commitment': ['DOCUMENTS', 'COMMITMENT'],
  'outcome.understood': ['accept', 'compare'],
  'review.confirm': ['submit', 'edit', 'restart'],
  'situation.scheme': ['EMPLOYEE', 'RESIDENT', 'RETIRED_CADRE'],
};
const valuesOf = (q: string): string[] => VALUES[q] ?? YES_NO;
const read = (q: string, text: string, locale: NluLocale = 'zh-CN'): Reading<string> => u.choice(q, valuesOf(q), text, locale, { longTermMinDays: 180 });
const taken = (r: Reading<string>): string | undefined => (r.status === 'confident' ? r.value : undefined);

describe('understanding: answers to choice questions in people\'s own words', () => {
  describe('the sentences of issue 10 are understood', () => {
    const cases: Array<[string, string, string]> = [
      ['situation.now', '还没去，在计划', 'PLANNING'],
      ['situation.retired', '我已经退休了', 'yes'],
      ['situation.retired', '退休好几年了', 'yes'],
      ['situation.hukouMoved', '户口还在日照，没迁过来', 'no'],
      ['situation.longTerm', '不是，就去几天看个专家', 'no'],
      ['details.commitment', '我签承诺书吧', 'COMMITMENT'],
      ['outcome.understood', '明白了，接着办吧', 'accept'],
      ['situation.dispatchedByEmployer', '是单位派的，不是我自己要去的', 'yes'],
      ['situation.hukouMoved', '没迁', 'no'],
      ['situation.dispatchedByEmployer', '不是单位派的', 'no'],
      ['situation.hasReferral', '没开转诊', 'no'],
    ];
    for (const [q, text, value] of cases) {
      it(`${q}: “${text}” → ${value}`, () => expect(taken(read(q, text))).to.equal(value));
    }
  });

  describe('negation is never consent: a refusal that contains the word for agreeing is not agreement', () => {
    const refusals: Array<[string, NluLocale]> = [
      ['不太同意，我不想在网上填身份证号', 'zh-CN'],
      ['不同意', 'zh-CN'],
      ['我不是很同意', 'zh-CN'],
      ['同意是不可能同意的', 'zh-CN'],
      ["I don't agree", 'en-US'],
      ['not okay with that, i will not give my ID online', 'en-US'],
    ];
    for (const [text, locale] of refusals) {
      it(`“${text}” is not taken as agree`, () => expect(taken(read('consent.personalInfo', text, locale))).to.not.equal('agree'));
    }
    it('a plain agreement still is agreement', () => expect(taken(read('consent.personalInfo', '行，你问吧'))).to.equal('agree'));
  });

  describe('a hospital alone is not an emergency: “在医院” may as well be a stay on a ward, so which one is asked', () => {
    for (const [text, locale] of [['在医院', 'zh-CN'], ['人在医院', 'zh-CN'], ['我在医院', 'zh-CN'], ['他在医院呢', 'zh-CN'], ['at the hospital', 'en-US'], ["we're at the hospital now", 'en-US']] as const) {
      it(`situation.now: “${text}” (${locale}) → asked: an emergency, or in hospital?`, () => {
        const r = read('situation.now', text, locale);
        expect(r.status === 'close' && r.candidates.map((c) => c.value)).to.deep.equal(['EMERGENCY_NOW', 'IN_HOSPITAL']);
      });
    }
    it('menu: “在医院” → asked: the emergency advice, or a filing?', () => {
      const r = u.choice('menu.main', ['FILE', 'EMERGENCY', 'FAQ', 'HUMAN'], '在医院', 'zh-CN');
      expect(r.status === 'close' && r.candidates.map((c) => c.value)).to.deep.equal(['EMERGENCY', 'FILE']);
    });
    for (const [text, locale] of [['在医院急诊', 'zh-CN'], ['正在医院抢救', 'zh-CN'], ['出车祸了，人在医院', 'zh-CN'], ['突发心梗，在医院', 'zh-CN'], ['at the hospital, it is urgent', 'en-US']] as const) {
      it(`with a word of urgency it is one: “${text}” (${locale}) → EMERGENCY_NOW`, () => expect(taken(read('situation.now', text, locale))).to.equal('EMERGENCY_NOW'));
    }
  });

  describe('a hospital with a sudden event is not read as a stay on a ward: an emergency, or in hospital? is asked, the emergency first', () => {
    for (const [text, locale] of [['他突然晕倒了，现在在医院', 'zh-CN'], ['突然晕倒了，现在在医院', 'zh-CN'], ['他晕倒了，在医院住着', 'zh-CN'], ['he suddenly collapsed, now he is in hospital', 'en-US']] as const) {
      it(`situation.now: “${text}” (${locale}) → asked: an emergency, or in hospital?`, () => {
        const r = read('situation.now', text, locale);
        expect(r.status === 'close' && r.candidates.map((c) => c.value)).to.deep.equal(['EMERGENCY_NOW', 'IN_HOSPITAL']);
      });
    }
    for (const [text, locale] of [['人在医院住了一礼拜了', 'zh-CN'], ['住进医院好几天了', 'zh-CN'], ['已经住院了', 'zh-CN'], ['already in the hospital ward', 'en-US']] as const) {
      it(`nothing sudden, a stay is still one: “${text}” (${locale}) → IN_HOSPITAL`, () => expect(taken(read('situation.now', text, locale))).to.equal('IN_HOSPITAL'));
    }
    it('the intent and the intake read the same sentence as an emergency', () => {
      expect(u.intent('他突然晕倒了，现在在医院', 'zh-CN')?.intent).to.equal('emergency');
      expect(u.intake('他突然晕倒了，现在在医院', 'zh-CN', '2026-12-06', { longTermMinDays: 180 }).now).to.equal('EMERGENCY_NOW');
    });
  });

  describe('the exact layer: numbers, button labels in either language and synonyms are instant and certain', () => {
    const cases: Array<[string, string, NluLocale, string]> = [
      ['situation.now', '2', 'zh-CN', 'EMERGENCY_NOW'],
      ['situation.now', '已住院，还没出院', 'zh-CN', 'IN_HOSPITAL'],
      ['situation.now', 'In hospital, not discharged', 'zh-CN', 'IN_HOSPITAL'],
      ['situation.retired', '未退休', 'en-US', 'no'],
      ['situation.retired', 'Retired', 'en-US', 'yes'],
      ['consent.personalInfo', 'I agree', 'en-US', 'agree'],
    ];
    for (const [q, text, locale, value] of cases) {
      it(`${q}: “${text}” (${locale}) → ${value} with score 1`, () => expect(read(q, text, locale)).to.deep.equal({ status: 'confident', value, score: 1 }));
    }
    it('a number beyond the choices is not a choice', () => expect(read('situation.now', '7').status).to.equal('none'));
  });

  describe('a label is never found inside a longer sentence', () => {
    it('“我不知道是不是单位派的” at "dispatched?" is not yes', () => expect(taken(read('situation.dispatchedByEmployer', '我不知道是不是单位派的'))).to.not.equal('yes'));
    it('“不太同意” at consent is not agree', () => expect(taken(read('consent.personalInfo', '不太同意'))).to.not.equal('agree'));
  });

  describe('what answers no question is not taken as an answer', () => {
    for (const text of ['我在广州', '今天天气怎么样', '你们几点下班']) {
      it(`“${text}” at "retired?" is not an answer`, () => expect(read('situation.retired', text).status).to.not.equal('confident'));
    }
  });

  describe('English', () => {
    const cases: Array<[string, string, string]> = [
      ['situation.retired', "he's been retired for years", 'yes'],
      ['situation.hukouMoved', 'no, his hukou is still back home', 'no'],
      ['situation.dispatchedByEmployer', 'my company posted me there', 'yes'],
      ['situation.hasReferral', 'no referral, we are just going ourselves', 'no'],
      ['situation.now', "we haven't left yet, just planning", 'PLANNING'],
    ];
    for (const [q, text, value] of cases) {
      it(`${q}: “${text}” → ${value}`, () => expect(taken(read(q, text, 'en-US'))).to.equal(value));
    }
  });
});

describe('understanding: at a question of the decision procedure (situation.<fact>), words that state another question’s fact and not its own are no answer', () => {
  const NOW = ['PLANNING', 'EMERGENCY_NOW', 'IN_HOSPITAL', 'DISCHARGED_PAID'];
  const YES_NO = ['yes', 'no'];
  for (const [q, values, text, locale] of [
    ['situation.now', NOW, '还没退休呢', 'zh-CN'],
    ['situation.now', NOW, '户口没迁', 'zh-CN'],
    ['situation.now', NOW, 'not retired yet', 'en-US'],
    ['situation.hasReferral', YES_NO, '没退休', 'zh-CN'],
    ['situation.insuranceActive', YES_NO, '户口迁过去了', 'zh-CN'],
  ] as const) {
    it(`${q}: “${text}” → none (asked again; the fact kept for its own question)`, () => expect(u.choice(q, values, text, locale)).to.deep.equal({ status: 'none' }));
  }
  it('at its own question the same words are its answer: situation.retired “还没退休呢” → no', () =>
    expect(u.choice('situation.retired', YES_NO, '还没退休呢', 'zh-CN')).to.include({ status: 'confident', value: 'no' }));
  it('a fact said as the context of the answer is no other question’s: situation.dispatchedByEmployer “我还在上班，公司派我去的” → yes', () =>
    expect(u.choice('situation.dispatchedByEmployer', YES_NO, '我还在上班，公司派我去的', 'zh-CN')).to.include({ status: 'confident', value: 'yes' }));
});
