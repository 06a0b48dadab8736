import { compareDates, validityEndDate, type IsoDate } from './calendar.js';
import { earliestCancelDateOf } from './consequences.js';
import type { Filing } from './filing.js';
import type { RegionProfile } from './profile.js';
import { fail, ok, type Check } from './result.js';

/**
 * The life of a submitted filing (shared/domain.md §4.3):
 *   SUBMITTED → EFFECTIVE | REJECTED;  EFFECTIVE → CHANGED | CANCELLED | EXPIRED.
 * REJECTED, CHANGED, CANCELLED and EXPIRED are final (a change makes a new filing).
 * The draft stages (DRAFT, VALIDATED) live in the conversation, not here.
 */
export const FILING_STATUSES = ['SUBMITTED', 'EFFECTIVE', 'REJECTED', 'CHANGED', 'CANCELLED', 'EXPIRED'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

const NEXT: Record<FilingStatus, readonly FilingStatus[]> = {
  SUBMITTED: ['EFFECTIVE', 'REJECTED'],
  EFFECTIVE: ['CHANGED', 'CANCELLED', 'EXPIRED'],
  REJECTED: [],
  CHANGED: [],
  CANCELLED: [],
  EXPIRED: [],
};

export function canTransition(from: FilingStatus, to: FilingStatus): boolean {
  return NEXT[from].includes(to);
}

/** The next status, or ILLEGAL_TRANSITION { from, to }. */
export function transition(from: FilingStatus, to: FilingStatus): Check<FilingStatus> {
  return canTransition(from, to) ? ok(to) : fail('ILLEGAL_TRANSITION', { from, to });
}

/** The part of a filing the lifecycle rules read; `status` when the caller knows it. */
export type LifecycleFiling = Pick<Filing, 'category' | 'startDate' | 'endDate'> & { status?: FilingStatus };

/** A temporary filing has expired once today is after its last valid day; a long-term one never does. */
export function isExpired(filing: Pick<Filing, 'endDate'>, today: IsoDate): boolean {
  return filing.endDate !== null && compareDates(today, filing.endDate) > 0;
}

/** The status as of today: an EFFECTIVE temporary filing past its end date is EXPIRED. */
export function statusOn(status: FilingStatus, filing: Pick<Filing, 'endDate'>, today: IsoDate): FilingStatus {
  return status === 'EFFECTIVE' && isExpired(filing, today) ? 'EXPIRED' : status;
}

/** The first day this filing may be cancelled, or null when there is no wait. */
export function earliestCancelDate(filing: Pick<Filing, 'category' | 'startDate'>, profile: RegionProfile): IsoDate | null {
  return earliestCancelDateOf(filing.category, profile, filing.startDate);
}

/**
 * May the person cancel this filing today? Errors, in the order they are tested:
 * - NOT_CANCELLABLE { status }: the filing is not EFFECTIVE (when the status is given);
 * - FILING_EXPIRED { endDate }: a temporary filing past its last valid day;
 * - CANCEL_TOO_EARLY { earliest }: a long-term filing before start + profile.longTerm.minDaysBeforeCancel
 *   (Rizhao: started 2026-01-01 → refused on 2026-03-01, day 59; allowed from 2026-03-02, day 60).
 */
export function canCancel(filing: LifecycleFiling, profile: RegionProfile, today: IsoDate): Check<true> {
  if (filing.status !== undefined && !canTransition(statusOn(filing.status, filing, today), 'CANCELLED')) {
    return fail('NOT_CANCELLABLE', { status: statusOn(filing.status, filing, today) });
  }
  if (filing.endDate !== null && isExpired(filing, today)) return fail('FILING_EXPIRED', { endDate: filing.endDate });
  const earliest = earliestCancelDate(filing, profile);
  if (earliest !== null && compareDates(today, earliest) < 0) return fail('CANCEL_TOO_EARLY', { earliest });
  return ok(true);
}

/** The first and last day a changed end date may be (both inclusive), and the end date it has now. */
export interface EndDateBounds {
  current: IsoDate;
  earliest: IsoDate;
  latest: IsoDate;
}

/**
 * May the person change this filing's end date today, and to which days? Only a filing with an end date
 * (a temporary one: a long-term filing is open-ended, valid until cancelled) under a profile that lets a
 * person change it (profile.temporary.endDateChange). Errors, in the order they are tested:
 * - END_DATE_NONE: the filing has no end date (long-term);
 * - END_DATE_FIXED { endDate }: the profile sets the end date (Rizhao: start + 12 months);
 * - END_DATE_NO_ROOM { endDate }: no day is left between the bounds.
 * The bounds: not before today, nor before start + minValidityMonths (the start when null), nor after
 * start + maxValidityMonths (each counted as validityEndDate counts a validity).
 */
export function endDateBounds(filing: Pick<Filing, 'startDate' | 'endDate'>, profile: RegionProfile, today: IsoDate): Check<EndDateBounds> {
  if (filing.endDate === null) return fail('END_DATE_NONE');
  const rule = profile.temporary.endDateChange;
  if (!rule.allowed.value) return fail('END_DATE_FIXED', { endDate: filing.endDate });
  const min = rule.minValidityMonths.value;
  const floor = min === null ? filing.startDate : validityEndDate(filing.startDate, min);
  const earliest = compareDates(floor, today) > 0 ? floor : today;
  const latest = validityEndDate(filing.startDate, rule.maxValidityMonths.value);
  if (compareDates(earliest, latest) > 0) return fail('END_DATE_NO_ROOM', { endDate: filing.endDate });
  return ok({ current: filing.endDate, earliest, latest });
}

/**
 * A new end date within its bounds: END_DATE_TOO_EARLY { earliest }, END_DATE_TOO_LATE { latest }, or
 * END_DATE_UNCHANGED { endDate } when it is the end date the filing already has.
 */
export function checkNewEndDate(date: IsoDate, bounds: EndDateBounds): Check<IsoDate> {
  if (compareDates(date, bounds.earliest) < 0) return fail('END_DATE_TOO_EARLY', { earliest: bounds.earliest });
  if (compareDates(date, bounds.latest) > 0) return fail('END_DATE_TOO_LATE', { latest: bounds.latest });
  if (date === bounds.current) return fail('END_DATE_UNCHANGED', { endDate: date });
  return ok(date);
}
