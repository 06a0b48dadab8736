import { naturalDate } from '../content/natural.js';
import { resolveLocale, type Locale, type Texts } from '../content/texts.js';
import { resolveProfile, speakingProfile, type RegionProfile } from '../domain/profile.js';
import type { Notice, StoredFiling } from '../filings/filing-store.js';
import { endDateOf } from '../filings/status-rules.js';
import type { NoticeWords } from './delivery.js';

/**
 * The words of a notice (content/locales/<locale>/notices.json), in the locale the person filed in: the
 * reference, the category's name and what happened (the agency's reason for a rejection, the last day
 * before an expiry). No personal data: a notice may show on a lock screen.
 *
 * As a text message (`words` 'sms', notices.sms.*) it is shorter still: the reference, the status and what
 * to do next, with the hotline — never the agency's reason for a rejection (free words that may name the
 * person), the category or anything personal.
 */
export function noticeText(
  notice: Notice,
  stored: StoredFiling,
  deps: { texts: Texts; profiles: Map<string, RegionProfile>; defaultRegion: string },
  words: NoticeWords = 'chat',
): { text: string; locale: Locale } {
  const locale = resolveLocale(stored.origin?.locale);
  const { texts } = deps;
  // As the receipt does: the insured place's profile, or the default speaking with the fallback contact
  // (a notice never names an agency that does not decide for the person).
  const resolved = resolveProfile(deps.profiles, (stored.filing as { insuredPlace?: string }).insuredPlace, deps.defaultRegion);
  const profile = speakingProfile(resolved.profile, resolved.fallback);
  const category = (profile.categories as Record<string, { name: Record<Locale, string> } | undefined>)[stored.category]?.name[locale] ?? stored.category;
  const base = { reference: stored.reference, category };
  if (words === 'sms') return { locale, text: smsText(notice, stored, texts, locale, profile) };
  if (notice.kind === 'EXPIRING') {
    return { locale, text: texts.t(locale, 'notices.expiring', { ...base, endDate: endDateWords(stored, locale) }) };
  }
  if (notice.status === 'EFFECTIVE') return { locale, text: texts.t(locale, 'notices.status.EFFECTIVE', base) };
  if (notice.status === 'REJECTED') {
    const reason = [...stored.history].reverse().find((e) => e.to === 'REJECTED')?.reason ?? texts.t(locale, 'notices.noReason');
    return { locale, text: texts.t(locale, 'notices.status.REJECTED', { ...base, reason: reason.replace(/[。.\s]+$/u, ''), hotline: profile.hotline.value }) };
  }
  return { locale, text: texts.t(locale, 'notices.status.other', { ...base, status: texts.t(locale, `pages.receipt.statuses.${notice.status}`) }) };
}

/** The text message's words: notices.sms.<EFFECTIVE | REJECTED | other | expiring>. */
function smsText(notice: Notice, stored: StoredFiling, texts: Texts, locale: Locale, profile: RegionProfile): string {
  const params = { reference: stored.reference, hotline: profile.hotline.value };
  if (notice.kind === 'EXPIRING') {
    return texts.t(locale, 'notices.sms.expiring', { ...params, endDate: endDateWords(stored, locale) });
  }
  if (notice.status === 'EFFECTIVE' || notice.status === 'REJECTED') return texts.t(locale, `notices.sms.${notice.status}`, params);
  return texts.t(locale, 'notices.sms.other', { ...params, status: texts.t(locale, `pages.receipt.statuses.${notice.status}`) });
}

/** The filing's last day in words, or nothing when it has none. */
function endDateWords(stored: StoredFiling, locale: Locale): string {
  const end = endDateOf(stored.filing);
  return end ? naturalDate(end, locale) : '';
}
