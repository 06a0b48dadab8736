import type { IsoDate } from './calendar.js';
import type { CategoryId, OutcomeKind } from './categories.js';

/** Insurance scheme (险种): 310 employee, 390 urban-rural resident, 340 离休. */
export type Scheme = 'EMPLOYEE' | 'RESIDENT' | 'RETIRED_CADRE';

/** What is happening now (shared/domain.md §3 Q3). */
export type Now = 'PLANNING' | 'EMERGENCY_NOW' | 'IN_HOSPITAL' | 'DISCHARGED_PAID';

/**
 * The person's answers to the decision procedure (shared/domain.md §3). Everything after the places
 * and `now` is optional: the procedure asks only what the path needs.
 */
export interface Situation {
  filerMode: 'SELF' | 'AGENT';
  /** 6-digit GB/T 2260 code of the insured pooling area (a prefecture city, or a municipality's PP0000). */
  insuredPlace: string;
  /** 6-digit code of the place of treatment (same granularity). */
  treatmentPlace: string;
  scheme?: Scheme;
  /** false stops the procedure: an inactive insurance cannot file. */
  insuranceActive?: boolean;
  now: Now;
  /** Admission date when already in hospital. */
  admissionDate?: IsoDate;
  /** Will live or work at the destination for at least the profile's long-term threshold. */
  longTerm?: boolean;
  retired?: boolean;
  /** Household registration (户籍) moved to the destination. */
  hukouMoved?: boolean;
  /** Sent by an insured employer to work at the destination. */
  dispatchedByEmployer?: boolean;
  /** Has, or will get, a referral from a qualified designated institution of the insured place. */
  hasReferral?: boolean;
  /** Studying at the destination (only shapes the explanation; students are LT_RESIDENT when long-term). */
  student?: boolean;
}

export type Scope = 'SAME_AREA' | 'INTRA_PROVINCE' | 'CROSS_PROVINCE';

/**
 * Why the outcome is what it is. Each code has a sentence per locale in content/locales/<locale>/reasons.json.
 */
export const REASON_CODES = [
  'SAME_POOLING_AREA',
  'INTRA_PROVINCE',
  'CROSS_PROVINCE',
  'INTRA_PROVINCE_FILING_NOT_REQUIRED',
  'CROSS_PROVINCE_FILING_NOT_REQUIRED',
  'INSURANCE_NOT_ACTIVE',
  'EMERGENCY_DEEMED_FILED',
  'IN_HOSPITAL_RETROACTIVE',
  'DISCHARGED_MANUAL_REIMBURSEMENT',
  'LONG_STAY',
  'SHORT_STAY',
  'RETIRED_HUKOU_MOVED',
  'RETIRED_HUKOU_NOT_MOVED',
  'RETIRED_COMMITMENT_ACCEPTED',
  'DISPATCHED_BY_EMPLOYER',
  'NOT_DISPATCHED',
  'WORKER_NEEDS_EMPLOYEE_SCHEME',
  'STUDENT_LONG_TERM',
  'HAS_REFERRAL',
  'NO_REFERRAL',
  'CATEGORY_NOT_OFFERED',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface Outcome {
  kind: OutcomeKind;
  /** Set when kind is one of the six categories. */
  category?: CategoryId;
  scope: Scope;
  /** Already in hospital: a retroactive filing (补办), start date on or before admission. */
  retroactive: boolean;
  reasons: ReasonCode[];
}
