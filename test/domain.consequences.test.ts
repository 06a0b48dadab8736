import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CATEGORY_IDS, type CategoryId } from '../src/domain/categories.js';
import {
  CONSEQUENCE_ITEM_CODES,
  DIFFERENCE_CODES,
  consequencesOf,
  nearestAlternative,
  profileParams,
  validityEndDate,
  type ConsequenceItem,
  type ProfileLocale,
} from '../src/domain/consequences.js';
import { loadProfiles, type RegionProfile } from '../src/domain/profile.js';
import { REASON_CODES, type Outcome } from '../src/domain/situation.js';

const profiles = loadProfiles();
const rizhao = profiles.get('rizhao')!;
const national = profiles.get('national')!;
const LONG_TERM: CategoryId[] = ['LT_RETIREE', 'LT_RESIDENT', 'LT_WORKER'];
const start = '2026-01-01';

const codes = (items: ConsequenceItem[]) => items.map((i) => i.code);
const item = (items: ConsequenceItem[], code: string) => items.find((i) => i.code === code);

describe('consequences: what a filing means for the person (domain.md §4)', () => {
  describe('the card at the insured place', () => {
    const table: Array<[RegionProfile, CategoryId, 'SUSPENDED' | 'USABLE']> = [
      ...LONG_TERM.map((c) => [rizhao, c, 'SUSPENDED'] as [RegionProfile, CategoryId, 'SUSPENDED']),
      ...LONG_TERM.map((c) => [national, c, 'USABLE'] as [RegionProfile, CategoryId, 'USABLE']),
      [rizhao, 'TMP_REFERRAL', 'USABLE'],
      [rizhao, 'TMP_OTHER', 'USABLE'],
      [national, 'TMP_REFERRAL', 'USABLE'],
      [national, 'TMP_OTHER', 'USABLE'],
    ];
    for (const [profile, category, card] of table) {
      it(`${profile.id}: ${category} → home card ${card}`, () => {
        const c = consequencesOf(category, profile, { start });
        expect(c.insuredPlaceCard).to.equal(card);
        expect(codes(c.items)).to.include(card === 'SUSPENDED' ? 'CARD_SUSPENDED_AT_HOME' : 'CARD_USABLE_BOTH_PLACES');
        expect(codes(c.items)).not.to.include(card === 'SUSPENDED' ? 'CARD_USABLE_BOTH_PLACES' : 'CARD_SUSPENDED_AT_HOME');
      });
    }

    it('national long-term filers hear that benefits at home are at least the referral level; rizhao filers do not', () => {
      expect(codes(consequencesOf('LT_RESIDENT', national, { start }).items)).to.include('HOME_BENEFIT_AT_LEAST_REFERRAL_LEVEL');
      expect(codes(consequencesOf('LT_RESIDENT', rizhao, { start }).items)).not.to.include('HOME_BENEFIT_AT_LEAST_REFERRAL_LEVEL');
      expect(codes(consequencesOf('TMP_OTHER', national, { start }).items)).not.to.include('HOME_BENEFIT_AT_LEAST_REFERRAL_LEVEL');
    });
  });

  describe('the earliest date a long-term filing may be cancelled', () => {
    const table: Array<[RegionProfile, CategoryId, string, string | null]> = [
      [rizhao, 'LT_RESIDENT', '2026-01-01', '2026-03-02'], // start + 60 days
      [rizhao, 'LT_RETIREE', '2026-12-15', '2027-02-13'],
      [rizhao, 'LT_WORKER', '2028-01-01', '2028-03-01'], // a leap year
      [rizhao, 'TMP_OTHER', '2026-01-01', null], // the wait is a long-term rule
      [national, 'LT_RESIDENT', '2026-01-01', null], // no wait in the national baseline
    ];
    for (const [profile, category, from, earliest] of table) {
      it(`${profile.id}: ${category} starting ${from} → ${earliest ?? 'no wait'}`, () => {
        const c = consequencesOf(category, profile, { start: from });
        expect(c.earliestCancelDate).to.equal(earliest);
        const cancel = item(c.items, 'CANCEL_AFTER_DAYS');
        if (earliest === null) expect(cancel).to.equal(undefined);
        else expect(cancel?.params).to.deep.equal({ days: profile.longTerm.minDaysBeforeCancel.value, earliest });
      });
    }

    it('the national cap on an agency\'s change/cancel wait stays in the profile and is not told to the person', () => {
      for (const p of [rizhao, national]) {
        expect(p.longTerm.maxMonthsBeforeChangeOrCancel.value).to.equal(6);
        expect(item(consequencesOf('LT_WORKER', p, { start }).items, 'CHANGE_CANCEL_CAP_MONTHS')).to.equal(undefined);
      }
    });

    it('before the start date is given, the cancel date and the end date are told as "if it starts on …"', () => {
      const lt = consequencesOf('LT_WORKER', rizhao, { start, provisional: true });
      expect(item(lt.items, 'CANCEL_AFTER_DAYS')).to.equal(undefined);
      expect(item(lt.items, 'CANCEL_AFTER_DAYS_PROVISIONAL')?.params).to.deep.include({ start });
      const tmp = consequencesOf('TMP_OTHER', rizhao, { start, provisional: true });
      expect(codes(tmp.items)).to.include('VALIDITY_FIXED_PROVISIONAL').and.not.include('VALIDITY_FIXED');
    });

    it('once the institutions are chosen, the person hears they chose them, not "choose 1 to 3"', () => {
      const c = consequencesOf('TMP_OTHER', rizhao, { start }, { chosenInstitutions: 2 });
      expect(item(c.items, 'CHOSEN_INSTITUTIONS')?.params).to.deep.equal({ count: 2 });
      expect(codes(c.items)).not.to.include('CHOOSE_INSTITUTIONS');
    });
  });

  describe('validity and the end date of a temporary filing (the day before the anniversary)', () => {
    const table: Array<[RegionProfile, CategoryId, string, number, string]> = [
      [rizhao, 'TMP_REFERRAL', '2026-03-01', 12, '2027-02-28'],
      [rizhao, 'TMP_OTHER', '2026-01-15', 12, '2027-01-14'],
      [national, 'TMP_OTHER', '2026-03-01', 6, '2026-08-31'],
      [national, 'TMP_REFERRAL', '2026-08-31', 6, '2027-02-28'], // no 31 February: ends at the month's end
      [rizhao, 'TMP_OTHER', '2028-02-29', 12, '2029-02-28'], // leap day start
    ];
    for (const [profile, category, from, months, endDate] of table) {
      it(`${profile.id}: ${category} from ${from} → valid ${months} months, until ${endDate}`, () => {
        const c = consequencesOf(category, profile, { start: from });
        expect(c.validity).to.deep.equal({ kind: 'FIXED', months, endDate });
        expect(item(c.items, 'VALIDITY_FIXED')?.params).to.deep.equal({ months, start: from, endDate });
        expect(codes(c.items)).to.include('MULTIPLE_VISITS');
      });
    }

    it('one month from the 31st ends on the last day of the shorter month', () => {
      expect(validityEndDate('2026-01-31', 1)).to.equal('2026-02-28');
      expect(validityEndDate('2026-03-31', 1)).to.equal('2026-04-30');
      expect(validityEndDate('2026-04-30', 1)).to.equal('2026-05-29');
    });

    for (const p of [rizhao, national]) {
      it(`${p.id}: long-term filings are open-ended and never fixed`, () => {
        for (const c of LONG_TERM) {
          const cons = consequencesOf(c, p, { start });
          expect(cons.validity).to.deep.equal({ kind: 'OPEN_ENDED' });
          expect(codes(cons.items)).to.include('VALIDITY_OPEN_ENDED');
        }
      });
    }
  });

  describe('designated institutions', () => {
    it('rizhao: choose 1 to 3 near the place of treatment', () => {
      const c = consequencesOf('TMP_OTHER', rizhao, { start });
      expect(c.designatedInstitutions).to.deep.equal({ min: 1, max: 3 });
      expect(item(c.items, 'CHOOSE_INSTITUTIONS')?.params).to.deep.equal({ min: 1, max: 3 });
    });
    it('national: none to choose (any networked institution of the city)', () => {
      const c = consequencesOf('TMP_OTHER', national, { start });
      expect(c.designatedInstitutions).to.equal(null);
      expect(codes(c.items)).not.to.include('CHOOSE_INSTITUTIONS');
    });
  });

  describe('emergency: treat first, deemed filed', () => {
    for (const p of [rizhao, national]) {
      it(`${p.id}: says treat first, deemed filed, tell the hospital your insured place — and nothing to choose`, () => {
        const c = consequencesOf('TMP_EMERGENCY', p, { start });
        expect(c.validity).to.deep.equal({ kind: 'DEEMED_FILED' });
        expect(codes(c.items).slice(0, 3)).to.deep.equal(['EMERGENCY_TREAT_FIRST', 'EMERGENCY_DEEMED_FILED', 'EMERGENCY_TELL_HOSPITAL']);
        expect(c.designatedInstitutions).to.equal(null);
        expect(c.earliestCancelDate).to.equal(null);
      });
    }
    it('a profile asking for a post-filing tells the number of days', () => {
      const dongguanLike = structuredClone(national);
      dongguanLike.emergency.postFilingDays.value = 10;
      expect(item(consequencesOf('TMP_EMERGENCY', dongguanLike, { start }).items, 'EMERGENCY_POST_FILING')?.params).to.deep.equal({ days: 10 });
    });
  });

  it('already in hospital: the person hears to finish before the discharge settlement', () => {
    expect(codes(consequencesOf('TMP_OTHER', rizhao, { start }, { retroactive: true }).items)[0]).to.equal('RETROACTIVE_BEFORE_DISCHARGE');
    expect(codes(consequencesOf('TMP_OTHER', rizhao, { start }).items)).not.to.include('RETROACTIVE_BEFORE_DISCHARGE');
  });

  describe('always: the insured place agency decides ratios, deductible and approval', () => {
    for (const p of [rizhao, national]) {
      for (const c of CATEGORY_IDS) {
        it(`${p.id}: ${c} ends with the agency deciding`, () => {
          expect(codes(consequencesOf(c, p, { start }).items).at(-1)).to.equal('AGENCY_DECIDES_BENEFITS');
        });
      }
    }
  });
});

describe('the nearest alternative and what would change (domain.md §3 Q8)', () => {
  const outcome = (category: CategoryId, reasons: Outcome['reasons'] = ['CROSS_PROVINCE']): Outcome => ({ kind: category, category, scope: 'CROSS_PROVINCE', retroactive: false, reasons });
  const table: Array<{ profile: RegionProfile; chosen: CategoryId; alternative: CategoryId; differences: ConsequenceItem[] }> = [
    {
      profile: rizhao,
      chosen: 'LT_RESIDENT',
      alternative: 'TMP_OTHER',
      differences: [
        { code: 'DIFF_CARD_USABLE_BOTH_PLACES' },
        { code: 'DIFF_VALIDITY_FIXED', params: { months: 12, endDate: '2026-12-31' } },
        { code: 'DIFF_CANCEL_WAIT_UNCONFIRMED' },
        { code: 'DIFF_RATIO_MAY_BE_LOWER' },
        { code: 'DIFF_AGENCY_DECIDES' },
      ],
    },
    {
      profile: national,
      chosen: 'LT_RESIDENT',
      alternative: 'TMP_OTHER',
      differences: [{ code: 'DIFF_VALIDITY_FIXED', params: { months: 6, endDate: '2026-06-30' } }, { code: 'DIFF_RATIO_MAY_BE_LOWER' }, { code: 'DIFF_AGENCY_DECIDES' }],
    },
    {
      profile: rizhao,
      chosen: 'LT_WORKER',
      alternative: 'TMP_OTHER',
      differences: [
        { code: 'DIFF_CARD_USABLE_BOTH_PLACES' },
        { code: 'DIFF_VALIDITY_FIXED', params: { months: 12, endDate: '2026-12-31' } },
        { code: 'DIFF_CANCEL_WAIT_UNCONFIRMED' },
        { code: 'DIFF_RATIO_MAY_BE_LOWER' },
        { code: 'DIFF_AGENCY_DECIDES' },
      ],
    },
    {
      profile: rizhao,
      chosen: 'LT_RETIREE',
      alternative: 'LT_RESIDENT',
      differences: [{ code: 'DIFF_PROOF_OF_RESIDENCE' }, { code: 'DIFF_OTHERWISE_SAME' }, { code: 'DIFF_AGENCY_DECIDES' }],
    },
    {
      profile: national,
      chosen: 'TMP_REFERRAL',
      alternative: 'TMP_OTHER',
      differences: [{ code: 'DIFF_RATIO_MAY_BE_LOWER' }, { code: 'DIFF_AGENCY_DECIDES' }],
    },
    {
      profile: rizhao,
      chosen: 'TMP_OTHER',
      alternative: 'TMP_REFERRAL',
      differences: [{ code: 'DIFF_NEEDS_REFERRAL' }, { code: 'DIFF_RATIO_MAY_BE_HIGHER' }, { code: 'DIFF_AGENCY_DECIDES' }],
    },
  ];
  for (const row of table) {
    it(`${row.profile.id}: ${row.chosen} ↔ ${row.alternative}: ${codes(row.differences).join(', ')}`, () => {
      expect(nearestAlternative(outcome(row.chosen), row.profile, { start })).to.deep.equal({ category: row.alternative, differences: row.differences });
    });
  }

  it('the temporary cancel wait is UNCONFIRMED in both profiles: never "no waiting period", but "confirm with the agency"', () => {
    for (const p of [rizhao]) {
      const codesOf = codes(nearestAlternative(outcome('LT_RESIDENT'), p, { start })!.differences);
      expect(codesOf).to.include('DIFF_CANCEL_WAIT_UNCONFIRMED').and.not.to.include('DIFF_NO_CANCEL_WAIT');
    }
  });

  it('a profile that confirms no temporary cancel wait may say so; one that confirms a wait gives its days', () => {
    const none = structuredClone(rizhao);
    none.temporary.minDaysBeforeCancel = { value: null, confirmed: true, source: 'test: confirmed none' };
    expect(codes(nearestAlternative(outcome('LT_RESIDENT'), none, { start })!.differences)).to.include('DIFF_NO_CANCEL_WAIT');
    const thirty = structuredClone(rizhao);
    thirty.temporary.minDaysBeforeCancel = { value: 30, confirmed: true, source: 'test: confirmed 30 days' };
    expect(nearestAlternative(outcome('LT_RESIDENT'), thirty, { start })!.differences).to.deep.include({ code: 'DIFF_CANCEL_AFTER_DAYS', params: { days: 30, earliest: '2026-01-31' } });
  });

  it("a temporary filing's own confirmed wait is told, not the long-term one", () => {
    const thirty = structuredClone(rizhao);
    thirty.temporary.minDaysBeforeCancel = { value: 30, confirmed: true, source: 'test: confirmed 30 days' };
    const items = consequencesOf('TMP_OTHER', thirty, { start }).items;
    expect(items.find((i) => i.code === 'CANCEL_AFTER_DAYS')?.params).to.deep.equal({ days: 30, earliest: '2026-01-31' });
  });

  it('a short stay is never offered a long-term filing as its alternative: it does not qualify', () => {
    for (const p of [rizhao, national]) {
      for (const c of ['TMP_OTHER', 'TMP_REFERRAL'] as const) expect(nearestAlternative(outcome(c), p, { start })!.category).to.match(/^TMP_/);
    }
  });

  it('a long-term filer who mentioned a referral compares with a referral filing', () => {
    expect(nearestAlternative(outcome('LT_RESIDENT', ['CROSS_PROVINCE', 'HAS_REFERRAL']), rizhao, { start })!.category).to.equal('TMP_REFERRAL');
  });

  it('no alternative for an emergency, nor for outcomes that are not a filing', () => {
    expect(nearestAlternative(outcome('TMP_EMERGENCY'), rizhao, { start })).to.equal(null);
    for (const kind of ['NO_FILING_NEEDED', 'MANUAL_REIMBURSEMENT', 'CANNOT_FILE'] as const) {
      expect(nearestAlternative({ kind, scope: 'CROSS_PROVINCE', retroactive: false, reasons: [] }, rizhao, { start })).to.equal(null);
    }
  });

  it('no alternative the profile does not offer', () => {
    const noOther = structuredClone(rizhao);
    noOther.categories.TMP_OTHER.offered = false;
    expect(nearestAlternative(outcome('TMP_REFERRAL'), noOther, { start })).to.equal(null);
  });
});

describe('content for reasons and consequences', () => {
  const LOCALES: ProfileLocale[] = ['zh-CN', 'en-US'];
  const read = (locale: string, file: string) => JSON.parse(readFileSync(new URL(`../content/locales/${locale}/${file}.json`, import.meta.url), 'utf8')) as Record<string, string>;
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  for (const file of ['reasons', 'consequences']) {
    it(`${file}.json has the same keys and the same placeholders in zh-CN and en-US`, () => {
      const zh = read('zh-CN', file);
      const en = read('en-US', file);
      expect(Object.keys(en).sort()).to.deep.equal(Object.keys(zh).sort());
      for (const key of Object.keys(zh)) expect(placeholders(en[key]!), key).to.deep.equal(placeholders(zh[key]!));
    });
  }

  it('every reason code has a sentence', () => {
    for (const locale of LOCALES) expect(Object.keys(read(locale, 'reasons')).sort()).to.deep.equal([...REASON_CODES].sort());
  });

  it('every consequence and difference code has a template', () => {
    for (const locale of LOCALES) expect(Object.keys(read(locale, 'consequences')).sort()).to.deep.equal([...CONSEQUENCE_ITEM_CODES, ...DIFFERENCE_CODES].sort());
  });

  /** Every item the domain can produce, rendered in every locale, fills every placeholder and names no amount or percentage. */
  for (const profile of [rizhao, national]) {
    for (const locale of LOCALES) {
      it(`${profile.id}, ${locale}: every item renders completely and promises no percentage or amount`, () => {
        const templates = read(locale, 'consequences');
        const items: ConsequenceItem[] = [];
        for (const c of CATEGORY_IDS) {
          items.push(...consequencesOf(c, profile, { start }, { retroactive: true }).items);
          const alt = nearestAlternative({ kind: c, category: c, scope: 'CROSS_PROVINCE', retroactive: false, reasons: [] }, profile, { start });
          if (alt) items.push(...alt.differences);
        }
        expect(items.length).to.be.greaterThan(20);
        for (const i of items) {
          const text = templates[i.code]!.replace(/\{(\w+)\}/g, (_, k: string) => String({ ...profileParams(profile, locale), ...i.params }[k] ?? `{${k}}`));
          expect(text, i.code).not.to.match(/\{\w+\}/);
          expect(text, i.code).not.to.match(/%|％|元|yuan/i);
        }
      });
    }
  }
});
