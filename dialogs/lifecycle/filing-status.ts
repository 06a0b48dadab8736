import { addMonths, compareDates } from '../../src/domain/calendar.js';
import { groupOf, isCategory } from '../../src/domain/categories.js';
import { maskPersonName } from '../../src/domain/person-name.js';
import { maskMobile } from '../../src/domain/phone.js';
import { statusOn, type FilingStatus } from '../../src/domain/lifecycle.js';
import type { RegionProfile } from '../../src/domain/profile.js';
import type { StoredFiling } from '../../src/filings/filing-store.js';
import type { TurnKit } from '../turn-kit.js';
import { recordOf } from './lifecycle-host.js';

/** A filing's status as of today (an EFFECTIVE temporary filing past its end date is EXPIRED). */
export function statusToday(stored: StoredFiling, today: string): FilingStatus {
  return statusOn(stored.status, { endDate: recordOf(stored).endDate ?? null }, today);
}

/** The agency's reason for a rejection, from the filing's audit trail. */
function rejectionReason(stored: StoredFiling): string | undefined {
  const event = [...(stored.history ?? [])].reverse().find((h) => h.to === 'REJECTED');
  return event?.reason?.trim() || undefined;
}

/** Sentence placeholders of the filing's own profile: its agency and hotline speak, not those of the conversation's. */
export function filingParams(kit: TurnKit, profile: RegionProfile): Record<string, string> {
  return { agency: profile.agency.value[kit.locale], hotline: profile.hotline.value, hours: profile.hotlineHours.value[kit.locale] };
}

/**
 * What "check my filing" shows once identity is proven: the reference, whose it is (masked), category,
 * status as of today (with the agency's reason for a rejection), start and validity, institutions, and what
 * to do next for that status — every word from content/, the filing's profile speaking.
 */
export function filingStatusText(kit: TurnKit, stored: StoredFiling, profile: RegionProfile): string {
  const f = recordOf(stored);
  const today = kit.deps.today();
  const status = statusToday(stored, today);
  const params = filingParams(kit, profile);
  const row = (label: string, value: string) => kit.t('messages.summaryRow', { label: kit.t(`pages.receipt.${label}`), value });
  const institutions = f.institutions ?? [];
  const reason = status === 'REJECTED' ? rejectionReason(stored) : undefined;
  const lines = [
    kit.t('lifecycle.check.heading', { reference: stored.reference }),
    ...(f.person?.name ? [row('person', maskPersonName(f.person.name))] : []),
    ...(f.person?.phone ? [row('phone', maskMobile(f.person.phone))] : []),
    row('category', isCategory(stored.category) ? profile.categories[stored.category].name[kit.locale] : stored.category),
    row('status', kit.t('lifecycle.check.statusAsOf', { status: kit.t(`pages.receipt.statuses.${status}`), today })),
    ...(status === 'REJECTED' ? [kit.t('lifecycle.check.reason', { reason: reason ?? kit.t('lifecycle.check.noReason') })] : []),
    ...(f.startDate ? [row('startDate', kit.t('lifecycle.check.date', { date: f.startDate }))] : []),
    row('validity', f.endDate ? kit.t('pages.receipt.validityFixed', { endDate: f.endDate }) : kit.t('pages.receipt.validityOpen')),
    ...(institutions.length > 0 ? [row('institutions', institutions.join(kit.t('common.listSeparator')))] : []),
  ];
  const next = kit.t(`lifecycle.next.${status}`, { ...params, reference: stored.reference, endDate: f.endDate ?? '', replacedBy: stored.replacedBy ?? '' });
  return [lines.join('\n'), kit.t('lifecycle.check.nextHeading'), next].join('\n\n');
}

/**
 * Under a profile that sets no wait of its own but caps the wait an insured place may set (the national
 * baseline: at most 6 months), a cancel or change of a long-term filing within the cap is told that rule:
 * the insured place may still ask the person to wait, until `latest` at the most.
 */
export function waitCapNote(kit: TurnKit, stored: StoredFiling, profile: RegionProfile, action: 'cancel' | 'change'): string | undefined {
  const f = recordOf(stored);
  if (!isCategory(stored.category) || groupOf(stored.category) !== 'LONG_TERM' || !f.startDate) return undefined;
  const months = profile.longTerm.maxMonthsBeforeChangeOrCancel.value;
  if (profile.longTerm.minDaysBeforeCancel.value !== null || months === null) return undefined;
  const latest = addMonths(f.startDate, months);
  if (compareDates(kit.deps.today(), latest) >= 0) return undefined;
  return kit.t(`lifecycle.${action}.cap`, { ...filingParams(kit, profile), months, latest });
}
