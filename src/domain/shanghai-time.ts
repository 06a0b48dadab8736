import type { IsoDate } from './calendar.js';

/**
 * Local time in Asia/Shanghai (China Standard Time), the one time zone of the filing rules, the opening
 * hours and the agency's days: UTC+8 all year, no daylight saving. Every reading of an instant as a
 * Shanghai date or time of day, and every Shanghai date or time of day made into an instant, goes
 * through here, whatever the server's own zone (TZ) says.
 */
const OFFSET_MS = 8 * 3_600_000;

/** The zone's IANA name, for Intl formatting of a moment (content/natural.ts). */
export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';

/** The offset as ISO 8601 writes it after a local time. */
export const SHANGHAI_OFFSET = '+08:00';

/** An instant as the wall clock in Shanghai shows it: the date, the ISO weekday (1 = Monday … 7 = Sunday), "HH:MM". */
export function shanghaiClock(at: Date): { date: IsoDate; weekday: number; time: string } {
  // The instant moved by the offset, read in UTC: Shanghai's fields.
  const local = new Date(at.getTime() + OFFSET_MS);
  const iso = local.toISOString();
  return { date: iso.slice(0, 10), weekday: local.getUTCDay() === 0 ? 7 : local.getUTCDay(), time: iso.slice(11, 16) };
}

/** The Shanghai day last asked for, and the instants it spans ([from, to), in ms). */
let lastDay: { from: number; to: number; date: IsoDate } | undefined;

/**
 * Today's date in Asia/Shanghai for the given instant (now when none is given). Asked many times a turn
 * (every question's context), nearly always within the day asked last: that day is answered from its
 * bounds, without formatting the instant.
 */
export function todayInShanghai(now?: Date): IsoDate {
  const at = now === undefined ? Date.now() : now.getTime();
  if (lastDay !== undefined && at >= lastDay.from && at < lastDay.to) return lastDay.date;
  const date = shanghaiClock(new Date(at)).date;
  const from = shanghaiInstant(date).getTime();
  lastDay = { from, to: from + 86_400_000, date };
  return date;
}

/** The instant a Shanghai date and time of day ("HH:MM", midnight when left out) name, e.g. for a day's bounds. */
export function shanghaiInstant(date: IsoDate, time = '00:00'): Date {
  return new Date(`${date}T${time}:00${SHANGHAI_OFFSET}`);
}
