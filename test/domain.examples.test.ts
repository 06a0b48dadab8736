import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { addDays } from '../src/domain/calendar.js';
import { CATEGORY_IDS } from '../src/domain/categories.js';
import { checkAdmissionDate, checkStartDate, earliestStartCovering, exampleDates, parseDate, startDateRulesFor } from '../src/domain/dates.js';
import { validityEndDate } from '../src/domain/consequences.js';
import { expectedEndDate, validateFiling } from '../src/domain/filing.js';
import { loadProfiles } from '../src/domain/profile.js';
import { checkResidentId } from '../src/domain/resident-id.js';
import { Texts } from '../src/content/texts.js';

/**
 * The examples shown with a question (and with the error that re-asks it) must satisfy the rule they
 * illustrate: an ID number example passes the ID check, a date example is a date the question accepts
 * on the day it is shown (never a fixed date that a later today makes wrong).
 */

const profiles = loadProfiles();
const texts = new Texts();
const LOCALES_DIR = new URL('../content/locales/', import.meta.url).pathname;

function strings(value: unknown, path: string, out: Array<[string, string]>): Array<[string, string]> {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, path ? `${path}.${k}` : k, out);
  return out;
}

describe('content examples: every ID number in content passes the ID check', () => {
  const found: Array<[string, string]> = [];
  for (const locale of readdirSync(LOCALES_DIR)) {
    for (const file of readdirSync(join(LOCALES_DIR, locale)).filter((f) => f.endsWith('.json'))) {
      const all = strings(JSON.parse(readFileSync(join(LOCALES_DIR, locale, file), 'utf8')), '', []);
      for (const [path, text] of all) {
        for (const m of text.matchAll(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g)) found.push([`${locale}/${file} ${path}`, m[0]]);
      }
    }
  }

  it('the scan finds the ID examples (the person\'s and the agent\'s, in both languages)', () => {
    expect(found.map(([where]) => where)).to.include.members([
      'zh-CN/prompts.json details.idNumber.example',
      'zh-CN/prompts.json details.agentIdNumber.example',
      'en-US/prompts.json details.idNumber.example',
      'en-US/prompts.json details.agentIdNumber.example',
    ]);
  });

  for (const [where, id] of found) {
    it(`${where}: ${id}`, () => {
      expect(checkResidentId(id, '2026-11-24')).to.deep.include({ ok: true });
    });
  }
});

describe('date examples satisfy the rule they illustrate, whatever today is', () => {
  const TODAYS = ['2026-11-24', '2026-12-02', '2026-12-31', '2027-02-28', '2028-02-29'];

  /** The dates of a rendered example ("明天，或 2026-12-01"), read the way the bot reads an answer. */
  function datesOf(example: string, locale: 'zh-CN' | 'en-US', today: string, prefer: 'future' | 'past'): string[] {
    const parts = example.split(locale === 'zh-CN' ? '，或' : ', or');
    expect(parts, example).to.have.length(2);
    return parts.map((part) => {
      const parsed = parseDate(part, { locale, today, prefer });
      expect(parsed.ok, `"${part}" of "${example}"`).to.equal(true);
      return (parsed as { value: string }).value;
    });
  }

  for (const [id, profile] of profiles) {
    for (const today of TODAYS) {
      for (const locale of ['zh-CN', 'en-US'] as const) {
        it(`${id}, ${today}, ${locale}: a planned start date example is a start the question accepts`, () => {
          const rules = startDateRulesFor(profile, 'TMP_OTHER', today);
          const example = texts.t(locale, 'prompts.details.startDate.examples.planned', exampleDates(rules));
          for (const date of datesOf(example, locale, today, 'future')) expect(checkStartDate(date, rules), `${example}: ${date}`).to.deep.include({ ok: true });
        });

        it(`${id}, ${today}, ${locale}: an admission date example is today or earlier`, () => {
          const example = texts.t(locale, 'prompts.situation.admissionDate.example', exampleDates(startDateRulesFor(profile, undefined, today)));
          for (const date of datesOf(example, locale, today, 'past')) expect(checkAdmissionDate(date, today), `${example}: ${date}`).to.deep.include({ ok: true });
        });

        for (const category of CATEGORY_IDS) {
          it(`${id}, ${today}, ${locale}, ${category}: a retroactive start example (admitted 3 days ago) starts on or before admission and covers it`, () => {
            const admission = addDays(today, -3);
            const rules = startDateRulesFor(profile, category, today, admission);
            const example = texts.t(locale, 'prompts.details.startDate.examples.retroactive', exampleDates(rules));
            const dates = datesOf(example, locale, today, 'past');
            expect(dates).to.include(admission);
            for (const date of dates) expect(checkStartDate(date, rules), `${example}: ${date}`).to.deep.include({ ok: true });
          });
        }
      }
    }
  }

  it('QA case: today 2026-12-02 — the planned example is not before today (no hard-coded 2026-12-01)', () => {
    const dates = exampleDates(startDateRulesFor(profiles.get('rizhao')!, 'TMP_OTHER', '2026-12-02'));
    expect(dates).to.deep.include({ tomorrow: '2026-12-03', startDate: '2027-01-01' });
  });

  it('QA case: admitted 2026-11-27 — the retroactive example is the admission day and the day before, not "tomorrow"', () => {
    const rules = startDateRulesFor(profiles.get('rizhao')!, 'TMP_OTHER', '2026-12-02', '2026-11-27');
    expect(texts.t('zh-CN', 'prompts.details.startDate.examples.retroactive', exampleDates(rules))).to.equal('2026-11-27，或 2026-11-26');
  });
});

describe('a retroactive start must still cover the admission day', () => {
  const rizhao = profiles.get('rizhao')!;
  const admission = '2026-11-27';
  const today = '2026-12-02';

  it('earliestStartCovering: the earliest start whose last valid day is the admission day or later', () => {
    for (const [date, months] of [
      ['2026-11-27', 12],
      ['2026-03-31', 6],
      ['2028-02-29', 12],
      ['2027-03-01', 1],
    ] as const) {
      const earliest = earliestStartCovering(date, months);
      expect(validityEndDate(earliest, months) >= date, `${earliest} + ${months} covers ${date}`).to.equal(true);
      expect(validityEndDate(addDays(earliest, -1), months) < date, `the day before ${earliest} does not`).to.equal(true);
    }
  });

  it('checkStartDate: 2024-01-01 for a 12-month filing admitted 2026-11-27 is START_TOO_EARLY { earliest: 2025-11-28 }', () => {
    const rules = startDateRulesFor(rizhao, 'TMP_OTHER', today, admission);
    expect(checkStartDate('2024-01-01', rules)).to.deep.equal({ ok: false, error: 'START_TOO_EARLY', params: { earliest: '2025-11-28' } });
    expect(checkStartDate('2025-11-28', rules)).to.deep.equal({ ok: true, value: '2025-11-28' });
  });

  it('a long-term filing (open-ended) has no such limit', () => {
    expect(checkStartDate('2024-01-01', startDateRulesFor(rizhao, 'LT_RESIDENT', today, admission))).to.deep.include({ ok: true });
  });

  it('the filing schema blames the start date, not the admission date', () => {
    const startDate = '2024-01-01';
    const result = validateFiling(
      {
        filerMode: 'SELF',
        person: { name: '张秀英', idNumber: '371102195501010019', phone: '13800138000' },
        insuredPlace: '371100',
        treatmentPlace: '310000',
        scheme: 'EMPLOYEE',
        category: 'TMP_OTHER',
        scope: 'CROSS_PROVINCE',
        retroactive: true,
        admissionDate: admission,
        startDate,
        endDate: expectedEndDate('TMP_OTHER', rizhao, startDate),
        institutions: ['复旦大学附属中山医院'],
        basis: { answers: { insuranceActive: true, now: 'IN_HOSPITAL', longTerm: false, hasReferral: false }, reasons: ['CROSS_PROVINCE', 'IN_HOSPITAL_RETROACTIVE', 'SHORT_STAY', 'NO_REFERRAL'] },
        consent: { personalInfo: true, at: '2026-12-02T09:30:00+08:00' },
        profileId: rizhao.id,
        profileVersion: rizhao.version,
      },
      rizhao,
      today,
    );
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.issues).to.deep.equal([{ field: 'startDate', code: 'START_TOO_EARLY', params: { earliest: '2025-11-28' } }]);
  });
});
