import type { Candidate, NluLocale, Reading } from './understanding.js';

/**
 * How long a stay is, from what people say: 两年, 八个月, 半年左右, 一个礼拜, 三五天, 两年多, 不到半年,
 * "for a couple of years", "about 8 months", "less than six months". Calendar lengths only; the
 * long-term threshold is always the profile's, passed in.
 */
export interface Duration {
  /** Best estimate in days. */
  days: number;
  /** "at least" (以上, more than), "at most" (不到, less than), or about / exactly. */
  bound: 'atLeast' | 'atMost' | 'about';
  /** Said with a hedge (左右, 大概, about, roughly): the estimate is loose. */
  hedged: boolean;
}

const DAYS_PER: Record<string, number> = { day: 1, week: 7, month: 30.44, year: 365.25 };

const ZH_UNIT: Array<[RegExp, string]> = [
  [/^(?:个)?(?:星期|礼拜|周)/u, 'week'],
  [/^(?:个)?月/u, 'month'],
  [/^年/u, 'year'],
  [/^(?:天|日)/u, 'day'],
];

const ZH_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 俩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

function zhNumber(s: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  if (s === '十') return 10;
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/u.exec(s);
  if (m) return (m[1] ? ZH_DIGIT[m[1]]! : 1) * 10 + (m[2] ? ZH_DIGIT[m[2]]! : 0);
  if (s.length === 1 && s in ZH_DIGIT) return ZH_DIGIT[s];
  // 三五 (天), 两三 (个月), 一两 (年): two numbers said together are a range; its middle.
  if (s.length === 2 && s[0]! in ZH_DIGIT && s[1]! in ZH_DIGIT) return (ZH_DIGIT[s[0]!]! + ZH_DIGIT[s[1]!]!) / 2;
  return undefined;
}

const AT_LEAST_ZH = /(以上|往上|开外|不止|至少|起码|最少|超过|多于|大于|不少于|好几)/u;
const AT_MOST_ZH = /(不到|以内|之内|以下|少于|最多|顶多|不超过|不满|未满|没到|没有到|不足|内)/u;
const HEDGE_ZH = /(左右|大概|大约|约|差不多|估计|可能|应该|上下|前后)/u;

/** One Chinese duration in the text, or undefined. */
function zhDuration(text: string): Duration | undefined {
  const t = text.replace(/\s+/g, '');
  // 三五天, 两三个月, 一两年: a range of two numbers.
  const NUM = '(\\d+(?:\\.\\d+)?|[一二两俩三四五六七八九十]{1,3}|几|好几|半)';
  const re = new RegExp(`${NUM}([一二两三四五六七八九])?(个半|个多|多个|多|半|来)?(个)?(星期|礼拜|周|月|年|天|日)(半|多)?`, 'gu');
  for (const m of t.matchAll(re)) {
    const [whole, first, second, mid, , unitWord, tail] = m;
    const before = t.slice(Math.max(0, m.index - 4), m.index);
    const after = t.slice(m.index + whole.length, m.index + whole.length + 4);
    // 半年, 半个月; 一年半, 两个半月; 几天, 好几年
    let unit = ZH_UNIT.find(([u]) => u.test(unitWord!))![1];
    // 八月, 3月, 12月 are months of the year, not durations (半月, 两个半月 and 八个月 are).
    if (unitWord === '月' && !whole.includes('个') && first !== '半' && !mid) continue;
    if (unitWord === '日' && first !== '几') continue; // 5日 is a date
    if (unitWord === '周' && /^[一二三四五六日天]$/u.test(after.charAt(0))) continue; // 周一 is a weekday
    if (/^(?:以|之)?前(?!后)/u.test(after)) continue; // 两年前搬过去 is when, not how long (三天前后 is about three days)
    let n: number;
    let bound: Duration['bound'] = 'about';
    if (unit === 'year' && /^\d{3,}/.test(first!)) continue; // 2026年 is a year, not a duration
    if (first === '半') n = 0.5;
    else if (first === '几') n = 3;
    else if (first === '好几') {
      n = 3;
      bound = 'atLeast';
    } else {
      const a = zhNumber(first!);
      if (a === undefined) continue;
      n = second ? (a + (ZH_DIGIT[second] ?? a)) / 2 : a;
      if (second && ZH_DIGIT[second]! < a) n = a; // 十一 read as 1 and 1 never happens; keep the first
    }
    if (mid === '个半' || mid === '半' || tail === '半') n += 0.5;
    if (mid === '个多' || mid === '多个' || mid === '多' || tail === '多') n *= 1.25;
    if (mid === '来') n *= 1.1; // 十来天: ten days or a few more
    if (unit === 'month' && n >= 12 && n % 12 === 0) unit = 'month';
    let days = n * DAYS_PER[unit]!;
    if (AT_LEAST_ZH.test(after) || /(至少|起码|最少|超过|不止|起步)$/u.test(before)) bound = 'atLeast';
    if (/(不到|不满|未满|没到|不足|少于|最多|顶多|不超过|没有)$/u.test(before) || /^(以内|之内|以下|内|不到)/u.test(after)) bound = 'atMost';
    if (bound === 'atLeast' && first === '好几') days = 2 * DAYS_PER[unit]!;
    return { days: Math.round(days), bound, hedged: HEDGE_ZH.test(before + after) || first === '几' || mid === '来' || (zhNumber(first!) ?? 0) % 1 !== 0 };
  }
  return undefined;
}

const EN_NUMBER: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
  twelve: 12, fifteen: 15, eighteen: 18, twenty: 20, thirty: 30, 'a couple of': 2, 'a couple': 2, couple: 2,
  'a few': 3, few: 3, several: 4, some: 3, 'a half': 0.5, half: 0.5,
};

/** One English duration in the text, or undefined. */
function enDuration(text: string): Duration | undefined {
  const t = text.toLowerCase().replace(/\s+/g, ' ');
  const half = /\b(half a|a half|half of a) (year|month)\b/.exec(t);
  const numberWords = Object.keys(EN_NUMBER).sort((a, b) => b.length - a.length).join('|');
  const re = new RegExp(`\\b(\\d+(?:\\.\\d+)?|${numberWords})(?:\\s*(?:or|to|-)\\s*(\\d+|${numberWords}))?(?: and a half)? ?(day|week|month|year|yr|mo)s?\\b( and a half)?`, 'g');
  let found: { n: number; unit: string; index: number; length: number } | undefined;
  if (half) found = { n: 0.5, unit: half[2]!, index: half.index, length: half[0].length };
  else {
    // "two years ago" is when, not how long: the next duration, if any.
    let m = re.exec(t);
    while (m && /^\s*ago\b/.test(t.slice(m.index + m[0].length))) m = re.exec(t);
    if (m) {
      const a = /^\d/.test(m[1]!) ? Number(m[1]) : EN_NUMBER[m[1]!]!;
      const b = m[2] ? (/^\d/.test(m[2]) ? Number(m[2]) : EN_NUMBER[m[2]]!) : undefined;
      let n = b !== undefined ? (a + b) / 2 : a;
      if (/and a half/.test(m[0])) n += 0.5;
      const unit = m[3] === 'yr' ? 'year' : m[3] === 'mo' ? 'month' : m[3]!;
      found = { n, unit, index: m.index, length: m[0].length };
    }
  }
  if (!found) return undefined;
  const before = t.slice(Math.max(0, found.index - 24), found.index);
  const after = t.slice(found.index + found.length, found.index + found.length + 16);
  let bound: Duration['bound'] = 'about';
  if (/(more than|over|at least|longer than|upwards of|plus|or more|minimum of)\s*$/.test(before) || /^\s*(or more|plus|or longer|\+)/.test(after)) bound = 'atLeast';
  if (/(less than|under|within|at most|no more than|not even|fewer than|shorter than|up to|only|just)\s*$/.test(before) || /^\s*(or less|at most|max)/.test(after)) bound = 'atMost';
  const hedged = /(about|around|roughly|approximately|maybe|probably|perhaps|or so|ish|give or take)/.test(before + after) || /couple|few|several/.test(t.slice(found.index, found.index + found.length));
  return { days: Math.round(found.n * DAYS_PER[found.unit]!), bound, hedged };
}

export function readDuration(text: string, locale: NluLocale): Duration | undefined {
  const t = text.normalize('NFKC');
  return locale === 'zh-CN' ? (zhDuration(t) ?? enDuration(t)) : (enDuration(t) ?? zhDuration(t));
}

/** How far from the threshold a point estimate must be to be judged confidently (a share of the threshold). */
const MARGIN = 0.1;
const HEDGED_MARGIN = 0.15;

/**
 * A stay judged against the long-term threshold: clearly longer → yes, clearly shorter → no; near the
 * threshold (半年左右 against 180 days) the two readings are close and the person is asked.
 */
export function judgeDuration(d: Duration, thresholdDays: number): Reading<'yes' | 'no'> {
  const ratio = d.days / thresholdDays;
  const margin = d.hedged ? HEDGED_MARGIN : MARGIN;
  const close = (yesScore: number): Reading<'yes' | 'no'> => {
    const candidates: Array<Candidate<'yes' | 'no'>> = [
      { value: 'yes', score: yesScore },
      { value: 'no', score: 1 - yesScore },
    ];
    return { status: 'close', candidates: candidates.sort((a, b) => b.score - a.score) };
  };
  if (d.bound === 'atLeast') {
    if (ratio >= 1 - margin / 4) return { status: 'confident', value: 'yes', score: 0.95 };
    return ratio >= 1 - margin * 2 ? close(0.55) : { status: 'none' };
  }
  if (d.bound === 'atMost') {
    if (ratio <= 1 + margin / 4) return { status: 'confident', value: 'no', score: 0.95 };
    return ratio <= 1 + margin * 2 ? close(0.45) : { status: 'none' };
  }
  if (ratio >= 1 + margin) return { status: 'confident', value: 'yes', score: 0.9 };
  if (ratio <= 1 - margin) return { status: 'confident', value: 'no', score: 0.9 };
  return close(ratio >= 1 ? 0.55 : 0.45);
}
