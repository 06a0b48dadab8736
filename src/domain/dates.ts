/**
 * Natural-language dates in Chinese and English, resolved against an injected "today" (an ISO date in
 * Asia/Shanghai). Returns ISO dates or error codes; content/ renders the codes.
 *
 * Two layers:
 *  1. Our own grammar for the forms the recognizer gets wrong or that must be exact: ISO / slashed /
 *     dotted numbers (2026-12-01, 2026/12/1, 2026.12.1, and month-first 12.1 / 12-1 / 12/1), Chinese
 *     dates with relative year or month parts (明年3月1日, 下个月1号, 今年12月1日, 2月底), day-only (10号),
 *     relative days (今天, 明天…), Chinese weekdays (下周一, 下下周三, 周五) and English month-day
 *     (Dec 1, 1 March 2027; the recognizer lends a trailing year to both ends of "Dec 1 to Mar 1, 2027").
 *  2. @microsoft/recognizers-text-date-time for everything else, run only on the text between our own
 *     mentions. Its timex is read structurally (XXXX-12-01 is "every 1 December", XXXX-WXX-5 "every
 *     Friday"), never its pre-resolved values, so unanchored parts can be resolved by `prefer` and a
 *     range end can be rolled forward past its start.
 *
 * Error codes: DATE_NOT_RECOGNISED, DATE_AMBIGUOUS { first, second }, RANGE_END_BEFORE_START { start, end },
 * RANGE_END_MISSING { start }, START_TOO_EARLY { earliest }, START_TOO_LATE { latest },
 * START_AFTER_ADMISSION { admissionDate }, ADMISSION_IN_FUTURE { today }.
 */
import { Culture, DateTimeRecognizer } from '@microsoft/recognizers-text-date-time';
import { addDays, addMonths, compareDates, isIsoDate, validityEndDate, type IsoDate } from './calendar.js';
import type { CategoryId } from './categories.js';
import type { RegionProfile } from './profile.js';
import { fail, ok, type Check } from './result.js';

export type DateLocale = 'zh-CN' | 'en-US';
/** A start date wants the coming candidate; an admission date the past one. */
export type DatePreference = 'future' | 'past';
export interface DateParseOptions {
  locale: DateLocale;
  today: IsoDate;
  prefer: DatePreference;
}

// ---------------------------------------------------------------------------------------------------
// Mentions: what one date expression means, before it is resolved against today.

type Mention =
  | { kind: 'fixed'; date: IsoDate }
  | { kind: 'yearly'; month: number; day: number; weekday?: number } // day LAST = the month's last day
  | { kind: 'monthly'; day: number; weekday?: number } // weekday: "12月1日（周二）" keeps only Tuesdays
  | { kind: 'weekly'; weekday: number } // ISO weekday: 1 = Monday … 7 = Sunday
  | { kind: 'choices'; dates: IsoDate[] } // recognizer values we could not read structurally
  | { kind: 'invalid' }; // a date that does not exist (2月30日)

type Item =
  | { type: 'date'; from: number; to: number; m: Mention }
  | { type: 'since'; from: number; to: number; m: Mention } // 从12月1日开始 / from next Monday on
  | { type: 'until'; from: number; to: number; m: Mention } // until next Friday
  | { type: 'range'; from: number; to: number; start: Mention; end: Mention }
  | { type: 'span'; from: number; to: number; spans: Array<{ start: IsoDate; last: IsoDate }> }; // 下个月, this week

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
/** A day number meaning "the last day of the month" (月底). */
const LAST = 99;

function makeDate(y: number, m: number, d: number): IsoDate | undefined {
  if (d === LAST && m >= 1 && m <= 12) d = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const s = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
  return isIsoDate(s) ? s : undefined;
}

const fixedOrInvalid = (date: IsoDate | undefined): Mention => (date ? { kind: 'fixed', date } : { kind: 'invalid' });

function parts(date: IsoDate): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y!, m!, d!];
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
function isoWeekday(date: IsoDate): number {
  const [y, m, d] = parts(date);
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return dow === 0 ? 7 : dow;
}

/** The first day on or after `from` that the mention names (undefined for fixed dates before `from`). */
function onOrAfter(m: Mention, from: IsoDate): IsoDate | undefined {
  const [y, mo] = parts(from);
  switch (m.kind) {
    case 'fixed':
      return compareDates(m.date, from) >= 0 ? m.date : undefined;
    case 'choices':
      return m.dates.find((d) => compareDates(d, from) >= 0);
    case 'invalid':
      return undefined;
    case 'weekly':
      return addDays(from, (m.weekday - isoWeekday(from) + 7) % 7);
    case 'yearly':
      for (let k = 0; k <= 12; k++) {
        const d = makeDate(y + k, m.month, m.day);
        if (d && compareDates(d, from) >= 0) return d;
      }
      return undefined;
    case 'monthly':
      for (let k = 0; k <= 12; k++) {
        const [yy, mm] = parts(addMonths(`${pad(y, 4)}-${pad(mo)}-01`, k));
        const d = makeDate(yy, mm, m.day);
        if (d && compareDates(d, from) >= 0) return d;
      }
      return undefined;
  }
}

/** The last day on or before `until` that the mention names. */
function onOrBefore(m: Mention, until: IsoDate): IsoDate | undefined {
  const [y, mo] = parts(until);
  switch (m.kind) {
    case 'fixed':
      return compareDates(m.date, until) <= 0 ? m.date : undefined;
    case 'choices':
      return [...m.dates].reverse().find((d) => compareDates(d, until) <= 0);
    case 'invalid':
      return undefined;
    case 'weekly':
      return addDays(until, -((isoWeekday(until) - m.weekday + 7) % 7));
    case 'yearly':
      for (let k = 0; k <= 12; k++) {
        const d = makeDate(y - k, m.month, m.day);
        if (d && compareDates(d, until) <= 0) return d;
      }
      return undefined;
    case 'monthly':
      for (let k = 0; k <= 12; k++) {
        const [yy, mm] = parts(addMonths(`${pad(y, 4)}-${pad(mo)}-01`, -k));
        const d = makeDate(yy, mm, m.day);
        if (d && compareDates(d, until) <= 0) return d;
      }
      return undefined;
  }
}

/** Dates further than this from today are misreadings ("1201" as a year), not answers. */
const PLAUSIBLE_YEARS = 20;
function plausible(date: IsoDate, today: IsoDate): boolean {
  return Math.abs(parts(date)[0] - parts(today)[0]) <= PLAUSIBLE_YEARS;
}

/** Picks the candidate that fits `prefer`: future = first on or after today, past = last on or before. */
function resolve(m: Mention, today: IsoDate, prefer: DatePreference): IsoDate | undefined {
  if (m.kind === 'fixed') return m.date;
  if ((m.kind === 'yearly' || m.kind === 'monthly') && m.weekday !== undefined) {
    // A weekday written next to the date picks between the past and the coming candidate.
    const byWeekday = [onOrBefore(m, today), onOrAfter(m, today)].filter((d) => d && isoWeekday(d) === m.weekday);
    if (byWeekday.length === 1) return byWeekday[0];
  }
  return prefer === 'future' ? (onOrAfter(m, today) ?? onOrBefore(m, today)) : (onOrBefore(m, today) ?? onOrAfter(m, today));
}

/** A range end: the first occurrence after the start (so "12月1日到3月1日" ends next year). */
function resolveEnd(m: Mention, start: IsoDate): IsoDate | undefined {
  if (m.kind === 'fixed') return m.date;
  return onOrAfter(m, addDays(start, 1)) ?? onOrBefore(m, start);
}

const sameMention = (a: Mention, b: Mention): boolean => JSON.stringify(a) === JSON.stringify(b);

// ---------------------------------------------------------------------------------------------------
// Our own grammar.

const CN_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 1-99 written in Arabic or Chinese numerals (十二, 二十一, 三十); a 4-digit year digit by digit (二〇二六). */
function num(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (s.length === 4 && !s.includes('十')) return Number([...s].map((c) => CN_DIGITS[c] ?? NaN).join(''));
  const i = s.indexOf('十');
  if (i < 0) return CN_DIGITS[s] ?? NaN;
  const tens = i === 0 ? 1 : (CN_DIGITS[s.slice(0, i)] ?? NaN);
  const ones = i === s.length - 1 ? 0 : (CN_DIGITS[s.slice(i + 1)] ?? NaN);
  return tens * 10 + ones;
}

const NUM = String.raw`(?:\d{1,2}|[一二三四五六七八九十]{1,3})`;
const YEAR = String.raw`(?:(\d{4}|[〇零一二三四五六七八九]{4})\s*年|(今年|明年|后年|後年|去年|前年))`;
const REL_YEAR: Record<string, number> = { 今年: 0, 明年: 1, 后年: 2, 後年: 2, 去年: -1, 前年: -2 };
const REL_MONTH_RE = String.raw`(这个月|這個月|本月|这月|下个月|下個月|下月|上个月|上個月|上月)`;
const REL_MONTH = (s: string): number => (s.startsWith('下') ? 1 : s.startsWith('上') ? -1 : 0);
const DAY_SUFFIX = String.raw`(?:\s*(?:日|号|號)|(?!\s*(?:\d|[天个個周週年月号號日点點:时時])))`;
const EN_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const EN_MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const EN_ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth'];
/** A day of the month in English: 15, 15th, first, fifteenth, last (day), end. */
const EN_DAY = String.raw`\d{1,2}(?:st|nd|rd|th)?|${EN_ORDINALS.join('|')}|last|end`;
const EN_REL_MONTH = String.raw`(this|next|last|previous|the coming|the following|coming|following)`;
function enDay(s: string): number {
  const t = s.toLowerCase();
  if (t === 'last' || t === 'end') return LAST;
  const i = EN_ORDINALS.indexOf(t);
  return i >= 0 ? i + 1 : Number.parseInt(t, 10);
}
const REL_DAY: Record<string, number> = {
  大前天: -3, 前天: -2, 昨天: -1, 昨日: -1, 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 後天: 2, 大后天: 3, 大後天: 3,
};
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7 };
const WEEK_OFFSET: Record<string, number> = { 上上: -2, 上: -1, 这: 0, 這: 0, 本: 0, 下: 1, 下下: 2 };

interface Rule {
  re: RegExp;
  /** g: the match groups (undefined when a group did not take part). */
  mention: (g: Array<string | undefined>, today: IsoDate) => Mention;
}

const RULES: Rule[] = [
  // 2026-12-01, 2026/12/1, 2026.12.1
  {
    re: /(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)/g,
    mention: (g) => fixedOrInvalid(makeDate(num(g[1]!), num(g[2]!), num(g[3]!))),
  },
  // 12.1, 12-1, 12/1 (month first, no year): "12.1-3.1" is a period
  {
    re: /(?<![\d./])(\d{1,2})\s*[./-]\s*(\d{1,2})(?!\d|\s*[./]\s*\d|\s*[天个個周週年月倍%万萬元块塊岁歲次号號日])/g,
    mention: (g) => monthDay(num(g[1]!), num(g[2]!), undefined),
  },
  // [2026年 | 明年] 3月1日, 十二月一号, 12月1, 2月底
  {
    re: new RegExp(String.raw`(?:${YEAR}\s*)?(${NUM})\s*月份?\s*(?:(${NUM})${DAY_SUFFIX}|(底|末))`, 'g'),
    mention: (g, today) => {
      const [month, day] = [num(g[3]!), g[5] ? LAST : num(g[4]!)];
      if (g[1]) return fixedOrInvalid(makeDate(num(g[1]), month, day));
      if (g[2]) return fixedOrInvalid(makeDate(parts(today)[0] + REL_YEAR[g[2]]!, month, day));
      if (month < 1 || month > 12 || !makeDate(2024, month, day)) return { kind: 'invalid' };
      return { kind: 'yearly', month, day };
    },
  },
  // 下个月1号, 下个月的1号, 本月15日, 上月3号, 下个月底
  {
    re: new RegExp(String.raw`${REL_MONTH_RE}\s*的?\s*(?:(${NUM})${DAY_SUFFIX}|(底|末))`, 'g'),
    mention: (g, today) => {
      const [y, m] = parts(addMonths(`${today.slice(0, 7)}-01`, REL_MONTH(g[1]!)));
      return fixedOrInvalid(makeDate(y, m, g[3] ? LAST : num(g[2]!)));
    },
  },
  // 10号, 十五日 (day of some month)
  {
    re: new RegExp(String.raw`(?<![\d〇零一二两三四五六七八九十月])(${NUM})\s*(?:日|号|號)(?![后後前内內之以])`, 'g'),
    mention: (g) => {
      const day = num(g[1]!);
      return day >= 1 && day <= 31 ? { kind: 'monthly', day } : { kind: 'invalid' };
    },
  },
  // 今天, 明天, 大后天…
  {
    re: new RegExp(Object.keys(REL_DAY).sort((a, b) => b.length - a.length).join('|'), 'g'),
    mention: (g, today) => ({ kind: 'fixed', date: addDays(today, REL_DAY[g[0]!]!) }),
  },
  // 下周一, 下下周三, 这个星期五, 周日 (weeks start on Monday)
  {
    re: /(上上|下下|上|下|这|這|本)?\s*(?:个|個)?\s*(?:周|週|星期|礼拜|禮拜)\s*([一二三四五六日天七])/g,
    mention: (g, today) => {
      const weekday = WEEKDAY[g[2]!]!;
      if (g[1] === undefined) return { kind: 'weekly', weekday };
      const monday = addDays(today, 1 - isoWeekday(today));
      return { kind: 'fixed', date: addDays(monday, 7 * WEEK_OFFSET[g[1]]! + weekday - 1) };
    },
  },
  // the first of next month, the 15th of this month, the last day of next month (the recognizer reads
  // "the first" alone and anchors it in the wrong month or year)
  {
    re: new RegExp(String.raw`\b(?:the\s+)?(${EN_DAY})(?:\s+day)?\s+of\s+${EN_REL_MONTH}\s+month\b`, 'gi'),
    mention: (g, today) => relativeMonthDay(today, g[2]!, g[1]!),
  },
  // next month on the 15th, next month the 3rd, this month, the 20th
  {
    re: new RegExp(String.raw`\b${EN_REL_MONTH}\s+month,?\s+(?:on\s+)?(?:the\s+)?(${EN_DAY})\b`, 'gi'),
    mention: (g, today) => relativeMonthDay(today, g[1]!, g[2]!),
  },
  // the end of March, the last day of February 2027 (the recognizer reads "end of March" as its second half)
  {
    re: new RegExp(String.raw`\b(?:the\s+)?(?:end|last\s+day)\s+of\s+${EN_MONTH}\b\.?(?:,?\s*(\d{4})\b)?`, 'gi'),
    mention: (g) => monthDay(EN_MONTHS.indexOf(g[1]!.slice(0, 3).toLowerCase()) + 1, LAST, g[2]),
  },
  // Dec 1, December 1st, 2026 (the recognizer lends a trailing year to both ends of "Dec 1 to Mar 1, 2027")
  {
    re: new RegExp(String.raw`\b${EN_MONTH}\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4})\b)?`, 'gi'),
    mention: (g) => monthDay(EN_MONTHS.indexOf(g[1]!.slice(0, 3).toLowerCase()) + 1, num(g[2]!), g[3]),
  },
  // 1 Dec, the 1st of December 2026
  {
    re: new RegExp(String.raw`\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?${EN_MONTH}\b\.?(?:,?\s*(\d{4})\b)?`, 'gi'),
    mention: (g) => monthDay(EN_MONTHS.indexOf(g[2]!.slice(0, 3).toLowerCase()) + 1, num(g[1]!), g[3]),
  },
];

/** A day of this, next or last month ("the first of next month", "next month on the 15th"). */
function relativeMonthDay(today: IsoDate, which: string, day: string): Mention {
  const offset = /^(next|the coming|the following|coming|following)$/i.test(which.replace(/\s+/g, ' ')) ? 1 : /^(last|previous|the previous)$/i.test(which) ? -1 : 0;
  const [y, m] = parts(addMonths(`${today.slice(0, 7)}-01`, offset));
  return fixedOrInvalid(makeDate(y, m, enDay(day)));
}

function monthDay(month: number, day: number, year: string | undefined): Mention {
  if (year) return fixedOrInvalid(makeDate(Number(year), month, day));
  return makeDate(2024, month, day) ? { kind: 'yearly', month, day } : { kind: 'invalid' };
}

/** Our own mentions, non-overlapping: the earliest wins, then the longest. */
function ownItems(text: string, today: IsoDate): Item[] {
  const found: Item[] = [];
  for (const rule of RULES) {
    for (const match of text.matchAll(rule.re)) {
      found.push({ type: 'date', from: match.index, to: match.index + match[0].length, m: rule.mention([...match], today) });
    }
  }
  found.sort((a, b) => a.from - b.from || b.to - a.to);
  const kept: Item[] = [];
  for (const item of found) if (!kept.some((k) => item.from < k.to && k.from < item.to)) kept.push(item);
  return kept;
}

// ---------------------------------------------------------------------------------------------------
// The recognizer, read structurally.

interface DateTimeModel {
  parse(query: string, referenceDate?: Date): Array<{ start: number; end: number; typeName: string; resolution?: { values?: RecognizerValue[] } }>;
}
interface RecognizerValue {
  timex?: string;
  type?: string;
  Mod?: string;
  value?: string;
  start?: string;
  end?: string;
}

const models = new Map<DateLocale, DateTimeModel>();

function model(locale: DateLocale): DateTimeModel {
  let m = models.get(locale);
  if (!m) {
    m = new DateTimeRecognizer(locale === 'zh-CN' ? Culture.Chinese : Culture.English).getDateTimeModel() as DateTimeModel;
    models.set(locale, m);
  }
  return m;
}

/** Builds a culture's model now (zh-CN about 0.3 s, en-US about 0.4 s on a quiet core) instead of on its first question. */
export function warmUpDateRecognizer(locale: DateLocale): void {
  model(locale).parse(locale === 'zh-CN' ? '明天' : 'tomorrow', new Date(2026, 0, 1, 12));
}

/** Builds both culture models now. */
export function warmUpDateRecognizers(): void {
  warmUpDateRecognizer('zh-CN');
  warmUpDateRecognizer('en-US');
}

/** The recognizer reads the LOCAL fields of its reference Date; noon on `today` is right in any process TZ. */
function reference(today: IsoDate): Date {
  const [y, m, d] = parts(today);
  return new Date(y, m - 1, d, 12, 0, 0);
}

function fromTimex(timex: string | undefined): Mention | undefined {
  if (!timex) return undefined;
  let g = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/.exec(timex);
  if (g) return fixedOrInvalid(makeDate(+g[1]!, +g[2]!, +g[3]!));
  g = /^XXXX-(\d{2})-(\d{2})(?:T.*)?$/.exec(timex);
  if (g) return makeDate(2024, +g[1]!, +g[2]!) ? { kind: 'yearly', month: +g[1]!, day: +g[2]! } : { kind: 'invalid' };
  g = /^XXXX-WXX-([1-7])(?:T.*)?$/.exec(timex);
  if (g) return { kind: 'weekly', weekday: +g[1]! };
  g = /^XXXX-XX-(\d{2})(?:T.*)?$/.exec(timex);
  if (g) return +g[1]! >= 1 && +g[1]! <= 31 ? { kind: 'monthly', day: +g[1]! } : { kind: 'invalid' };
  return undefined;
}

const dateOf = (s: string | undefined): IsoDate | undefined => {
  const d = s?.slice(0, 10);
  return d && isIsoDate(d) ? d : undefined;
};

function choices(values: RecognizerValue[], pick: (v: RecognizerValue) => string | undefined): Mention {
  const dates = [...new Set(values.map((v) => dateOf(pick(v))).filter((d): d is IsoDate => d !== undefined))].sort();
  return dates.length ? { kind: 'choices', dates } : { kind: 'invalid' };
}

function recognizerItems(text: string, offset: number, locale: DateLocale, today: IsoDate): Item[] {
  if (!text.trim()) return [];
  const items: Item[] = [];
  for (const r of model(locale).parse(text, reference(today))) {
    const values = r.resolution?.values ?? [];
    const first = values[0];
    if (!first) continue;
    const at = { from: offset + r.start, to: offset + r.end + 1 };
    const type = r.typeName.replace(/^datetimeV2\./, '');
    if (type === 'date' || type === 'datetime') {
      items.push({ type: 'date', ...at, m: fromTimex(first.timex) ?? choices(values, (v) => v.value) });
    } else if (type === 'daterange' || type === 'datetimerange') {
      const pair = /^\(([^,]+),([^,]+),[^)]*\)$/.exec(first.timex ?? '');
      if (pair) {
        items.push({
          type: 'range',
          ...at,
          start: fromTimex(pair[1]) ?? choices(values, (v) => v.start),
          end: fromTimex(pair[2]) ?? choices(values, (v) => v.end),
        });
      } else if (first.Mod === 'since' || first.Mod === 'after') {
        items.push({ type: 'since', ...at, m: fromTimex(first.timex) ?? choices(values, (v) => v.start) });
      } else if (first.Mod === 'before' || first.Mod === 'until') {
        items.push({ type: 'until', ...at, m: fromTimex(first.timex) ?? choices(values, (v) => v.end) });
      } else if (type === 'datetimerange' && dateOf(first.start) && dateOf(first.start) === dateOf(first.end)) {
        items.push({ type: 'date', ...at, m: choices(values, (v) => v.start) }); // 今天下午
      } else {
        const spans = values
          .map((v) => ({ start: dateOf(v.start), end: dateOf(v.end) }))
          .filter((s): s is { start: IsoDate; end: IsoDate } => !!s.start && !!s.end && compareDates(s.start, s.end) < 0)
          .map((s) => ({ start: s.start, last: addDays(s.end, -1) }));
        if (spans.length) items.push({ type: 'span', ...at, spans });
      }
    }
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------
// Putting mentions together.

const RANGE_SEPARATOR = /^(?:\s|起|开始|開始|到|至|直到|一直到|~|-|—|–|,|、|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\band\b)*$/i;
/** "12月1日（周二）": a bare weekday right after a date only annotates it. */
const ANNOTATION = /^\s*[(\[,]?\s*$/;

function withWeekday(m: Mention, weekday: number): Mention {
  return m.kind === 'yearly' || m.kind === 'monthly' ? { ...m, weekday } : m;
}

function extract(text: string, locale: DateLocale, today: IsoDate): Item[] {
  const own = ownItems(text, today);
  const items: Item[] = [...own];
  let cursor = 0;
  for (const item of [...own, { from: text.length, to: text.length }]) {
    items.push(...recognizerItems(text.slice(cursor, item.from), cursor, locale, today));
    cursor = item.to;
  }
  items.sort((a, b) => a.from - b.from);

  const merged: Item[] = [];
  for (const item of items) {
    const prev = merged[merged.length - 1];
    const gap = prev ? text.slice(prev.to, item.from) : '';
    if (prev && item.type === 'date' && item.m.kind === 'weekly' && prev.type === 'date' && ANNOTATION.test(gap)) {
      prev.m = withWeekday(prev.m, item.m.weekday);
      prev.to = item.to;
      continue;
    }
    // "Friday, Dec 4": the weekday before the date annotates it the same way.
    if (prev?.type === 'date' && prev.m.kind === 'weekly' && item.type === 'date' && item.m.kind !== 'weekly' && /^\s*,?\s*$/.test(gap)) {
      merged[merged.length - 1] = { ...item, from: prev.from, m: withWeekday(item.m, prev.m.weekday) };
      continue;
    }
    if (prev && (prev.type === 'date' || prev.type === 'since') && (item.type === 'date' || item.type === 'until') && RANGE_SEPARATOR.test(gap)) {
      merged[merged.length - 1] = { type: 'range', from: prev.from, to: item.to, start: prev.m, end: item.m };
      continue;
    }
    merged.push(item);
  }
  return merged;
}

function normalise(text: string): string {
  return text.normalize('NFKC').replace(/[〜～]/g, '~').trim();
}

function itemsFor(text: string, opts: DateParseOptions): Item[] {
  if (!isIsoDate(opts.today)) throw new RangeError(`today is not an ISO date: ${opts.today}`);
  const t = normalise(text);
  if (!t) return [];
  const items = extract(t, opts.locale, opts.today);
  if (items.length) return items;
  return extract(t, opts.locale === 'zh-CN' ? 'en-US' : 'zh-CN', opts.today);
}

function resolveRange(start: Mention, end: Mention, opts: DateParseOptions): Check<{ start: IsoDate; end: IsoDate }> {
  let s = resolve(start, opts.today, opts.prefer);
  // A dated end with an undated start: the start is the last occurrence before that end
  // ("12月1日起至明年2月底" said on 20 December starts this 1 December, not next year's).
  if (s && end.kind === 'fixed' && start.kind !== 'fixed' && compareDates(s, end.date) >= 0) {
    s = onOrBefore(start, addDays(end.date, -1)) ?? s;
  }
  // "3月1日到3月1日" names one day twice, not a year.
  const e = s ? (sameMention(start, end) ? s : resolveEnd(end, s)) : undefined;
  if (!s || !e || !plausible(s, opts.today) || !plausible(e, opts.today)) return fail('DATE_NOT_RECOGNISED');
  if (compareDates(e, s) <= 0) return fail('RANGE_END_BEFORE_START', { start: s, end: e });
  return ok({ start: s, end: e });
}

function pickSpan(spans: Array<{ start: IsoDate; last: IsoDate }>, opts: DateParseOptions): { start: IsoDate; last: IsoDate } {
  const start = resolve({ kind: 'choices', dates: spans.map((s) => s.start).sort() }, opts.today, opts.prefer);
  return spans.find((s) => s.start === start) ?? spans[0]!;
}

/** Every date the items name, resolved; `invalid` when one of them names no real date. */
function flatten(items: Item[], opts: DateParseOptions): { dates: IsoDate[]; invalid: boolean } {
  const dates: IsoDate[] = [];
  let invalid = false;
  for (const item of items) {
    if (item.type === 'date' || item.type === 'since') {
      const d = resolve(item.m, opts.today, opts.prefer);
      if (d) dates.push(d);
      else invalid = true;
    } else if (item.type === 'range') {
      const r = resolveRange(item.start, item.end, opts);
      if (r.ok) dates.push(r.value.start, r.value.end);
      else invalid = true;
    } else if (item.type === 'span') {
      const span = pickSpan(item.spans, opts);
      dates.push(span.start, span.last);
    }
  }
  const usable = dates.filter((d) => plausible(d, opts.today));
  return { dates: [...new Set(usable)], invalid: invalid || usable.length < dates.length };
}

/**
 * One date from what the person typed. Unanchored forms (12月1日, Monday, 10号) resolve by `prefer`;
 * two different dates where one was asked (or a period) give DATE_AMBIGUOUS { first, second }.
 */
export function parseDate(text: string, opts: DateParseOptions): Check<IsoDate> {
  const { dates, invalid } = flatten(itemsFor(text, opts), opts);
  if (dates.length > 1) return fail('DATE_AMBIGUOUS', { first: dates[0]!, second: dates[1]! });
  if (dates.length === 0 || invalid) return fail('DATE_NOT_RECOGNISED');
  return ok(dates[0]!);
}

/**
 * A period "from … to …". An unanchored end rolls forward to its first occurrence after the start
 * ("from Dec 1 to Mar 1" ends next March); an end on or before the start is RANGE_END_BEFORE_START.
 * A single date is RANGE_END_MISSING { start }.
 */
export function parseDateRange(text: string, opts: DateParseOptions): Check<{ start: IsoDate; end: IsoDate }> {
  const items = itemsFor(text, opts);
  const only = items.length === 1 ? items[0]! : undefined;
  if (only?.type === 'range') return resolveRange(only.start, only.end, opts);
  if (only?.type === 'span') {
    const span = pickSpan(only.spans, opts);
    if (!plausible(span.start, opts.today) || !plausible(span.last, opts.today)) return fail('DATE_NOT_RECOGNISED');
    return span.start === span.last ? fail('RANGE_END_MISSING', { start: span.start }) : ok({ start: span.start, end: span.last });
  }
  if (only?.type === 'date' || only?.type === 'since') {
    const start = resolve(only.m, opts.today, opts.prefer);
    return start && plausible(start, opts.today) ? fail('RANGE_END_MISSING', { start }) : fail('DATE_NOT_RECOGNISED');
  }
  const { dates } = flatten(items, opts);
  if (dates.length < 2) return fail('DATE_NOT_RECOGNISED');
  return fail('DATE_AMBIGUOUS', { first: dates[0]!, second: dates[1]! });
}

// ---------------------------------------------------------------------------------------------------
// Rules on the dates themselves.

export interface StartDateRules {
  today: IsoDate;
  /** How many days before today a planned filing may start (profile: filing.maxDaysBack). */
  maxDaysBack: number;
  /** How many days after today a filing may start (profile: filing.maxDaysAhead). */
  maxDaysAhead: number;
  /**
   * Already in hospital: the filing is retroactive (补办) and must start on or before admission. With
   * `validityMonths` (a temporary category's validity, from the profile) it must also still be valid
   * on the admission day: a start so early that the filing ends before admission would not cover it.
   */
  retroactive?: { admissionDate: IsoDate; validityMonths?: number | null };
}

/**
 * The start-date rules for a filing of `category` under `profile` (the window from the profile; with an
 * admission date, retroactive, and covering admission for a category valid a number of months).
 */
export function startDateRulesFor(profile: RegionProfile, category: CategoryId | undefined, today: IsoDate, admissionDate?: IsoDate): StartDateRules {
  return {
    today,
    maxDaysBack: profile.startDate.maxDaysBack.value,
    maxDaysAhead: profile.startDate.maxDaysAhead.value,
    ...(admissionDate ? { retroactive: { admissionDate, validityMonths: category ? profile.categories[category].validityMonths : null } } : {}),
  };
}

/**
 * The earliest start of a filing valid `months` months that still covers `date` (its last valid day,
 * validityEndDate, is on or after `date`).
 */
export function earliestStartCovering(date: IsoDate, months: number): IsoDate {
  let start = addDays(addMonths(date, -months), -3);
  while (compareDates(validityEndDate(start, months), date) < 0) start = addDays(start, 1);
  return start;
}

/**
 * A filing's start date. Planned: today − maxDaysBack ≤ date ≤ today + maxDaysAhead.
 * Retroactive: on or before the admission date (maxDaysBack does not apply), and — for a filing valid a
 * number of months — not so early that it has ended by the admission date (START_TOO_EARLY { earliest }).
 */
export function checkStartDate(date: IsoDate, rules: StartDateRules): Check<IsoDate> {
  if (!isIsoDate(date)) return fail('DATE_NOT_RECOGNISED');
  const latest = addDays(rules.today, rules.maxDaysAhead);
  if (rules.retroactive) {
    const { admissionDate, validityMonths } = rules.retroactive;
    if (compareDates(date, admissionDate) > 0) return fail('START_AFTER_ADMISSION', { admissionDate });
    if (validityMonths != null) {
      const earliest = earliestStartCovering(admissionDate, validityMonths);
      if (compareDates(date, earliest) < 0) return fail('START_TOO_EARLY', { earliest });
    }
  } else {
    const earliest = addDays(rules.today, -rules.maxDaysBack);
    if (compareDates(date, earliest) < 0) return fail('START_TOO_EARLY', { earliest });
  }
  if (compareDates(date, latest) > 0) return fail('START_TOO_LATE', { latest });
  return ok(date);
}

/**
 * Dates for the examples shown with the date questions, each satisfying the rule of its question for
 * this today and these rules (never a fixed date that a later today makes wrong):
 * - planned start: `tomorrow` (when the window allows it, else today) and `startDate`, the 1st of next
 *   month when it is in the window, else the same day as the first;
 * - retroactive start: the admission day and the day before (when the filing still covers admission);
 * - admission: `recentDate`, a few days before today.
 */
export function exampleDates(rules: StartDateRules): { tomorrow: IsoDate; startDate: IsoDate; admission: IsoDate; dayBeforeAdmission: IsoDate; recentDate: IsoDate } {
  const { today } = rules;
  const latest = addDays(today, rules.maxDaysAhead);
  const tomorrow = rules.maxDaysAhead >= 1 ? addDays(today, 1) : today;
  const nextMonth = `${addMonths(`${today.slice(0, 7)}-01`, 1)}`;
  const startDate = compareDates(nextMonth, latest) <= 0 ? nextMonth : tomorrow;
  const admission = rules.retroactive?.admissionDate ?? addDays(today, -3);
  const before = addDays(admission, -1);
  const dayBeforeAdmission = checkStartDate(before, { ...rules, retroactive: rules.retroactive ?? { admissionDate: admission } }).ok ? before : admission;
  return { tomorrow, startDate, admission, dayBeforeAdmission, recentDate: addDays(today, -3) };
}

/** An admission date: today or earlier. */
export function checkAdmissionDate(date: IsoDate, today: IsoDate): Check<IsoDate> {
  if (!isIsoDate(date)) return fail('DATE_NOT_RECOGNISED');
  if (compareDates(date, today) > 0) return fail('ADMISSION_IN_FUTURE', { today });
  return ok(date);
}

/**
 * A start date: one date, or a period whose first day is the start ("下个月1号到明年3月1号", "between next
 * Monday and Friday" → its first day). A period that does not read as one stays DATE_AMBIGUOUS.
 */
export function parseStartDate(text: string, opts: DateParseOptions): Check<IsoDate> {
  const date = parseDate(text, opts);
  if (date.ok || date.error !== 'DATE_AMBIGUOUS') return date;
  const range = parseDateRange(text, opts);
  return range.ok ? ok(range.value.start) : date;
}
