import type { CategoryId } from './categories.js';
import type { RegionProfile } from './profile.js';
import type { Outcome, ReasonCode, Scope, Situation } from './situation.js';

/**
 * The decision procedure of shared/domain.md §3: which questions to ask, and which filing category
 * (or non-filing outcome) the answers lead to, under one region profile. Pure functions; every policy
 * switch comes from the profile.
 */

const PLACE_CODE = /^\d{6}$/;

/**
 * Where the treatment happens relative to the insured pooling area. Codes are 6-digit GB/T 2260 codes
 * at pooling-area granularity: the same code is the same area, the same first two digits the same province.
 */
export function scopeOf(insuredPlace: string, treatmentPlace: string): Scope {
  if (!PLACE_CODE.test(insuredPlace)) throw new RangeError(`insured place is not a 6-digit code: ${insuredPlace}`);
  if (!PLACE_CODE.test(treatmentPlace)) throw new RangeError(`treatment place is not a 6-digit code: ${treatmentPlace}`);
  if (insuredPlace === treatmentPlace) return 'SAME_AREA';
  return insuredPlace.slice(0, 2) === treatmentPlace.slice(0, 2) ? 'INTRA_PROVINCE' : 'CROSS_PROVINCE';
}

const SCOPE_REASON: Record<Scope, ReasonCode> = {
  SAME_AREA: 'SAME_POOLING_AREA',
  INTRA_PROVINCE: 'INTRA_PROVINCE',
  CROSS_PROVINCE: 'CROSS_PROVINCE',
};

/** The questions of the procedure that come after the places, in the order they are asked. */
export type SituationQuestion =
  | 'insuranceActive'
  | 'now'
  | 'admissionDate'
  | 'longTerm'
  | 'retired'
  | 'hukouMoved'
  | 'dispatchedByEmployer'
  | 'scheme'
  | 'hasReferral';

/** Is a filing needed at all for this scope under this profile? */
function filingRequired(scope: Scope, profile: RegionProfile): boolean {
  if (scope === 'SAME_AREA') return false;
  if (scope === 'INTRA_PROVINCE') return profile.scopes.intraProvinceFilingRequired.value;
  return profile.scopes.crossProvinceFilingRequired.value;
}

/** The emergency category applies when the profile offers it and treats it as deemed filed. */
export function emergencyApplies(profile: RegionProfile): boolean {
  return profile.categories.TMP_EMERGENCY.offered && profile.emergency.deemedFiled.value;
}

/**
 * Which question the procedure still needs, given the answers so far; undefined when the answers are
 * enough to classify. Skips what is already known and what does not matter on this path: nothing after
 * an inactive insurance or a place that needs no filing; nothing after an emergency (never delay care
 * for paperwork) or a paid discharge;
 * no retirement question for a short stay; no hukou question when not retired or when the profile does
 * not require a moved hukou; `scheme` only for dispatched workers (and only if not already known).
 *
 * The places (insuredPlace, treatmentPlace) are collected before these questions; once insuranceActive
 * is answered, missing places are a programming error and throw.
 */
export function nextQuestion(answers: Partial<Situation>, profile: RegionProfile): SituationQuestion | undefined {
  // Treated where insured (or a scope the profile needs no filing for): nothing to ask, not even consent.
  if (answers.insuredPlace !== undefined && answers.treatmentPlace !== undefined && !filingRequired(scopeOf(answers.insuredPlace, answers.treatmentPlace), profile)) {
    return undefined;
  }
  if (answers.insuranceActive === undefined) return 'insuranceActive';
  if (answers.insuranceActive === false) return undefined;
  if (answers.insuredPlace === undefined || answers.treatmentPlace === undefined) {
    throw new Error('nextQuestion: insuredPlace and treatmentPlace must be known before the situation questions');
  }
  if (!filingRequired(scopeOf(answers.insuredPlace, answers.treatmentPlace), profile)) return undefined;

  if (answers.now === undefined) return 'now';
  // Care comes first: an emergency ends the questions, whatever the profile offers.
  if (answers.now === 'EMERGENCY_NOW' || answers.now === 'DISCHARGED_PAID') return undefined;
  if (answers.now === 'IN_HOSPITAL' && answers.admissionDate === undefined) return 'admissionDate';

  if (answers.longTerm === undefined) return 'longTerm';
  if (!answers.longTerm) return answers.hasReferral === undefined ? 'hasReferral' : undefined;

  if (answers.retired === undefined) return 'retired';
  if (answers.retired) {
    return profile.retireeRequiresHukouMoved.value && answers.hukouMoved === undefined ? 'hukouMoved' : undefined;
  }
  if (answers.student) return undefined; // a student is not dispatched by an employer: LT_RESIDENT
  if (answers.dispatchedByEmployer === undefined) return 'dispatchedByEmployer';
  if (answers.dispatchedByEmployer && answers.scheme === undefined) return 'scheme';
  return undefined;
}

/**
 * When the profile does not offer a category, the nearest one it does offer, in order of preference.
 * A resettled retiree or a stationed worker also meets the long-term-resident test; a long-term resident
 * can always go temporarily; a referred patient can always self-refer; an emergency that is not deemed
 * filed is filed as other temporary treatment. Nothing is nearer to TMP_OTHER for someone without a
 * referral, so an unoffered TMP_OTHER leaves nothing to file (CANNOT_FILE).
 */
const FALLBACK: Record<CategoryId, readonly CategoryId[]> = {
  LT_RETIREE: ['LT_RESIDENT', 'TMP_OTHER'],
  LT_WORKER: ['LT_RESIDENT', 'TMP_OTHER'],
  LT_RESIDENT: ['TMP_OTHER'],
  TMP_REFERRAL: ['TMP_OTHER'],
  TMP_EMERGENCY: ['TMP_OTHER'],
  TMP_OTHER: [],
};

/**
 * Classifies a complete situation. "Complete" means `nextQuestion(situation, profile) === undefined`;
 * classify throws an Error naming the missing answer otherwise (it never guesses).
 *
 * The reasons start with the scope and, read in order, explain the outcome; CATEGORY_NOT_OFFERED comes
 * last when the profile made the procedure fall back to another category.
 */
export function classify(situation: Situation, profile: RegionProfile): Outcome {
  const missing = nextQuestion(situation, profile);
  if (missing !== undefined) {
    throw new Error(`classify: the situation is not complete; the next question is "${missing}" (call nextQuestion first)`);
  }
  const scope = scopeOf(situation.insuredPlace, situation.treatmentPlace);
  const reasons: ReasonCode[] = [SCOPE_REASON[scope]];
  const stop = (kind: Outcome['kind'], ...more: ReasonCode[]): Outcome => ({
    kind,
    ...(kind === 'TMP_EMERGENCY' ? { category: kind } : {}),
    scope,
    retroactive: false,
    reasons: [...reasons, ...more],
  });

  if (situation.insuranceActive === false) return stop('CANNOT_FILE', 'INSURANCE_NOT_ACTIVE');
  if (scope === 'SAME_AREA') return stop('NO_FILING_NEEDED');
  if (!filingRequired(scope, profile)) {
    return stop('NO_FILING_NEEDED', scope === 'INTRA_PROVINCE' ? 'INTRA_PROVINCE_FILING_NOT_REQUIRED' : 'CROSS_PROVINCE_FILING_NOT_REQUIRED');
  }
  if (situation.now === 'DISCHARGED_PAID') return stop('MANUAL_REIMBURSEMENT', 'DISCHARGED_MANUAL_REIMBURSEMENT');

  let wanted: CategoryId;
  const retroactive = situation.now === 'IN_HOSPITAL';
  if (situation.now === 'EMERGENCY_NOW') {
    wanted = 'TMP_EMERGENCY';
    // A profile without a deemed-filed emergency category makes this other temporary treatment
    // (the fallback below, explained by CATEGORY_NOT_OFFERED); no further questions either way.
    if (emergencyApplies(profile)) return stop('TMP_EMERGENCY', 'EMERGENCY_DEEMED_FILED');
  } else {
    if (retroactive) reasons.push('IN_HOSPITAL_RETROACTIVE');
    wanted = situation.longTerm ? longTermCategory(situation, profile, reasons) : temporaryCategory(situation, reasons);
  }

  const category = [wanted, ...FALLBACK[wanted]].find((c) => profile.categories[c].offered);
  if (category !== wanted) reasons.push('CATEGORY_NOT_OFFERED');
  if (category === undefined) return { kind: 'CANNOT_FILE', scope, retroactive: false, reasons };
  return { kind: category, category, scope, retroactive, reasons };
}

function longTermCategory(s: Situation, profile: RegionProfile, reasons: ReasonCode[]): CategoryId {
  reasons.push('LONG_STAY');
  if (s.retired) {
    if (s.hukouMoved) {
      reasons.push('RETIRED_HUKOU_MOVED');
      return 'LT_RETIREE';
    }
    if (!profile.retireeRequiresHukouMoved.value) {
      reasons.push('RETIRED_COMMITMENT_ACCEPTED');
      return 'LT_RETIREE';
    }
    reasons.push('RETIRED_HUKOU_NOT_MOVED');
    return 'LT_RESIDENT';
  }
  if (s.student) {
    reasons.push('STUDENT_LONG_TERM');
    return 'LT_RESIDENT';
  }
  if (s.dispatchedByEmployer) {
    reasons.push('DISPATCHED_BY_EMPLOYER');
    if (s.scheme === 'EMPLOYEE') return 'LT_WORKER';
    reasons.push('WORKER_NEEDS_EMPLOYEE_SCHEME');
    return 'LT_RESIDENT';
  }
  reasons.push('NOT_DISPATCHED');
  return 'LT_RESIDENT';
}

function temporaryCategory(s: Situation, reasons: ReasonCode[]): CategoryId {
  reasons.push('SHORT_STAY');
  if (s.hasReferral) {
    reasons.push('HAS_REFERRAL');
    return 'TMP_REFERRAL';
  }
  reasons.push('NO_REFERRAL');
  return 'TMP_OTHER';
}
