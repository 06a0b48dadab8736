import { SHANGHAI_TIME_ZONE } from '../domain/shanghai-time.js';
import type { Locale, Texts } from './texts.js';

/**
 * How dates, moments and durations read in each language, wherever the assistant shows them: in the
 * chat's replies (dialogs/), on the receipt and the privacy notice (src/pages/), on the page (its words).
 */

const DATE_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }),
  // "6 December 2026": the day before the month reads the same to every English reader.
  'en-US': new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }),
};
const TIME_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: SHANGHAI_TIME_ZONE }),
  'en-US': new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: SHANGHAI_TIME_ZONE }),
};

/** A calendar date exactly as the domain keeps it (2026-12-06). */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Dates as people read them, by locale: formatted once each (a turn's sentences name the same few dates again and again). */
const NATURAL_DATES: Record<Locale, Map<string, string>> = { 'zh-CN': new Map(), 'en-US': new Map() };
/** Formatted dates kept at most per locale (a few a day are asked for: today, tomorrow, the examples' dates). */
const MAX_NATURAL_DATES = 5_000;

/** A calendar date (2026-12-06) as people read it: 2026年12月6日, 6 December 2026. Anything else is returned as it is. */
export function naturalDate(date: string, locale: Locale): string {
  const known = NATURAL_DATES[locale]?.get(date);
  if (known !== undefined) return known;
  const parsed = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!parsed) return date;
  const natural = DATE_FORMATS[locale].format(new Date(Date.UTC(Number(parsed[1]), Number(parsed[2]) - 1, Number(parsed[3]))));
  const kept = NATURAL_DATES[locale];
  if (kept.size < MAX_NATURAL_DATES) kept.set(date, natural);
  return natural;
}

/** A moment (ISO date-time) in Beijing time: 2026年12月6日 15:20, 6 December 2026 at 15:20. */
export function naturalTime(iso: string, locale: Locale): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : TIME_FORMATS[locale].format(at);
}

/** Placeholders as people read them: every value that is a calendar date (2026-12-06) becomes a natural one. */
export function naturalParams<P extends Record<string, string | number | undefined>>(params: P, locale: Locale): P {
  let changed: Record<string, string | number | undefined> | undefined;
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string' && ISO_DATE.test(value)) (changed ??= { ...params })[key] = naturalDate(value, locale);
  }
  return (changed ?? params) as P;
}

/** A whole number of seconds as people say it: "24 小时", "30 days", "1 day", "90 minutes" (content: common.duration). */
export function durationText(texts: Texts, locale: Locale, seconds: number): string {
  const say = (unit: 'minute' | 'hour' | 'day', n: number) => texts.t(locale, `common.duration.${unit}${n === 1 ? '' : 's'}`, { n });
  if (seconds >= 86_400 && seconds % 86_400 === 0) return say('day', seconds / 86_400);
  if (seconds >= 3600 && seconds % 3600 === 0) return say('hour', seconds / 3600);
  return say('minute', Math.max(1, Math.round(seconds / 60)));
}
