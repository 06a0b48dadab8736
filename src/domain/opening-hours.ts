import { z } from 'zod';
import { shanghaiClock } from './shanghai-time.js';

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

/** Whether the service answers at this instant. */
export function isOpen(hours: OpeningHours, at: Date): boolean {
  const { weekday, time } = shanghaiClock(at);
  return hours.weekdays.includes(weekday) && hours.periods.some((p) => p.from <= time && time < p.to);
}
