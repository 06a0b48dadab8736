import { todayInShanghai } from '../domain/calendar.js';
import { canTransition, statusOn } from '../domain/lifecycle.js';
import { FilingStoreError, isFilingStatus, type FilingStatus } from './filing-store.js';

/**
 * The life-cycle rules every store applies the same way (the rules themselves are the domain's,
 * src/domain/lifecycle.ts): what a status reads as today, and whether a move is allowed.
 */

/** The end date of a filing record (temporary filings), or null. */
export function endDateOf(filing: unknown): string | null {
  const end = (filing as { endDate?: unknown } | null)?.endDate;
  return typeof end === 'string' ? end : null;
}

/** The status as of `now`'s day in Asia/Shanghai: EFFECTIVE past the end date reads EXPIRED. */
export function statusAsOf(status: FilingStatus, filing: unknown, now: Date): FilingStatus {
  return statusOn(status, { endDate: endDateOf(filing) }, todayInShanghai(now));
}

/** Throws BAD_STATUS for an unknown status, ILLEGAL_TRANSITION for a move the life cycle does not allow. */
export function checkTransition(from: FilingStatus, to: FilingStatus): void {
  if (!isFilingStatus(to)) throw new FilingStoreError('BAD_STATUS', 'filing store: unknown filing status');
  if (!canTransition(from, to)) throw new FilingStoreError('ILLEGAL_TRANSITION', `filing store: a ${from} filing cannot become ${to}`);
}
