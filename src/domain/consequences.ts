import { addDays, validityEndDate, type IsoDate } from './calendar.js';

export { validityEndDate };
import { groupOf, isCategory, type CategoryGroup, type CategoryId } from './categories.js';
import type { RegionProfile } from './profile.js';
import type { Outcome } from './situation.js';

/**
 * What a filing category means for the person (shared/domain.md §4), under one region profile: as data
 * for the code, and as an ordered list of item codes that content/locales/<locale>/consequences.json
 * renders. No amount or percentage is ever produced: ratios, deductible and approval belong to the
 * insured place's agency, and the last item always says so.
 *
 * Item params hold numbers and ISO dates. The placeholders {agency} and {hotline} are the profile's
 * own words: fill them with `profileParams(profile, locale)` when rendering any item.
 */
export interface ConsequenceItem {
  code: string;
  params?: Record<string, string | number>;
}

export type Validity = { kind: 'OPEN_ENDED' } | { kind: 'FIXED'; months: number; endDate: IsoDate } | { kind: 'DEEMED_FILED' };

export interface Consequences {
  category: CategoryId;
  group: CategoryGroup;
  insuredPlaceCard: 'SUSPENDED' | 'USABLE';
  validity: Validity;
  earliestCancelDate: IsoDate | null;
  designatedInstitutions: { min: number; max: number } | null;
  /** What the person must hear, in order, each rendered by content. */
  items: ConsequenceItem[];
}

/** The item codes, each a key of consequences.json (the content test checks both locales have them all). */
export const CONSEQUENCE_ITEM_CODES = [
  'EMERGENCY_TREAT_FIRST',
  'EMERGENCY_DEEMED_FILED',
  'EMERGENCY_POST_FILING',
  'EMERGENCY_TELL_HOSPITAL',
  'RETROACTIVE_BEFORE_DISCHARGE',
  'VALIDITY_OPEN_ENDED',
  'VALIDITY_FIXED',
  'VALIDITY_FIXED_PROVISIONAL',
  'MULTIPLE_VISITS',
  'CARD_SUSPENDED_AT_HOME',
  'CARD_USABLE_BOTH_PLACES',
  'HOME_BENEFIT_AT_LEAST_REFERRAL_LEVEL',
  'CANCEL_AFTER_DAYS',
  'CANCEL_AFTER_DAYS_PROVISIONAL',
  'RATIO_MAY_BE_LOWER',
  'CHOOSE_INSTITUTIONS',
  'CHOSEN_INSTITUTIONS',
  'NETWORKED_INSTITUTIONS_ONLY',
  'AGENCY_DECIDES_BENEFITS',
] as const;

/** The codes of an Alternative's differences, keys of consequences.json as well. */
export const DIFFERENCE_CODES = [
  'DIFF_CARD_USABLE_BOTH_PLACES',
  'DIFF_CARD_SUSPENDED_AT_HOME',
  'DIFF_VALIDITY_FIXED',
  'DIFF_VALIDITY_FIXED_PROVISIONAL',
  'DIFF_VALIDITY_OPEN_ENDED',
  'DIFF_CANCEL_AFTER_DAYS',
  'DIFF_CANCEL_AFTER_DAYS_PROVISIONAL',
  'DIFF_NO_CANCEL_WAIT',
  'DIFF_CANCEL_WAIT_UNCONFIRMED',
  'DIFF_RATIO_MAY_BE_LOWER',
  'DIFF_RATIO_MAY_BE_HIGHER',
  'DIFF_NEEDS_REFERRAL',
  'DIFF_PROOF_OF_RESIDENCE',
  'DIFF_OTHERWISE_SAME',
  'DIFF_AGENCY_DECIDES',
] as const;

export type ProfileLocale = keyof RegionProfile['name'];

/** The profile's own words for the {agency} and {hotline} placeholders, in one locale. */
export function profileParams(profile: RegionProfile, locale: ProfileLocale): { agency: string; hotline: string } {
  return { agency: profile.agency.value[locale], hotline: profile.hotline.value };
}

function cardOf(category: CategoryId, profile: RegionProfile): 'SUSPENDED' | 'USABLE' {
  return groupOf(category) === 'LONG_TERM' ? profile.longTerm.insuredPlaceCard.value : profile.temporary.insuredPlaceCard.value;
}

function validityOf(category: CategoryId, profile: RegionProfile, start: IsoDate): Validity {
  if (category === 'TMP_EMERGENCY' && profile.emergency.deemedFiled.value) return { kind: 'DEEMED_FILED' };
  const months = profile.categories[category].validityMonths;
  return months === null ? { kind: 'OPEN_ENDED' } : { kind: 'FIXED', months, endDate: validityEndDate(start, months) };
}

/**
 * The first day a filing of this category may be cancelled: start + the profile's wait for its group
 * (Rizhao long-term: 60 days, so a filing starting 2026-01-01 may be cancelled from 2026-03-02); null
 * when there is no wait or it is not known. A temporary filing's wait counts only when the profile marks
 * it confirmed (domain.md §4.3: UNCONFIRMED).
 */
export function earliestCancelDateOf(category: CategoryId, profile: RegionProfile, start: IsoDate): IsoDate | null {
  const days = cancelWaitDays(category, profile);
  return days !== null && days !== undefined ? addDays(start, days) : null;
}

/** The cancel wait in days for a category: a number, null for none, undefined when it is not confirmed. */
function cancelWaitDays(category: CategoryId, profile: RegionProfile): number | null | undefined {
  if (groupOf(category) === 'LONG_TERM') return profile.longTerm.minDaysBeforeCancel.value;
  const wait = profile.temporary.minDaysBeforeCancel;
  return wait.confirmed ? wait.value : undefined;
}

/**
 * The start the consequences are counted from. `provisional`: the person has not given a start date yet
 * (today or the admission date stands in), so dated items are told as "if it starts on {start}" (the
 * *_PROVISIONAL codes) instead of as fact.
 */
export interface ConsequenceDates {
  start: IsoDate;
  provisional?: boolean;
}

/**
 * An item dated from the start: told as fact once the start is known, else as "if it starts on {start}"
 * (its *_PROVISIONAL code, with the start among its params).
 */
function dated(code: string, params: Record<string, string | number>, dates: ConsequenceDates): ConsequenceItem {
  return dates.provisional ? { code: `${code}_PROVISIONAL`, params: { ...params, start: dates.start } } : { code, params };
}

/**
 * The consequences of filing `category` starting on `dates.start`. `options.retroactive` (already in
 * hospital) adds the reminder to have the hospital re-check the bill once filed. `options.chosenInstitutions`
 * (the count the person chose, after the details) replaces "choose 1 to 3" by "you chose these"
 * (CHOSEN_INSTITUTIONS { count }; the names are the dialog's to show).
 *
 * The national cap on an agency's change/cancel wait (profile longTerm.maxMonthsBeforeChangeOrCancel) is
 * a rule for agencies, not something the person can act on: it stays in the profile and is not told.
 */
export function consequencesOf(
  category: CategoryId,
  profile: RegionProfile,
  dates: ConsequenceDates,
  options: { retroactive?: boolean; chosenInstitutions?: number } = {},
): Consequences {
  const group = groupOf(category);
  const insuredPlaceCard = cardOf(category, profile);
  const validity = validityOf(category, profile, dates.start);
  const earliestCancelDate = earliestCancelDateOf(category, profile, dates.start);
  const institutionsRequired = category !== 'TMP_EMERGENCY' && profile.designatedInstitutions.required.value;
  const designatedInstitutions = institutionsRequired ? { min: profile.designatedInstitutions.min, max: profile.designatedInstitutions.max } : null;
  const items: ConsequenceItem[] = [];

  if (category === 'TMP_EMERGENCY') {
    items.push({ code: 'EMERGENCY_TREAT_FIRST' });
    if (validity.kind === 'DEEMED_FILED') items.push({ code: 'EMERGENCY_DEEMED_FILED' });
    const postDays = profile.emergency.postFilingDays.value;
    if (postDays !== null) items.push({ code: 'EMERGENCY_POST_FILING', params: { days: postDays } });
    items.push({ code: 'EMERGENCY_TELL_HOSPITAL' });
  }
  if (options.retroactive && category !== 'TMP_EMERGENCY') items.push({ code: 'RETROACTIVE_BEFORE_DISCHARGE' });

  if (validity.kind === 'OPEN_ENDED') items.push({ code: 'VALIDITY_OPEN_ENDED' });
  if (validity.kind === 'FIXED') {
    items.push(dated('VALIDITY_FIXED', { months: validity.months, start: dates.start, endDate: validity.endDate }, dates));
  }
  if (group === 'TEMPORARY' && category !== 'TMP_EMERGENCY' && profile.temporary.multipleVisits.value) items.push({ code: 'MULTIPLE_VISITS' });

  items.push({ code: insuredPlaceCard === 'SUSPENDED' ? 'CARD_SUSPENDED_AT_HOME' : 'CARD_USABLE_BOTH_PLACES' });
  // National rule (医保发〔2022〕22号): a long-term filer who keeps the home card gets at home at least
  // the cross-province referral level.
  if (group === 'LONG_TERM' && insuredPlaceCard === 'USABLE') items.push({ code: 'HOME_BENEFIT_AT_LEAST_REFERRAL_LEVEL' });

  if (earliestCancelDate !== null) {
    items.push(dated('CANCEL_AFTER_DAYS', { days: cancelWaitDays(category, profile)!, earliest: earliestCancelDate }, dates));
  }

  if (group === 'TEMPORARY') items.push({ code: 'RATIO_MAY_BE_LOWER' });
  if (designatedInstitutions) {
    const chosen = options.chosenInstitutions;
    items.push(chosen ? { code: 'CHOSEN_INSTITUTIONS', params: { count: chosen } } : { code: 'CHOOSE_INSTITUTIONS', params: { ...designatedInstitutions } });
  }
  items.push({ code: 'NETWORKED_INSTITUTIONS_ONLY' });
  items.push({ code: 'AGENCY_DECIDES_BENEFITS' });

  return { category, group, insuredPlaceCard, validity, earliestCancelDate, designatedInstitutions, items };
}

export interface Alternative {
  category: CategoryId;
  /** What would change with the alternative, in order; the last item says the agency decides. */
  differences: ConsequenceItem[];
}

/**
 * Relative benefit level, for the direction of the ratio difference only (domain.md §4.1: long-term
 * filers get the insured place's local level; referral may be lower; other temporary is the lowest).
 * Never turned into a number for the person.
 */
const BENEFIT_RANK: Record<CategoryId, number> = {
  LT_RETIREE: 3,
  LT_RESIDENT: 3,
  LT_WORKER: 3,
  TMP_REFERRAL: 2,
  TMP_EMERGENCY: 2,
  TMP_OTHER: 1,
};

/**
 * The alternative the person could realistically choose instead, so the bot can explain the trade-off
 * before they confirm (domain.md §3 Q8):
 * - LT_RETIREE → LT_RESIDENT (a resettled retiree also lives there long-term);
 * - LT_RESIDENT, LT_WORKER → TMP_OTHER (TMP_REFERRAL if the reasons show a referral; the long-term path
 *   does not ask about referrals). A long-term resident is not offered LT_RETIREE: they are not eligible;
 * - TMP_REFERRAL → TMP_OTHER; TMP_OTHER → TMP_REFERRAL (get a referral first). A short stay is never
 *   offered a long-term filing: the person said they will not stay long enough;
 * - null for an emergency (deemed filed: nothing to choose), for outcomes that are not a category, and
 *   when the profile does not offer the alternative.
 */
export function nearestAlternative(outcome: Outcome, profile: RegionProfile, dates: ConsequenceDates): Alternative | null {
  const chosen = outcome.category ?? (isCategory(outcome.kind) ? outcome.kind : undefined);
  if (chosen === undefined || chosen === 'TMP_EMERGENCY') return null;
  const alternative = alternativeOf(chosen, outcome);
  if (!profile.categories[alternative].offered) return null;

  const options = { retroactive: outcome.retroactive };
  const a = consequencesOf(chosen, profile, dates, options);
  const b = consequencesOf(alternative, profile, dates, options);
  const differences: ConsequenceItem[] = [];

  if (alternative === 'TMP_REFERRAL') differences.push({ code: 'DIFF_NEEDS_REFERRAL' });
  if (chosen === 'LT_RETIREE' && alternative === 'LT_RESIDENT') differences.push({ code: 'DIFF_PROOF_OF_RESIDENCE' });
  if (a.insuredPlaceCard !== b.insuredPlaceCard) {
    differences.push({ code: b.insuredPlaceCard === 'USABLE' ? 'DIFF_CARD_USABLE_BOTH_PLACES' : 'DIFF_CARD_SUSPENDED_AT_HOME' });
  }
  if (a.validity.kind !== b.validity.kind || (a.validity.kind === 'FIXED' && b.validity.kind === 'FIXED' && a.validity.months !== b.validity.months)) {
    if (b.validity.kind === 'FIXED') {
      differences.push(dated('DIFF_VALIDITY_FIXED', { months: b.validity.months, endDate: b.validity.endDate }, dates));
    }
    if (b.validity.kind === 'OPEN_ENDED') differences.push({ code: 'DIFF_VALIDITY_OPEN_ENDED' });
  }
  if (a.earliestCancelDate !== b.earliestCancelDate) {
    const days = cancelWaitDays(alternative, profile);
    // No wait is said only where the profile confirms it; an unconfirmed rule (the temporary cancel wait,
    // domain.md §4.3) is never invented either way: the person is told to confirm with the agency.
    differences.push(
      b.earliestCancelDate !== null
        ? dated('DIFF_CANCEL_AFTER_DAYS', { days: days!, earliest: b.earliestCancelDate }, dates)
        : days === null
          ? { code: 'DIFF_NO_CANCEL_WAIT' }
          : { code: 'DIFF_CANCEL_WAIT_UNCONFIRMED' },
    );
  }
  if (BENEFIT_RANK[alternative] < BENEFIT_RANK[chosen]) differences.push({ code: 'DIFF_RATIO_MAY_BE_LOWER' });
  if (BENEFIT_RANK[alternative] > BENEFIT_RANK[chosen]) differences.push({ code: 'DIFF_RATIO_MAY_BE_HIGHER' });
  if (differences.length === 0 || (differences.length === 1 && differences[0]!.code === 'DIFF_PROOF_OF_RESIDENCE')) {
    differences.push({ code: 'DIFF_OTHERWISE_SAME' });
  }
  differences.push({ code: 'DIFF_AGENCY_DECIDES' });
  return { category: alternative, differences };
}

function alternativeOf(chosen: Exclude<CategoryId, 'TMP_EMERGENCY'>, outcome: Outcome): CategoryId {
  switch (chosen) {
    case 'LT_RETIREE':
      return 'LT_RESIDENT';
    case 'LT_RESIDENT':
    case 'LT_WORKER':
      return outcome.reasons.includes('HAS_REFERRAL') ? 'TMP_REFERRAL' : 'TMP_OTHER';
    case 'TMP_REFERRAL':
      return 'TMP_OTHER';
    case 'TMP_OTHER':
      return 'TMP_REFERRAL';
  }
}
