import { expect } from 'chai';
import { classify, nextQuestion, scopeOf, type SituationQuestion } from '../src/domain/classify.js';
import { loadProfiles, type RegionProfile } from '../src/domain/profile.js';
import type { Outcome, Situation } from '../src/domain/situation.js';

const profiles = loadProfiles();
const rizhao = profiles.get('rizhao')!;
const national = profiles.get('national')!;

const RIZHAO = '371100';
const QINGDAO = '370200'; // same province (Shandong), another pooling area
const SHANGHAI = '310000'; // another province

/** A Rizhao-insured person going to Shanghai, insurance active, planning ahead; `over` adds the answers. */
function situation(over: Partial<Situation> = {}): Situation {
  return { filerMode: 'SELF', insuredPlace: RIZHAO, treatmentPlace: SHANGHAI, insuranceActive: true, now: 'PLANNING', ...over };
}

/** A copy of a profile with one policy value changed, to show that policy is data. */
function variant(profile: RegionProfile, change: (p: RegionProfile) => void): RegionProfile {
  const copy = structuredClone(profile);
  change(copy);
  return copy;
}

type Expect = Pick<Outcome, 'kind' | 'reasons'> & { retroactive?: boolean };

describe('classification: which filing fits the situation (domain.md §3)', () => {
  describe('scope of the treatment place', () => {
    const cases: Array<[string, string, string, ReturnType<typeof scopeOf>]> = [
      ['Rizhao in Rizhao', RIZHAO, RIZHAO, 'SAME_AREA'],
      ['Rizhao insured, treated in Qingdao (same province)', RIZHAO, QINGDAO, 'INTRA_PROVINCE'],
      ['Rizhao insured, treated in Shanghai', RIZHAO, SHANGHAI, 'CROSS_PROVINCE'],
      ['Beijing insured, treated in Tianjin (two municipalities)', '110000', '120000', 'CROSS_PROVINCE'],
    ];
    for (const [name, insured, treatment, scope] of cases) {
      it(`${name} → ${scope}`, () => expect(scopeOf(insured, treatment)).to.equal(scope));
    }
    it('refuses a place that is not a 6-digit code', () => {
      expect(() => scopeOf('3711', SHANGHAI)).to.throw(RangeError, /6-digit/);
    });
  });

  // Every category and every edge case of §3.1, under both profiles. Where the profiles agree, one
  // expectation serves both; where they differ (retired without a moved hukou), each is spelled out.
  const table: Array<{ name: string; situation: Situation; rizhao: Expect; national: Expect }> = [];
  const both = (name: string, s: Situation, e: Expect) => table.push({ name, situation: s, rizhao: e, national: e });

  both('insurance not active (arrears, abnormal status) → cannot file', situation({ insuranceActive: false }), {
    kind: 'CANNOT_FILE',
    reasons: ['CROSS_PROVINCE', 'INSURANCE_NOT_ACTIVE'],
  });
  both('treated in the same pooling area → no filing needed', situation({ treatmentPlace: RIZHAO }), {
    kind: 'NO_FILING_NEEDED',
    reasons: ['SAME_POOLING_AREA'],
  });
  both('emergency while travelling → deemed filed, treat first', situation({ now: 'EMERGENCY_NOW' }), {
    kind: 'TMP_EMERGENCY',
    reasons: ['CROSS_PROVINCE', 'EMERGENCY_DEEMED_FILED'],
  });
  both('discharged and paid in full → manual reimbursement, nothing to submit', situation({ now: 'DISCHARGED_PAID' }), {
    kind: 'MANUAL_REIMBURSEMENT',
    reasons: ['CROSS_PROVINCE', 'DISCHARGED_MANUAL_REIMBURSEMENT'],
  });
  both('short stay with a referral → referred patient', situation({ longTerm: false, hasReferral: true }), {
    kind: 'TMP_REFERRAL',
    reasons: ['CROSS_PROVINCE', 'SHORT_STAY', 'HAS_REFERRAL'],
  });
  both('short stay without a referral → other temporary (self-referral)', situation({ longTerm: false, hasReferral: false }), {
    kind: 'TMP_OTHER',
    reasons: ['CROSS_PROVINCE', 'SHORT_STAY', 'NO_REFERRAL'],
  });
  both(
    'already in hospital, short stay → retroactive other temporary, before discharge',
    situation({ now: 'IN_HOSPITAL', admissionDate: '2026-05-02', longTerm: false, hasReferral: false }),
    { kind: 'TMP_OTHER', retroactive: true, reasons: ['CROSS_PROVINCE', 'IN_HOSPITAL_RETROACTIVE', 'SHORT_STAY', 'NO_REFERRAL'] },
  );
  both(
    'already in hospital, living there long-term, not dispatched → retroactive long-term resident',
    situation({ now: 'IN_HOSPITAL', admissionDate: '2026-05-02', longTerm: true, retired: false, dispatchedByEmployer: false }),
    { kind: 'LT_RESIDENT', retroactive: true, reasons: ['CROSS_PROVINCE', 'IN_HOSPITAL_RETROACTIVE', 'LONG_STAY', 'NOT_DISPATCHED'] },
  );
  both('retired, hukou moved to the resettlement place → resettled retiree', situation({ longTerm: true, retired: true, hukouMoved: true }), {
    kind: 'LT_RETIREE',
    reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'RETIRED_HUKOU_MOVED'],
  });
  table.push({
    name: 'retired, living with children, hukou not moved',
    situation: situation({ longTerm: true, retired: true, hukouMoved: false }),
    rizhao: { kind: 'LT_RESIDENT', reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'RETIRED_HUKOU_NOT_MOVED'] },
    national: { kind: 'LT_RETIREE', reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'RETIRED_COMMITMENT_ACCEPTED'] },
  });
  both(
    'employee sent by the insured employer to work there → stationed worker',
    situation({ longTerm: true, retired: false, dispatchedByEmployer: true, scheme: 'EMPLOYEE' }),
    { kind: 'LT_WORKER', reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'DISPATCHED_BY_EMPLOYER'] },
  );
  both(
    'dispatched but insured in the resident scheme → long-term resident, a worker needs the employee scheme',
    situation({ longTerm: true, retired: false, dispatchedByEmployer: true, scheme: 'RESIDENT' }),
    { kind: 'LT_RESIDENT', reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'DISPATCHED_BY_EMPLOYER', 'WORKER_NEEDS_EMPLOYEE_SCHEME'] },
  );
  both(
    'flexible worker or self-employed there (no dispatching employer) → long-term resident',
    situation({ longTerm: true, retired: false, dispatchedByEmployer: false, scheme: 'EMPLOYEE' }),
    { kind: 'LT_RESIDENT', reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'NOT_DISPATCHED'] },
  );
  both('student studying there for the long term → long-term resident', situation({ longTerm: true, retired: false, student: true, scheme: 'RESIDENT' }), {
    kind: 'LT_RESIDENT',
    reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'STUDENT_LONG_TERM'],
  });
  both(
    'within the province, other city (Qingdao), short stay → filing still required, intra-province',
    situation({ treatmentPlace: QINGDAO, longTerm: false, hasReferral: true }),
    { kind: 'TMP_REFERRAL', reasons: ['INTRA_PROVINCE', 'SHORT_STAY', 'HAS_REFERRAL'] },
  );
  both('within the province, retired, hukou moved → resettled retiree', situation({ treatmentPlace: QINGDAO, longTerm: true, retired: true, hukouMoved: true }), {
    kind: 'LT_RETIREE',
    reasons: ['INTRA_PROVINCE', 'LONG_STAY', 'RETIRED_HUKOU_MOVED'],
  });

  for (const row of table) {
    for (const [profile, expected] of [
      [rizhao, row.rizhao],
      [national, row.national],
    ] as const) {
      it(`${profile.id}: ${row.name} → ${expected.kind}`, () => {
        const outcome = classify(row.situation, profile);
        expect(outcome.kind).to.equal(expected.kind);
        expect(outcome.reasons).to.deep.equal(expected.reasons);
        expect(outcome.retroactive).to.equal(expected.retroactive ?? false);
        expect(outcome.scope).to.equal(scopeOf(row.situation.insuredPlace, row.situation.treatmentPlace));
        expect(outcome.category).to.equal(['NO_FILING_NEEDED', 'MANUAL_REIMBURSEMENT', 'CANNOT_FILE'].includes(expected.kind) ? undefined : expected.kind);
      });
    }
  }

  describe('policy switches in the profile change the outcome without a code change', () => {
    it('a province that needs no intra-province filing → no filing needed, and says why', () => {
      const noIntra = variant(rizhao, (p) => (p.scopes.intraProvinceFilingRequired.value = false));
      const outcome = classify(situation({ treatmentPlace: QINGDAO }), noIntra);
      expect(outcome).to.deep.include({ kind: 'NO_FILING_NEEDED', reasons: ['INTRA_PROVINCE', 'INTRA_PROVINCE_FILING_NOT_REQUIRED'] });
      // the same person going to Shanghai still files
      expect(classify(situation({ longTerm: false, hasReferral: false }), noIntra).kind).to.equal('TMP_OTHER');
    });

    it('a profile without cross-province filing → no filing needed for another province', () => {
      const noCross = variant(national, (p) => (p.scopes.crossProvinceFilingRequired.value = false));
      expect(classify(situation(), noCross)).to.deep.include({ kind: 'NO_FILING_NEEDED', reasons: ['CROSS_PROVINCE', 'CROSS_PROVINCE_FILING_NOT_REQUIRED'] });
    });

    const notOffered: Array<{ name: string; off: Array<keyof RegionProfile['categories']>; situation: Situation; kind: Outcome['kind']; last: string }> = [
      { name: 'resettled retiree not offered → long-term resident', off: ['LT_RETIREE'], situation: situation({ longTerm: true, retired: true, hukouMoved: true }), kind: 'LT_RESIDENT', last: 'CATEGORY_NOT_OFFERED' },
      { name: 'stationed worker not offered → long-term resident', off: ['LT_WORKER'], situation: situation({ longTerm: true, retired: false, dispatchedByEmployer: true, scheme: 'EMPLOYEE' }), kind: 'LT_RESIDENT', last: 'CATEGORY_NOT_OFFERED' },
      { name: 'no long-term categories at all → other temporary', off: ['LT_RETIREE', 'LT_RESIDENT'], situation: situation({ longTerm: true, retired: true, hukouMoved: true }), kind: 'TMP_OTHER', last: 'CATEGORY_NOT_OFFERED' },
      { name: 'referral not offered → other temporary', off: ['TMP_REFERRAL'], situation: situation({ longTerm: false, hasReferral: true }), kind: 'TMP_OTHER', last: 'CATEGORY_NOT_OFFERED' },
      { name: 'no emergency category → other temporary, still no questions', off: ['TMP_EMERGENCY'], situation: situation({ now: 'EMERGENCY_NOW' }), kind: 'TMP_OTHER', last: 'CATEGORY_NOT_OFFERED' },
      { name: 'other temporary not offered and no referral → cannot file', off: ['TMP_OTHER'], situation: situation({ longTerm: false, hasReferral: false }), kind: 'CANNOT_FILE', last: 'CATEGORY_NOT_OFFERED' },
    ];
    for (const c of notOffered) {
      it(c.name, () => {
        const profile = variant(rizhao, (p) => c.off.forEach((id) => (p.categories[id].offered = false)));
        const outcome = classify(c.situation, profile);
        expect(outcome.kind).to.equal(c.kind);
        expect(outcome.reasons.at(-1)).to.equal(c.last);
        expect(outcome.reasons[0]).to.equal('CROSS_PROVINCE');
      });
    }
  });

  it('classify refuses an incomplete situation and names the missing answer', () => {
    expect(() => classify(situation({ longTerm: true }), rizhao)).to.throw(Error, /"retired"/);
    expect(() => classify(situation({ longTerm: true, retired: true }), rizhao)).to.throw(Error, /"hukouMoved"/);
    expect(() => classify(situation({ now: 'IN_HOSPITAL', longTerm: false, hasReferral: false }), rizhao)).to.throw(Error, /"admissionDate"/);
  });
});

describe('nextQuestion: asks only what the path needs, in order', () => {
  /** Answers the questions one by one from `full`, recording which were asked. */
  function walk(full: Situation, profile: RegionProfile): SituationQuestion[] {
    const answers: Partial<Situation> = { filerMode: full.filerMode, insuredPlace: full.insuredPlace, treatmentPlace: full.treatmentPlace };
    const asked: SituationQuestion[] = [];
    for (let q = nextQuestion(answers, profile); q !== undefined; q = nextQuestion(answers, profile)) {
      expect(asked, `asked "${q}" twice`).not.to.include(q);
      asked.push(q);
      (answers as Record<string, unknown>)[q] = full[q];
    }
    expect(classify(answers as Situation, profile)).to.deep.equal(classify(full, profile));
    return asked;
  }

  const paths: Array<{ name: string; profile: RegionProfile; full: Situation; asked: SituationQuestion[] }> = [
    { name: 'insurance not active: stops at once', profile: rizhao, full: situation({ insuranceActive: false }), asked: ['insuranceActive'] },
    { name: 'same pooling area: nothing to ask at all', profile: rizhao, full: situation({ treatmentPlace: RIZHAO }), asked: [] },
    { name: 'emergency: no questions after "now"', profile: rizhao, full: situation({ now: 'EMERGENCY_NOW' }), asked: ['insuranceActive', 'now'] },
    { name: 'discharged and paid: no questions after "now"', profile: national, full: situation({ now: 'DISCHARGED_PAID' }), asked: ['insuranceActive', 'now'] },
    {
      name: 'short stay: no retirement question, straight to the referral',
      profile: rizhao,
      full: situation({ longTerm: false, hasReferral: true, retired: true }),
      asked: ['insuranceActive', 'now', 'longTerm', 'hasReferral'],
    },
    {
      name: 'in hospital: the admission date comes right after "now"',
      profile: national,
      full: situation({ now: 'IN_HOSPITAL', admissionDate: '2026-05-02', longTerm: false, hasReferral: false }),
      asked: ['insuranceActive', 'now', 'admissionDate', 'longTerm', 'hasReferral'],
    },
    {
      name: 'rizhao, retired: asks whether the hukou moved',
      profile: rizhao,
      full: situation({ longTerm: true, retired: true, hukouMoved: false }),
      asked: ['insuranceActive', 'now', 'longTerm', 'retired', 'hukouMoved'],
    },
    {
      name: 'national, retired: the hukou does not matter, so it is not asked',
      profile: national,
      full: situation({ longTerm: true, retired: true, hukouMoved: false }),
      asked: ['insuranceActive', 'now', 'longTerm', 'retired'],
    },
    {
      name: 'not retired, dispatched, scheme unknown: asks the scheme last',
      profile: rizhao,
      full: situation({ longTerm: true, retired: false, dispatchedByEmployer: true, scheme: 'EMPLOYEE' }),
      asked: ['insuranceActive', 'now', 'longTerm', 'retired', 'dispatchedByEmployer', 'scheme'],
    },
    {
      name: 'not retired, not dispatched: no hukou and no scheme question',
      profile: rizhao,
      full: situation({ longTerm: true, retired: false, dispatchedByEmployer: false, scheme: 'RESIDENT' }),
      asked: ['insuranceActive', 'now', 'longTerm', 'retired', 'dispatchedByEmployer'],
    },
  ];
  for (const p of paths) {
    it(`${p.profile.id}: ${p.name}`, () => expect(walk(p.full, p.profile)).to.deep.equal(p.asked));
  }

  it('skips what is already known (scheme answered with the insured place)', () => {
    const answers: Partial<Situation> = situation({ longTerm: true, retired: false, dispatchedByEmployer: true, scheme: 'EMPLOYEE' });
    expect(nextQuestion(answers, rizhao)).to.equal(undefined);
  });

  it('a student living there long-term is not asked about an employer', () => {
    expect(nextQuestion(situation({ longTerm: true, retired: false, student: true }), rizhao)).to.equal(undefined);
  });

  it('needs the places before the situation questions', () => {
    expect(nextQuestion({}, rizhao)).to.equal('insuranceActive');
    expect(() => nextQuestion({ insuranceActive: true, insuredPlace: RIZHAO }, rizhao)).to.throw(Error, /treatmentPlace/);
  });
});
