import type { Locale, Texts } from '../content/texts.js';

/**
 * A page beside the chat (the privacy notice, a filing's receipt) as words only, in one language: the
 * web channel renders it as HTML with its own print styles. Every string is already worded from
 * content/, the region profile and the configuration; the renderer adds no words of its own.
 */
export interface DocumentView {
  locale: Locale;
  title: string;
  /** A line under the title (whose service this is). */
  lead?: string;
  /** A value shown in large type with a copy button, e.g. the filing's reference. */
  highlight?: { label: string; value: string; copy: string; copied: string };
  sections: DocumentSection[];
  /** Closing lines (contact). */
  notes?: string[];
  /** The words of the page's own controls. */
  controls: { back: string; print?: string };
}

export interface DocumentSection {
  heading: string;
  /** Label and value pairs, one per line. */
  rows?: Array<{ label: string; value: string; lines?: string[] }>;
  /** A bulleted list. */
  items?: string[];
  paragraphs?: string[];
}

/** A whole number of seconds as people say it: "24 小时", "30 days", "1 day", "90 minutes". */
export function durationText(texts: Texts, locale: Locale, seconds: number): string {
  const say = (unit: 'minute' | 'hour' | 'day', n: number) => texts.t(locale, `pages.duration.${unit}${n === 1 ? '' : 's'}`, { n });
  if (seconds >= 86_400 && seconds % 86_400 === 0) return say('day', seconds / 86_400);
  if (seconds >= 3600 && seconds % 3600 === 0) return say('hour', seconds / 3600);
  return say('minute', Math.max(1, Math.round(seconds / 60)));
}

const DATE_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }),
  // "6 December 2026": the day before the month reads the same to every English reader.
  'en-US': new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }),
};
const TIME_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' }),
  'en-US': new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' }),
};

/** A calendar date (2026-12-06) as people read it: 2026年12月6日, 6 December 2026. */
export function naturalDate(date: string, locale: Locale): string {
  const parsed = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!parsed) return date;
  return DATE_FORMATS[locale].format(new Date(Date.UTC(Number(parsed[1]), Number(parsed[2]) - 1, Number(parsed[3]))));
}

/** A moment (ISO date-time) in Beijing time: 2026年12月6日 15:20, 6 December 2026 at 15:20. */
export function naturalTime(iso: string, locale: Locale): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : TIME_FORMATS[locale].format(at);
}
