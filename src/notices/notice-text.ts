import { naturalDate } from '../content/natural.js';
import { resolveLocale, type Locale, type Texts } from '../content/texts.js';
import type { RegionProfile } from '../domain/profile.js';
import type { Notice, StoredFiling } from '../filings/filing-store.js';

/**
 * The words of a notice (content/locales/<locale>/notices.json), in the locale the person filed in: the
 * reference, the category's name and what happened (the agency's reason for a rejection, the last day
 * before an expiry). No personal data: a notice may show on a lock screen.
 */
export function noticeText(notice: Notice, stored: StoredFiling, deps: { texts: Texts; profiles: Map<string, RegionProfile>; defaultRegion: string }): { text: string; locale: Locale } {
  const locale = resolveLocale(stored.origin?.locale);
  const { texts } = deps;
  const profile = deps.profiles.get(stored.profileId) ?? deps.profiles.get(deps.defaultRegion)!;
  const category = (profile.categories as Record<string, { name: Record<Locale, string> } | undefined>)[stored.category]?.name[locale] ?? stored.category;
  const base = { reference: stored.reference, category };
  if (notice.kind === 'EXPIRING') {
    const end = (stored.filing as { endDate?: unknown }).endDate;
    return { locale, text: texts.t(locale, 'notices.expiring', { ...base, endDate: typeof end === 'string' ? naturalDate(end, locale) : '' }) };
  }
  if (notice.status === 'EFFECTIVE') return { locale, text: texts.t(locale, 'notices.status.EFFECTIVE', base) };
  if (notice.status === 'REJECTED') {
    const reason = [...stored.history].reverse().find((e) => e.to === 'REJECTED')?.reason ?? texts.t(locale, 'notices.noReason');
    return { locale, text: texts.t(locale, 'notices.status.REJECTED', { ...base, reason: reason.replace(/[。.\s]+$/u, ''), hotline: profile.hotline.value }) };
  }
  return { locale, text: texts.t(locale, 'notices.status.other', { ...base, status: texts.t(locale, `pages.receipt.statuses.${notice.status}`) }) };
}
