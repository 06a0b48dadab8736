import { expect } from 'chai';
import { addDays } from '../src/domain/calendar.js';
import {
  buildFilingSchema,
  expectedEndDate,
  filingSchemaFor,
  validateFiling,
  FILABLE_CATEGORIES,
  type FilableCategory,
  type Filing,
  type FilingIssue,
} from '../src/domain/filing.js';
import { canCancel, canTransition, checkNewEndDate, endDateBounds, FILING_STATUSES, statusOn, transition, type FilingStatus } from '../src/domain/lifecycle.js';
import { loadProfiles, parseProfile, type RegionProfile } from '../src/domain/profile.js';

const profiles = loadProfiles();
const rizhao = profiles.get('rizhao')!;
const national = profiles.get('national')!;
const today = '2026-05-01';

// Valid resident ID numbers (check characters computed by ISO 7064 MOD 11-2); none belongs to a real person.
const PERSON_ID = '371102195501010019';
const AGENT_ID = '310115198808081237';

type Draft = Record<string, unknown>;

/** A good draft for one category under one profile, filed by the person, starting today; `over` changes it. */
function draft(category: FilableCategory, profile: RegionProfile, over: Draft = {}): Draft {
  const d: Draft = {
    filerMode: 'SELF',
    person: { name: '张秀英', idNumber: PERSON_ID, phone: '13800138000' },
    insuredPlace: '371100',
    treatmentPlace: '310000',
    scheme: 'EMPLOYEE',
    category,
    scope: 'CROSS_PROVINCE',
    retroactive: false,
    startDate: today,
    endDate: expectedEndDate(category, profile, today),
    consent: { personalInfo: true, at: '2026-05-01T09:30:00+08:00' },
    profileId: profile.id,
    profileVersion: profile.version,
  };
  if (category.startsWith('LT_')) d.address = '上海市浦东新区世纪大道100号';
  if (category === 'LT_WORKER') d.employer = { name: '日照港集团有限公司' };
  if (category === 'TMP_REFERRAL') d.referringHospital = '日照市人民医院';
  if (profile.designatedInstitutions.required.value) d.institutions = ['复旦大学附属中山医院'];
  d.basis = basisOf(category, over.retroactive === true);
  const result = { ...d, ...over };
  if (result.commitment === true && !('commitmentSignature' in over)) result.commitmentSignature = { at: '2026-05-01T09:31:00+08:00', textVersion: '2026.1' };
  return result;
}

/** The decision-procedure answers and reasons that lead to `category` (domain.md §3). */
function basisOf(category: FilableCategory, retroactive: boolean): Draft {
  const now = retroactive ? 'IN_HOSPITAL' : 'PLANNING';
  const more: Record<FilableCategory, [Draft, string[]]> = {
    LT_RETIREE: [{ longTerm: true, retired: true, hukouMoved: true }, ['LONG_STAY', 'RETIRED_HUKOU_MOVED']],
    LT_RESIDENT: [{ longTerm: true, retired: false, dispatchedByEmployer: false }, ['LONG_STAY', 'NOT_DISPATCHED']],
    LT_WORKER: [{ longTerm: true, retired: false, dispatchedByEmployer: true }, ['LONG_STAY', 'DISPATCHED_BY_EMPLOYER']],
    TMP_REFERRAL: [{ longTerm: false, hasReferral: true }, ['SHORT_STAY', 'HAS_REFERRAL']],
    TMP_OTHER: [{ longTerm: false, hasReferral: false }, ['SHORT_STAY', 'NO_REFERRAL']],
  };
  const [answers, reasons] = more[category];
  return { answers: { insuranceActive: true, now, ...answers }, reasons: ['CROSS_PROVINCE', ...(retroactive ? ['IN_HOSPITAL_RETROACTIVE'] : []), ...reasons] };
}

const without = (d: Draft, key: string): Draft => {
  const copy = { ...d };
  delete copy[key];
  return copy;
};

const asAgent: Draft = { filerMode: 'AGENT', agent: { name: '李明', idNumber: AGENT_ID, phone: '13912345678', relationship: 'CHILD' } };

function issuesOf(d: Draft, profile: RegionProfile, on: string = today): FilingIssue[] {
  const result = validateFiling(d, profile, on);
  expect(result.ok, 'the draft should have been refused').to.equal(false);
  return result.ok ? [] : result.issues;
}

function accepted(d: Draft, profile: RegionProfile, on: string = today): Filing {
  const result = validateFiling(d, profile, on);
  if (!result.ok) expect.fail(`refused: ${JSON.stringify(result.issues)}`);
  return result.value;
}

describe('the filing record (domain.md §6)', () => {
  describe('a good filing is accepted for every category the profile offers', () => {
    for (const profile of [rizhao, national]) {
      for (const category of FILABLE_CATEGORIES) {
        it(`${profile.id}: ${category}`, () => {
          const filing = accepted(draft(category, profile), profile);
          expect(filing.category).to.equal(category);
          expect(filing.endDate).to.equal(category.startsWith('LT_') ? null : expectedEndDate(category, profile, today));
        });
        it(`${profile.id}: ${category}, filed by a child as agent`, () => {
          expect(accepted(draft(category, profile, asAgent), profile).agent?.relationship).to.equal('CHILD');
        });
      }
    }

    it('the temporary end date follows the profile: a year under rizhao, six months nationally', () => {
      expect(expectedEndDate('TMP_OTHER', rizhao, today)).to.equal('2027-04-30');
      expect(expectedEndDate('TMP_OTHER', national, today)).to.equal('2026-10-31');
      expect(expectedEndDate('LT_RESIDENT', rizhao, today)).to.equal(null);
    });

    it('normalises what the person typed: lower-case x, spaces and +86 in the phone, spaces in the address', () => {
      const filing = accepted(
        draft('TMP_OTHER', national, { person: { name: ' 阿沛·阿旺晋美 ', idNumber: '11010519491231002x', phone: '+86 138 0013 8000' } }),
        national,
      );
      expect(filing.person).to.deep.equal({ name: '阿沛·阿旺晋美', idNumber: '11010519491231002X', phone: '13800138000' });
    });

    it('already in hospital: a retroactive filing starting on the admission date', () => {
      const admission = addDays(today, -3);
      const filing = accepted(draft('TMP_OTHER', rizhao, { retroactive: true, admissionDate: admission, startDate: admission, endDate: expectedEndDate('TMP_OTHER', rizhao, admission) }), rizhao);
      expect(filing.startDate).to.equal(admission);
    });

    it('national: a resettled retiree may sign a personal commitment instead of hukou papers', () => {
      expect(accepted(draft('LT_RETIREE', national, { commitment: true }), national).commitment).to.equal(true);
    });

    it('within the province (Qingdao) is a filing too', () => {
      expect(accepted(draft('TMP_OTHER', rizhao, { treatmentPlace: '370200', scope: 'INTRA_PROVINCE' }), rizhao).scope).to.equal('INTRA_PROVINCE');
    });
  });

  describe('a draft with a problem is refused, naming the field and the reason', () => {
    const admission = addDays(today, -3);
    const cases: Array<{ name: string; profile: RegionProfile; draft: Draft; field: string; code: string; params?: Record<string, string | number> }> = [
      { name: 'stationed worker without the employer', profile: rizhao, draft: without(draft('LT_WORKER', rizhao), 'employer'), field: 'employer', code: 'FIELD_REQUIRED' },
      { name: 'stationed worker with an empty employer name', profile: rizhao, draft: draft('LT_WORKER', rizhao, { employer: { name: ' ' } }), field: 'employer.name', code: 'TOO_SHORT', params: { min: 2 } },
      { name: 'stationed worker in the resident scheme', profile: national, draft: draft('LT_WORKER', national, { scheme: 'RESIDENT' }), field: 'scheme', code: 'WORKER_NEEDS_EMPLOYEE_SCHEME' },
      { name: 'referred patient without the referring hospital', profile: rizhao, draft: without(draft('TMP_REFERRAL', rizhao), 'referringHospital'), field: 'referringHospital', code: 'FIELD_REQUIRED' },
      { name: 'long-term resident without an address', profile: national, draft: without(draft('LT_RESIDENT', national), 'address'), field: 'address', code: 'FIELD_REQUIRED' },
      { name: 'resettled retiree with a 4-character address', profile: rizhao, draft: draft('LT_RETIREE', rizhao, { address: '上海浦东' }), field: 'address', code: 'TOO_SHORT', params: { min: 5 } },
      { name: 'an address of 201 characters', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { address: '路'.repeat(201) }), field: 'address', code: 'TOO_LONG', params: { max: 200 } },
      { name: 'an address on a temporary filing', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { address: '上海市浦东新区世纪大道100号' }), field: '', code: 'FIELD_NOT_EXPECTED', params: { keys: 'address' } },
      { name: 'filed by an agent without the agent', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { filerMode: 'AGENT' }), field: 'agent', code: 'AGENT_REQUIRED' },
      { name: 'agent without a relationship', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { ...asAgent, agent: { name: '李明', idNumber: AGENT_ID, phone: '13912345678' } }), field: 'agent.relationship', code: 'FIELD_REQUIRED' },
      { name: 'agent with a relationship not in the list', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { ...asAgent, agent: { ...(asAgent.agent as Draft), relationship: 'FRIEND' } }), field: 'agent.relationship', code: 'FIELD_INVALID' },
      { name: 'agent with a landline number', profile: national, draft: draft('TMP_OTHER', national, { ...asAgent, agent: { ...(asAgent.agent as Draft), phone: '0633-7670700' } }), field: 'agent.phone', code: 'MOBILE_FORMAT' },
      { name: 'agent with a wrong ID check digit', profile: national, draft: draft('TMP_OTHER', national, { ...asAgent, agent: { ...(asAgent.agent as Draft), idNumber: '310115198808081238' } }), field: 'agent.idNumber', code: 'ID_CHECK_DIGIT' },
      { name: 'agent who is the person', profile: national, draft: draft('TMP_OTHER', national, { ...asAgent, agent: { ...(asAgent.agent as Draft), idNumber: PERSON_ID } }), field: 'agent.idNumber', code: 'AGENT_IS_PERSON' },
      { name: 'filed by the person, yet an agent given', profile: national, draft: draft('TMP_OTHER', national, { agent: asAgent.agent }), field: 'agent', code: 'AGENT_NOT_EXPECTED' },
      { name: 'ID number with a wrong check digit', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { person: { name: '张秀英', idNumber: '371102195501010018', phone: '13800138000' } }), field: 'person.idNumber', code: 'ID_CHECK_DIGIT' },
      { name: 'old 15-digit ID number', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { person: { name: '张秀英', idNumber: '371102550101001', phone: '13800138000' } }), field: 'person.idNumber', code: 'ID_FIFTEEN_DIGITS' },
      { name: 'name with a digit', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { person: { name: '张3', idNumber: PERSON_ID, phone: '13800138000' } }), field: 'person.name', code: 'NAME_CHARACTERS' },
      { name: 'rizhao: no designated institution chosen', profile: rizhao, draft: without(draft('TMP_OTHER', rizhao), 'institutions'), field: 'institutions', code: 'INSTITUTIONS_COUNT', params: { min: 1, max: 3, count: 0 } },
      { name: 'rizhao: four designated institutions', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { institutions: ['甲医院', '乙医院', '丙医院', '丁医院'] }), field: 'institutions', code: 'INSTITUTIONS_COUNT', params: { min: 1, max: 3, count: 4 } },
      { name: 'rizhao: the same institution twice', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { institutions: ['甲医院', '甲医院'] }), field: 'institutions', code: 'INSTITUTIONS_DUPLICATE' },
      { name: 'national: institutions given though none are chosen', profile: national, draft: draft('TMP_OTHER', national, { institutions: ['甲医院'] }), field: 'institutions', code: 'INSTITUTIONS_NOT_USED' },
      { name: 'temporary filing with a hand-made end date', profile: rizhao, draft: draft('TMP_REFERRAL', rizhao, { endDate: '2027-05-01' }), field: 'endDate', code: 'END_DATE_MUST_BE', params: { endDate: '2027-04-30' } },
      { name: 'temporary filing without an end date', profile: national, draft: draft('TMP_OTHER', national, { endDate: null }), field: 'endDate', code: 'FIELD_INVALID' },
      { name: 'long-term filing with an end date', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { endDate: '2027-04-30' }), field: 'endDate', code: 'FIELD_INVALID' },
      { name: 'planned filing starting yesterday', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { startDate: addDays(today, -1) }), field: 'startDate', code: 'START_TOO_EARLY', params: { earliest: today } },
      { name: 'planned filing starting more than a year ahead', profile: national, draft: draft('LT_RESIDENT', national, { startDate: addDays(today, 366) }), field: 'startDate', code: 'START_TOO_LATE', params: { latest: addDays(today, 365) } },
      { name: 'retroactive filing without the admission date', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { retroactive: true }), field: 'admissionDate', code: 'ADMISSION_DATE_REQUIRED' },
      {
        name: 'retroactive filing starting after admission',
        profile: rizhao,
        draft: draft('TMP_OTHER', rizhao, { retroactive: true, admissionDate: admission, startDate: today }),
        field: 'startDate',
        code: 'START_AFTER_ADMISSION',
        params: { admissionDate: admission },
      },
      {
        name: 'admission date in the future',
        profile: national,
        draft: draft('TMP_OTHER', national, { retroactive: true, admissionDate: addDays(today, 1) }),
        field: 'admissionDate',
        code: 'ADMISSION_IN_FUTURE',
        params: { today },
      },
      { name: 'admission date on a planned filing', profile: national, draft: draft('TMP_OTHER', national, { admissionDate: admission }), field: 'admissionDate', code: 'ADMISSION_DATE_NOT_EXPECTED' },
      { name: 'scope that does not match the places', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { scope: 'INTRA_PROVINCE' }), field: 'scope', code: 'SCOPE_MISMATCH', params: { expected: 'CROSS_PROVINCE' } },
      { name: 'treatment in the insured pooling area', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { treatmentPlace: '371100' }), field: 'treatmentPlace', code: 'SAME_POOLING_AREA' },
      { name: 'treatment place that is not a 6-digit code', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { treatmentPlace: '上海' }), field: 'treatmentPlace', code: 'FIELD_INVALID' },
      { name: 'emergency: deemed filed, no record', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { category: 'TMP_EMERGENCY' }), field: 'category', code: 'CATEGORY_NOT_FILABLE' },
      { name: 'manual reimbursement is not a filing', profile: national, draft: draft('TMP_OTHER', national, { category: 'MANUAL_REIMBURSEMENT' }), field: 'category', code: 'CATEGORY_NOT_FILABLE' },
      { name: 'no consent to personal information processing', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { consent: { personalInfo: false, at: '2026-05-01T09:30:00+08:00' } }), field: 'consent.personalInfo', code: 'CONSENT_REQUIRED' },
      { name: 'rizhao: commitment instead of hukou papers for a resettled retiree', profile: rizhao, draft: draft('LT_RETIREE', rizhao, { commitment: true }), field: 'commitment', code: 'COMMITMENT_NOT_ALLOWED' },
      { name: 'commitment for a self-referral', profile: national, draft: draft('TMP_OTHER', national, { commitment: true }), field: 'commitment', code: 'COMMITMENT_NOT_ALLOWED' },
      { name: 'a commitment without its signature (time and text version)', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { commitment: true, commitmentSignature: undefined }), field: 'commitmentSignature', code: 'FIELD_REQUIRED' },
      { name: 'a commitment signature without a commitment', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { commitment: false, commitmentSignature: { at: '2026-05-01T09:31:00+08:00', textVersion: '2026.1' } }), field: 'commitmentSignature', code: 'FIELD_NOT_EXPECTED', params: { keys: 'commitmentSignature' } },
      { name: 'no classification basis', profile: rizhao, draft: without(draft('TMP_OTHER', rizhao), 'basis'), field: 'basis', code: 'FIELD_REQUIRED' },
      { name: 'a stationed employee whose basis says not dispatched', profile: rizhao, draft: draft('LT_WORKER', rizhao, { basis: { answers: { insuranceActive: true, now: 'PLANNING', longTerm: true, retired: false, dispatchedByEmployer: false }, reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'NOT_DISPATCHED'] } }), field: 'basis.answers.dispatchedByEmployer', code: 'FIELD_INVALID' },
      { name: 'rizhao: a resettled retiree whose hukou did not move', profile: rizhao, draft: draft('LT_RETIREE', rizhao, { basis: { answers: { insuranceActive: true, now: 'PLANNING', longTerm: true, retired: true, hukouMoved: false }, reasons: ['CROSS_PROVINCE', 'LONG_STAY', 'RETIRED_HUKOU_MOVED'] } }), field: 'basis.answers.hukouMoved', code: 'FIELD_INVALID' },
      { name: 'a long-term category on a short-stay basis', profile: rizhao, draft: draft('LT_RESIDENT', rizhao, { basis: { answers: { insuranceActive: true, now: 'PLANNING', longTerm: false, hasReferral: false }, reasons: ['CROSS_PROVINCE', 'SHORT_STAY', 'NO_REFERRAL'] } }), field: 'basis.answers.longTerm', code: 'FIELD_INVALID' },
      { name: 'a basis with insurance not active', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { basis: { answers: { insuranceActive: false, now: 'PLANNING', longTerm: false, hasReferral: false }, reasons: ['CROSS_PROVINCE'] } }), field: 'basis.answers.insuranceActive', code: 'FIELD_INVALID' },
      { name: 'a retroactive filing whose basis is not in hospital', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { retroactive: true, admissionDate: addDays(today, -2), startDate: addDays(today, -2), endDate: expectedEndDate('TMP_OTHER', rizhao, addDays(today, -2)), basis: { answers: { insuranceActive: true, now: 'PLANNING', longTerm: false, hasReferral: false }, reasons: ['CROSS_PROVINCE'] } }), field: 'basis.answers.now', code: 'FIELD_INVALID' },
      { name: 'made under another profile version', profile: rizhao, draft: draft('TMP_OTHER', rizhao, { profileVersion: '2020.1' }), field: 'profileVersion', code: 'PROFILE_MISMATCH', params: { profileId: 'rizhao', profileVersion: rizhao.version } },
    ];
    for (const c of cases) {
      it(`${c.profile.id}: ${c.name} → ${c.field || '(record)'} ${c.code}`, () => {
        const issues = issuesOf(c.draft, c.profile);
        expect(issues).to.deep.include(c.params ? { field: c.field, code: c.code, params: c.params } : { field: c.field, code: c.code });
      });
    }

    it('the first problem reads like a Check: error code, params with the field', () => {
      const result = validateFiling(without(draft('LT_WORKER', rizhao), 'employer'), rizhao, today);
      expect(result).to.deep.include({ ok: false, error: 'FIELD_REQUIRED', params: { field: 'employer' } });
    });
  });

  describe('schemas for what has no filing record', () => {
    for (const kind of ['TMP_EMERGENCY', 'NO_FILING_NEEDED', 'MANUAL_REIMBURSEMENT', 'CANNOT_FILE']) {
      it(`${kind} has no filing schema`, () => {
        expect(() => filingSchemaFor(kind, rizhao, today)).to.throw(Error, new RegExp(`${kind}.*no filing record`));
      });
    }

    it('a category the profile does not offer has no schema and does not parse', () => {
      const noReferral = structuredClone(rizhao);
      noReferral.categories.TMP_REFERRAL.offered = false;
      expect(() => filingSchemaFor('TMP_REFERRAL', noReferral, today)).to.throw(Error, /does not offer TMP_REFERRAL/);
      expect(buildFilingSchema(noReferral, today).safeParse(draft('TMP_REFERRAL', noReferral)).success).to.equal(false);
      expect(buildFilingSchema(noReferral, today).safeParse(draft('TMP_OTHER', noReferral)).success).to.equal(true);
    });

    it('the schema of one category accepts its own good draft', () => {
      expect(filingSchemaFor('LT_WORKER', national, today).safeParse(draft('LT_WORKER', national)).success).to.equal(true);
    });
  });
});

describe('the filing lifecycle (domain.md §4.3)', () => {
  const allowed: Array<[FilingStatus, FilingStatus]> = [
    ['SUBMITTED', 'EFFECTIVE'],
    ['SUBMITTED', 'REJECTED'],
    ['EFFECTIVE', 'CHANGED'],
    ['EFFECTIVE', 'CANCELLED'],
    ['EFFECTIVE', 'EXPIRED'],
  ];
  for (const from of FILING_STATUSES) {
    for (const to of FILING_STATUSES) {
      const ok = allowed.some(([a, b]) => a === from && b === to);
      if (ok || from === 'SUBMITTED' || to === 'EFFECTIVE') {
        it(`${from} → ${to} is ${ok ? 'allowed' : 'refused'}`, () => {
          expect(canTransition(from, to)).to.equal(ok);
          expect(transition(from, to)).to.deep.equal(ok ? { ok: true, value: to } : { ok: false, error: 'ILLEGAL_TRANSITION', params: { from, to } });
        });
      }
    }
  }

  it('an effective temporary filing is expired the day after its end date', () => {
    const filing = { endDate: '2027-04-30' };
    expect(statusOn('EFFECTIVE', filing, '2027-04-30')).to.equal('EFFECTIVE');
    expect(statusOn('EFFECTIVE', filing, '2027-05-01')).to.equal('EXPIRED');
    expect(statusOn('EFFECTIVE', { endDate: null }, '2099-01-01')).to.equal('EFFECTIVE');
  });

  describe('cancelling', () => {
    const longTerm = (profile: RegionProfile) => ({ ...accepted(draft('LT_RESIDENT', profile, { startDate: '2026-05-01' }), profile, '2026-05-01'), status: 'EFFECTIVE' as const });
    const table: Array<{ name: string; profile: RegionProfile; on: string; result: ReturnType<typeof canCancel> }> = [
      { name: 'rizhao long-term, day 59 after the start', profile: rizhao, on: addDays('2026-05-01', 59), result: { ok: false, error: 'CANCEL_TOO_EARLY', params: { earliest: '2026-06-30' } } },
      { name: 'rizhao long-term, day 60 after the start', profile: rizhao, on: addDays('2026-05-01', 60), result: { ok: true, value: true } },
      { name: 'rizhao long-term, the start day itself', profile: rizhao, on: '2026-05-01', result: { ok: false, error: 'CANCEL_TOO_EARLY', params: { earliest: '2026-06-30' } } },
      { name: 'national long-term, the day after the start (no wait)', profile: national, on: '2026-05-02', result: { ok: true, value: true } },
    ];
    for (const c of table) {
      it(`${c.name}: ${c.result.ok ? 'allowed' : 'refused'}`, () => {
        expect(canCancel(longTerm(c.profile), c.profile, c.on)).to.deep.equal(c.result);
      });
    }

    it('a temporary filing may be cancelled at once, but not after it expired', () => {
      const filing = accepted(draft('TMP_OTHER', rizhao), rizhao);
      expect(canCancel({ ...filing, status: 'EFFECTIVE' }, rizhao, today)).to.deep.equal({ ok: true, value: true });
      expect(canCancel(filing, rizhao, '2027-05-01')).to.deep.equal({ ok: false, error: 'FILING_EXPIRED', params: { endDate: '2027-04-30' } });
      expect(canCancel({ ...filing, status: 'EFFECTIVE' }, rizhao, '2027-05-01')).to.deep.equal({ ok: false, error: 'NOT_CANCELLABLE', params: { status: 'EXPIRED' } });
    });

    it('only an effective filing can be cancelled', () => {
      for (const status of ['SUBMITTED', 'REJECTED', 'CANCELLED', 'CHANGED'] as const) {
        expect(canCancel({ ...longTerm(national), status }, national, '2026-12-01')).to.deep.equal({ ok: false, error: 'NOT_CANCELLABLE', params: { status } });
      }
    });
  });

  describe('changing the end date', () => {
    // A national temporary filing from 2026-05-01: valid the national 6 months, to 2026-10-31.
    const temporary = { startDate: '2026-05-01', endDate: '2026-10-31' };

    it('national: from start + 6 months (or today, when later) to start + 12 months, as profile data says', () => {
      expect(endDateBounds(temporary, national, today)).to.deep.equal({ ok: true, value: { current: '2026-10-31', earliest: '2026-10-31', latest: '2027-04-30' } });
      // Later in its life the earliest new end is today: never an end in the past.
      expect(endDateBounds(temporary, national, '2026-11-15')).to.deep.include({ ok: true });
      expect(endDateBounds({ ...temporary, endDate: '2027-01-31' }, national, '2026-11-15')).to.deep.equal({ ok: true, value: { current: '2027-01-31', earliest: '2026-11-15', latest: '2027-04-30' } });
    });

    it('the bounds are the profile\'s: without a minimum the start bounds it; a shorter maximum moves the latest day', () => {
      const rule = national.temporary.endDateChange;
      const looser: RegionProfile = { ...national, temporary: { ...national.temporary, endDateChange: { ...rule, minValidityMonths: { ...rule.minValidityMonths, value: null }, maxValidityMonths: { ...rule.maxValidityMonths, value: 9 } } } };
      expect(endDateBounds(temporary, looser, '2026-04-20')).to.deep.equal({ ok: true, value: { current: '2026-10-31', earliest: '2026-05-01', latest: '2027-01-31' } });
    });

    it('refused where there is no end date (long-term), where the profile sets it (Rizhao), and when no day is left', () => {
      expect(endDateBounds({ startDate: '2026-05-01', endDate: null }, national, today)).to.deep.equal({ ok: false, error: 'END_DATE_NONE' });
      expect(endDateBounds({ startDate: '2026-05-01', endDate: '2027-04-30' }, rizhao, today)).to.deep.equal({ ok: false, error: 'END_DATE_FIXED', params: { endDate: '2027-04-30' } });
      expect(endDateBounds(temporary, national, '2027-05-01')).to.deep.equal({ ok: false, error: 'END_DATE_NO_ROOM', params: { endDate: '2026-10-31' } });
    });

    it('a new end date: within the bounds, inclusive; before, after, or the same day it has, refused with the bound', () => {
      const bounds = { current: '2026-10-31', earliest: '2026-10-31', latest: '2027-04-30' };
      expect(checkNewEndDate('2027-04-30', bounds)).to.deep.equal({ ok: true, value: '2027-04-30' });
      expect(checkNewEndDate('2027-01-15', bounds)).to.deep.equal({ ok: true, value: '2027-01-15' });
      expect(checkNewEndDate('2026-10-30', bounds)).to.deep.equal({ ok: false, error: 'END_DATE_TOO_EARLY', params: { earliest: '2026-10-31' } });
      expect(checkNewEndDate('2027-05-01', bounds)).to.deep.equal({ ok: false, error: 'END_DATE_TOO_LATE', params: { latest: '2027-04-30' } });
      expect(checkNewEndDate('2026-10-31', bounds)).to.deep.equal({ ok: false, error: 'END_DATE_UNCHANGED', params: { endDate: '2026-10-31' } });
    });

    it('a profile whose minimum exceeds its maximum does not load', () => {
      const raw = structuredClone(national) as RegionProfile;
      raw.temporary.endDateChange.minValidityMonths.value = 13;
      expect(() => parseProfile(raw, 'national.json')).to.throw(/temporary\.endDateChange\.minValidityMonths/);
    });
  });
});
