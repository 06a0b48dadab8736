import { expect } from 'chai';
import { todayInShanghai, type IsoDate } from '../src/domain/calendar.js';
import {
  checkAdmissionDate,
  checkStartDate,
  parseDate,
  parseDateRange,
  warmUpDateRecognizers,
  type DateLocale,
  type DatePreference,
} from '../src/domain/dates.js';

/** A Tuesday. */
const TODAY = '2026-11-24';

type DateCase = [text: string, locale: DateLocale, prefer: DatePreference, expected: IsoDate];
type RangeCase = [text: string, locale: DateLocale, start: IsoDate, end: IsoDate];

describe('dates: what people type when asked for a date', () => {
  before(function () {
    this.timeout(30_000);
    warmUpDateRecognizers();
  });

  describe('one date, today being Tuesday 2026-11-24', () => {
    const cases: DateCase[] = [
      // numeric forms, any locale
      ['2026-12-01', 'zh-CN', 'future', '2026-12-01'],
      ['2026/12/1', 'zh-CN', 'future', '2026-12-01'],
      ['2026.12.1', 'en-US', 'past', '2026-12-01'],
      ['２０２６年１２月１日', 'zh-CN', 'past', '2026-12-01'],
      ['二〇二六年十二月一日', 'zh-CN', 'future', '2026-12-01'],
      // relative days
      ['今天', 'zh-CN', 'future', '2026-11-24'],
      ['明天', 'zh-CN', 'future', '2026-11-25'],
      ['昨天', 'zh-CN', 'past', '2026-11-23'],
      ['today', 'en-US', 'future', '2026-11-24'],
      ['tomorrow', 'en-US', 'past', '2026-11-25'],
      ['三天后', 'zh-CN', 'future', '2026-11-27'],
      // relative months and years the recognizer leaves unanchored or drops
      ['下个月1号', 'zh-CN', 'future', '2026-12-01'],
      ['下个月1号', 'zh-CN', 'past', '2026-12-01'],
      ['下月1日', 'zh-CN', 'past', '2026-12-01'],
      ['下个月底', 'zh-CN', 'future', '2026-12-31'],
      ['明年3月1日', 'zh-CN', 'future', '2027-03-01'],
      ['明年3月1日', 'zh-CN', 'past', '2027-03-01'],
      ['今年12月1日', 'zh-CN', 'past', '2026-12-01'],
      ['去年12月1日', 'zh-CN', 'future', '2025-12-01'],
      // weeks start on Monday
      ['下周一', 'zh-CN', 'past', '2026-11-30'],
      ['下下周一', 'zh-CN', 'future', '2026-12-07'],
      ['上周三', 'zh-CN', 'future', '2026-11-18'],
      ['这周日', 'zh-CN', 'future', '2026-11-29'],
      ['next Monday', 'en-US', 'future', '2026-11-30'],
      ['last Friday', 'en-US', 'future', '2026-11-20'],
      // a sentence around the date
      ['我打算从2026年12月1日开始', 'zh-CN', 'future', '2026-12-01'],
      ['I was admitted on 3 November', 'en-US', 'past', '2026-11-03'],
      ['十一月三日住的院', 'zh-CN', 'past', '2026-11-03'],
      // the other culture when the person's own finds nothing
      ['12月1日', 'en-US', 'future', '2026-12-01'],
      ['next Monday', 'zh-CN', 'future', '2026-11-30'],
      // a weekday written next to the date settles which year
      ['12月1日（周二）', 'zh-CN', 'past', '2026-12-01'],
      ['12月1日(周一)', 'zh-CN', 'future', '2025-12-01'],
      ['Friday, Dec 4', 'en-US', 'past', '2026-12-04'],
      ['周五，12月4日', 'zh-CN', 'past', '2026-12-04'],
      // short numeric month.day as people type it in Chinese
      ['12.1', 'zh-CN', 'future', '2026-12-01'],
      ['12-1', 'zh-CN', 'future', '2026-12-01'],
      ['2月底', 'zh-CN', 'future', '2027-02-28'],
    ];
    for (const [text, locale, prefer, expected] of cases) {
      it(`"${text}" (${locale}, prefer ${prefer}) is ${expected}`, () => {
        expect(parseDate(text, { locale, today: TODAY, prefer })).to.deep.equal({ ok: true, value: expected });
      });
    }
  });

  describe('a date without a year, month or week is resolved by what the question wants', () => {
    const cases: Array<[text: string, locale: DateLocale, future: IsoDate, past: IsoDate]> = [
      ['12月1日', 'zh-CN', '2026-12-01', '2025-12-01'],
      ['十二月一号', 'zh-CN', '2026-12-01', '2025-12-01'],
      ['11月3日', 'zh-CN', '2027-11-03', '2026-11-03'],
      ['Dec 1', 'en-US', '2026-12-01', '2025-12-01'],
      ['12/1', 'en-US', '2026-12-01', '2025-12-01'],
      ['10号', 'zh-CN', '2026-12-10', '2026-11-10'],
      ['我是10号住院的', 'zh-CN', '2026-12-10', '2026-11-10'],
      ['周一', 'zh-CN', '2026-11-30', '2026-11-23'],
      ['Monday', 'en-US', '2026-11-30', '2026-11-23'],
      ['周二', 'zh-CN', '2026-11-24', '2026-11-24'], // today is a Tuesday: both ways it is today
    ];
    for (const [text, locale, future, past] of cases) {
      it(`"${text}": a start date gets ${future}, an admission date ${past}`, () => {
        expect(parseDate(text, { locale, today: TODAY, prefer: 'future' })).to.deep.equal({ ok: true, value: future });
        expect(parseDate(text, { locale, today: TODAY, prefer: 'past' })).to.deep.equal({ ok: true, value: past });
      });
    }
  });

  describe('near the end of the year (today 2026-12-20)', () => {
    const today = '2026-12-20';
    const cases: DateCase[] = [
      ['1月5日', 'zh-CN', 'future', '2027-01-05'],
      ['1月5日', 'zh-CN', 'past', '2026-01-05'],
      ['Jan 5', 'en-US', 'future', '2027-01-05'],
      ['下个月1号', 'zh-CN', 'future', '2027-01-01'],
      ['下个月1号', 'zh-CN', 'past', '2027-01-01'],
      ['今年12月1日', 'zh-CN', 'future', '2026-12-01'],
      ['明年3月1日', 'zh-CN', 'future', '2027-03-01'],
      ['5号', 'zh-CN', 'future', '2027-01-05'],
      ['下周一', 'zh-CN', 'future', '2026-12-21'],
    ];
    for (const [text, locale, prefer, expected] of cases) {
      it(`"${text}" (prefer ${prefer}) is ${expected}`, () => {
        expect(parseDate(text, { locale, today, prefer })).to.deep.equal({ ok: true, value: expected });
      });
    }
  });

  describe('a day of next month, this month or last month, in both languages, on any day of the year', () => {
    // "from the first of next month" was read as the 1st of this month (then refused as past) and, in
    // December, as 1 January of this year; "下个月的1号" and "next month on the 15th" were ambiguous.
    const cases: Array<[today: IsoDate, text: string, locale: DateLocale, expected: IsoDate]> = [
      ['2026-11-24', 'from the first of next month', 'en-US', '2026-12-01'],
      ['2026-03-31', 'from the first of next month', 'en-US', '2026-04-01'],
      ['2026-12-06', 'from the first of next month', 'en-US', '2027-01-01'],
      ['2026-12-06', 'the 1st of next month', 'en-US', '2027-01-01'],
      ['2026-11-24', 'next month on the 15th', 'en-US', '2026-12-15'],
      ['2026-12-20', 'on the 15th of next month', 'en-US', '2027-01-15'],
      ['2026-11-24', 'next month the 3rd', 'en-US', '2026-12-03'],
      ['2026-11-24', 'the last day of next month', 'en-US', '2026-12-31'],
      // The end of a named month (an end date: the recognizer alone read "end of March" as its second half, ambiguous).
      ['2026-11-24', 'end of March', 'en-US', '2027-03-31'],
      ['2026-11-24', 'the end of February', 'en-US', '2027-02-28'],
      ['2026-11-24', 'the last day of February 2028', 'en-US', '2028-02-29'],
      ['2026-11-24', 'until the end of November', 'en-US', '2026-11-30'],
      ['2026-11-24', '下个月底', 'zh-CN', '2026-12-31'],
      ['2026-11-24', 'the 30th of this month', 'en-US', '2026-11-30'],
      ['2026-11-24', 'the fifteenth of last month', 'en-US', '2026-10-15'],
      ['2026-11-24', '下个月的1号', 'zh-CN', '2026-12-01'],
      ['2026-12-06', '从下个月1号开始', 'zh-CN', '2027-01-01'],
      ['2026-03-31', '下个月1号', 'zh-CN', '2026-04-01'],
    ];
    for (const [today, text, locale, expected] of cases) {
      it(`"${text}" said on ${today} is ${expected}`, () => {
        expect(parseDate(text, { locale, today, prefer: 'future' })).to.deep.equal({ ok: true, value: expected });
      });
    }
    it('"the first of next month" is a valid start date (not refused as past)', () => {
      const date = parseDate('from the first of next month', { locale: 'en-US', today: '2026-11-24', prefer: 'future' });
      expect(date.ok && checkStartDate(date.value, { today: '2026-11-24', maxDaysBack: 0, maxDaysAhead: 90 })).to.deep.equal({ ok: true, value: '2026-12-01' });
    });
  });

  describe('answers that are not one date', () => {
    const cases: Array<[text: string, locale: DateLocale, error: string, params?: Record<string, string>]> = [
      ['', 'zh-CN', 'DATE_NOT_RECOGNISED'],
      ['不知道', 'zh-CN', 'DATE_NOT_RECOGNISED'],
      ['hello there', 'en-US', 'DATE_NOT_RECOGNISED'],
      ['1201', 'zh-CN', 'DATE_NOT_RECOGNISED'],
      ['1900年1月1日', 'zh-CN', 'DATE_NOT_RECOGNISED'],
      ['3.5万元', 'zh-CN', 'DATE_NOT_RECOGNISED'],
      ['1.5天', 'zh-CN', 'DATE_NOT_RECOGNISED'],
      ['2月30日', 'zh-CN', 'DATE_NOT_RECOGNISED'],
      ['2026-02-30', 'en-US', 'DATE_NOT_RECOGNISED'],
      ['12月1日或者12月3日', 'zh-CN', 'DATE_AMBIGUOUS', { first: '2026-12-01', second: '2026-12-03' }],
      ['Dec 1 or Dec 3', 'en-US', 'DATE_AMBIGUOUS', { first: '2026-12-01', second: '2026-12-03' }],
      ['下个月', 'zh-CN', 'DATE_AMBIGUOUS', { first: '2026-12-01', second: '2026-12-31' }],
    ];
    for (const [text, locale, error, params] of cases) {
      it(`"${text}" gives ${error}`, () => {
        const result = parseDate(text, { locale, today: TODAY, prefer: 'future' });
        expect(result).to.deep.equal(params ? { ok: false, error, params } : { ok: false, error });
      });
    }
    it('"下个月31号" said in November is 31 December; said in October it names 31 November, which does not exist', () => {
      expect(parseDate('下个月31号', { locale: 'zh-CN', today: TODAY, prefer: 'future' })).to.deep.equal({ ok: true, value: '2026-12-31' });
      expect(parseDate('下个月31号', { locale: 'zh-CN', today: '2026-10-10', prefer: 'future' })).to.deep.equal({
        ok: false,
        error: 'DATE_NOT_RECOGNISED',
      });
    });
  });

  describe('a period, today being Tuesday 2026-11-24, start wanted in the future', () => {
    const cases: RangeCase[] = [
      ['下个月1号到明年3月1号', 'zh-CN', '2026-12-01', '2027-03-01'],
      ['今年12月1日到明年3月1日', 'zh-CN', '2026-12-01', '2027-03-01'],
      ['下周一到下周五', 'zh-CN', '2026-11-30', '2026-12-04'],
      ['下周一到周五', 'zh-CN', '2026-11-30', '2026-12-04'],
      ['between next Monday and Friday', 'en-US', '2026-11-30', '2026-12-04'],
      ['from next Monday until next Friday', 'en-US', '2026-11-30', '2026-12-04'],
      ['from Dec 1 to Mar 1', 'en-US', '2026-12-01', '2027-03-01'],
      ['Dec 1 to Mar 1, 2027', 'en-US', '2026-12-01', '2027-03-01'],
      ['12月1日到3月1日', 'zh-CN', '2026-12-01', '2027-03-01'],
      ['12月1日至2027年3月1日', 'zh-CN', '2026-12-01', '2027-03-01'],
      ['12月1日起至明年2月底', 'zh-CN', '2026-12-01', '2027-02-28'],
      ['12月1日到15日', 'zh-CN', '2026-12-01', '2026-12-15'],
      ['从下周一到12月5日', 'zh-CN', '2026-11-30', '2026-12-05'],
      ['2026-12-01 - 2027-03-01', 'en-US', '2026-12-01', '2027-03-01'],
      ['2026/12/1~2027/3/1', 'zh-CN', '2026-12-01', '2027-03-01'],
      ['12.1-3.1', 'zh-CN', '2026-12-01', '2027-03-01'],
      ['12月1号开始，明年3月1号结束', 'zh-CN', '2026-12-01', '2027-03-01'],
      ['12月1日到3月1日', 'en-US', '2026-12-01', '2027-03-01'],
      ['下个月', 'zh-CN', '2026-12-01', '2026-12-31'],
      ['next month', 'en-US', '2026-12-01', '2026-12-31'],
    ];
    for (const [text, locale, start, end] of cases) {
      it(`"${text}" (${locale}) is ${start} to ${end}`, () => {
        expect(parseDateRange(text, { locale, today: TODAY, prefer: 'future' })).to.deep.equal({ ok: true, value: { start, end } });
      });
    }
  });

  describe('a period resolved both ways', () => {
    it('"12月1日到3月1日" is the coming winter for a plan and the last one for a past stay', () => {
      const opts = { locale: 'zh-CN' as const, today: TODAY };
      expect(parseDateRange('12月1日到3月1日', { ...opts, prefer: 'future' })).to.deep.equal({ ok: true, value: { start: '2026-12-01', end: '2027-03-01' } });
      expect(parseDateRange('12月1日到3月1日', { ...opts, prefer: 'past' })).to.deep.equal({ ok: true, value: { start: '2025-12-01', end: '2026-03-01' } });
    });
    it('near the year end an undated start before a dated end stays in this year', () => {
      expect(parseDateRange('12月1日起至明年2月底', { locale: 'zh-CN', today: '2026-12-20', prefer: 'future' })).to.deep.equal({
        ok: true,
        value: { start: '2026-12-01', end: '2027-02-28' },
      });
    });
    it('near the year end "下个月1号到明年3月1号" counts from the coming January', () => {
      expect(parseDateRange('下个月1号到明年3月1号', { locale: 'zh-CN', today: '2026-12-20', prefer: 'future' })).to.deep.equal({
        ok: true,
        value: { start: '2027-01-01', end: '2027-03-01' },
      });
    });
  });

  describe('periods that cannot be used', () => {
    const cases: Array<[text: string, locale: DateLocale, error: string, params?: Record<string, string>]> = [
      ['明年3月1日到今年12月1日', 'zh-CN', 'RANGE_END_BEFORE_START', { start: '2027-03-01', end: '2026-12-01' }],
      ['2027-03-01 to 2026-12-01', 'en-US', 'RANGE_END_BEFORE_START', { start: '2027-03-01', end: '2026-12-01' }],
      ['2026-12-01到2026-12-01', 'zh-CN', 'RANGE_END_BEFORE_START', { start: '2026-12-01', end: '2026-12-01' }],
      ['3月1日到3月1日', 'zh-CN', 'RANGE_END_BEFORE_START', { start: '2027-03-01', end: '2027-03-01' }],
      ['12月1日', 'zh-CN', 'RANGE_END_MISSING', { start: '2026-12-01' }],
      ['随便', 'zh-CN', 'DATE_NOT_RECOGNISED'],
      ['2月30日到3月5日', 'zh-CN', 'DATE_NOT_RECOGNISED'],
    ];
    for (const [text, locale, error, params] of cases) {
      it(`"${text}" gives ${error}`, () => {
        const result = parseDateRange(text, { locale, today: TODAY, prefer: 'future' });
        expect(result).to.deep.equal(params ? { ok: false, error, params } : { ok: false, error });
      });
    }
  });

  describe('the process time zone does not matter', () => {
    const original = process.env.TZ;
    after(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });
    // 23:30 in Shanghai on Tuesday 24 November is still the 24th there, whatever the server's zone says.
    const instant = new Date('2026-11-24T15:30:00Z');
    for (const tz of ['Asia/Shanghai', 'UTC', 'Pacific/Honolulu', 'Pacific/Kiritimati', 'America/New_York']) {
      it(`at 23:30 Shanghai time with TZ=${tz}, "tomorrow" is the 25th and "三天后" the 27th`, () => {
        process.env.TZ = tz;
        const today = todayInShanghai(instant);
        expect(today).to.equal('2026-11-24');
        // these go through the recognizer, which reads the local fields of its reference Date
        expect(parseDate('tomorrow', { locale: 'en-US', today, prefer: 'future' })).to.deep.equal({ ok: true, value: '2026-11-25' });
        expect(parseDate('三天后', { locale: 'zh-CN', today, prefer: 'future' })).to.deep.equal({ ok: true, value: '2026-11-27' });
        expect(parseDate('in 3 days', { locale: 'en-US', today, prefer: 'future' })).to.deep.equal({ ok: true, value: '2026-11-27' });
        expect(parseDate('明天', { locale: 'zh-CN', today, prefer: 'future' })).to.deep.equal({ ok: true, value: '2026-11-25' });
        expect(parseDate('next Monday', { locale: 'en-US', today, prefer: 'future' })).to.deep.equal({ ok: true, value: '2026-11-30' });
        expect(parseDate('下周一', { locale: 'zh-CN', today, prefer: 'future' })).to.deep.equal({ ok: true, value: '2026-11-30' });
        expect(parseDateRange('from Dec 1 to Mar 1', { locale: 'en-US', today, prefer: 'future' })).to.deep.equal({
          ok: true,
          value: { start: '2026-12-01', end: '2027-03-01' },
        });
      });
    }
  });
});

describe('dates: rules on a filing start date', () => {
  const planned = { today: TODAY, maxDaysBack: 0, maxDaysAhead: 365 };
  const cases: Array<[name: string, date: IsoDate, rules: Parameters<typeof checkStartDate>[1], error?: string, params?: Record<string, string>]> = [
    ['a planned filing may start today', TODAY, planned],
    ['a planned filing may start next month', '2026-12-01', planned],
    ['a planned filing may start a year ahead', '2027-11-24', planned],
    ['a planned filing may not start yesterday', '2026-11-23', planned, 'START_TOO_EARLY', { earliest: TODAY }],
    ['a planned filing may not start more than a year ahead', '2027-11-25', planned, 'START_TOO_LATE', { latest: '2027-11-24' }],
    ['a region that allows 7 days back accepts a week ago', '2026-11-17', { ...planned, maxDaysBack: 7 }],
    ['a region that allows 7 days back refuses 8 days ago', '2026-11-16', { ...planned, maxDaysBack: 7 }, 'START_TOO_EARLY', { earliest: '2026-11-17' }],
    ['a retroactive filing may start on the admission day', '2026-11-10', { ...planned, retroactive: { admissionDate: '2026-11-10' } }],
    ['a retroactive filing may start before admission, ignoring maxDaysBack', '2026-11-01', { ...planned, retroactive: { admissionDate: '2026-11-10' } }],
    [
      'a retroactive filing may not start after admission',
      '2026-11-11',
      { ...planned, retroactive: { admissionDate: '2026-11-10' } },
      'START_AFTER_ADMISSION',
      { admissionDate: '2026-11-10' },
    ],
    [
      'a retroactive filing may not start today when admitted last week',
      TODAY,
      { ...planned, retroactive: { admissionDate: '2026-11-17' } },
      'START_AFTER_ADMISSION',
      { admissionDate: '2026-11-17' },
    ],
    ['a start date that is not a date', '2026-13-01', planned, 'DATE_NOT_RECOGNISED'],
  ];
  for (const [name, date, rules, error, params] of cases) {
    it(name, () => {
      const expected = error ? (params ? { ok: false, error, params } : { ok: false, error }) : { ok: true, value: date };
      expect(checkStartDate(date, rules)).to.deep.equal(expected);
    });
  }
});

describe('dates: rules on an admission date', () => {
  const cases: Array<[name: string, date: IsoDate, error?: string]> = [
    ['admitted today', TODAY],
    ['admitted last month', '2026-10-30'],
    ['admitted tomorrow is not possible', '2026-11-25', 'ADMISSION_IN_FUTURE'],
    ['not a date', '2026-02-30', 'DATE_NOT_RECOGNISED'],
  ];
  for (const [name, date, error] of cases) {
    it(name, () => {
      const expected = error === 'ADMISSION_IN_FUTURE' ? { ok: false, error, params: { today: TODAY } } : error ? { ok: false, error } : { ok: true, value: date };
      expect(checkAdmissionDate(date, TODAY)).to.deep.equal(expected);
    });
  }
});
