/**
 * Calendar arithmetic on ISO dates ("YYYY-MM-DD"), as the filing rules count them: whole days and
 * calendar months in China Standard Time. No time of day, no time zone drift.
 */
export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  const m = ISO.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

function toUtc(date: IsoDate): Date {
  if (!isIsoDate(date)) throw new RangeError(`not an ISO date: ${date}`);
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

function fromUtc(dt: Date): IsoDate {
  return dt.toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const dt = toUtc(date);
  dt.setUTCDate(dt.getUTCDate() + days);
  return fromUtc(dt);
}

/** Adds calendar months; a day that does not exist in the target month becomes that month's last day. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const dt = toUtc(date);
  const day = dt.getUTCDate();
  const target = new Date(Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return fromUtc(target);
}

/** Whole days from a to b (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((toUtc(b).getTime() - toUtc(a).getTime()) / 86_400_000);
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Today's date in Asia/Shanghai for the given instant (shanghai-time.ts: where local time is read). */
export { todayInShanghai } from './shanghai-time.js';

/**
 * The last day a temporary filing is valid, inclusive. Decision: a filing valid N months from its start
 * ends the day before its N-month anniversary, so it covers exactly N calendar months and never tells the
 * person they are covered a day longer than the rule says (start 2026-03-01, 12 months → 2027-02-28).
 * When the anniversary does not exist (start on the 31st, or 29 February), the period ends on the last
 * day of that month, as if the anniversary were the 1st of the next month (2026-08-31 + 6 → 2027-02-28).
 */
export function validityEndDate(start: IsoDate, months: number): IsoDate {
  const anniversary = addMonths(start, months);
  const clamped = Number(anniversary.slice(8)) < Number(start.slice(8));
  return clamped ? anniversary : addDays(anniversary, -1);
}
