import { z } from 'zod';

/** "08:30": a time of day, 24-hour clock. */
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');

/**
 * When a service answers, as data: ISO weekdays (1 = Monday … 7 = Sunday) and periods of the day in
 * Asia/Shanghai time ("from" inclusive, "to" exclusive). Public holidays are not known here.
 */
export const openingHoursSchema = z
  .object({
    weekdays: z.array(z.number().int().min(1).max(7)).min(1),
    periods: z
      .array(z.object({ from: timeOfDay, to: timeOfDay }).strict().refine((p) => p.from < p.to, { message: 'from must be before to', path: ['to'] }))
      .min(1),
  })
  .strict();

export type OpeningHours = z.infer<typeof openingHoursSchema>;

/** UTC+8, in milliseconds. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The weekday (1 = Monday) and "HH:MM" of an instant in Asia/Shanghai (UTC+8 all year, no daylight saving). */
export function shanghaiClock(at: Date): { weekday: number; time: string } {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  const time = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return { weekday, time };
}

/** Whether the service answers at this instant. */
export function isOpen(hours: OpeningHours, at: Date): boolean {
  const { weekday, time } = shanghaiClock(at);
  return hours.weekdays.includes(weekday) && hours.periods.some((p) => p.from <= time && time < p.to);
}
