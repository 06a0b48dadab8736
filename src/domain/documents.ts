import type { CategoryId } from './categories.js';
import type { RegionProfile } from './profile.js';

/**
 * What a filing of each category has to be backed by (shared/domain.md §7, national list as reported):
 * an identity document for every filing, a proof of the category for the long-term ones and the referral,
 * and — where the profile allows it for the category — a personal commitment (个人承诺书) instead of the
 * proof. Codes only: content/locales/<locale>/labels.json renders them (documents.<code>).
 */
export const DOCUMENT_CODES = ['IDENTITY', 'HUKOU_PAGES', 'RESIDENCE_PROOF', 'EMPLOYMENT_PROOF', 'REFERRAL_CERTIFICATE'] as const;
export type DocumentCode = (typeof DOCUMENT_CODES)[number];

const CATEGORY_PROOF: Record<CategoryId, DocumentCode[]> = {
  LT_RETIREE: ['HUKOU_PAGES'],
  LT_RESIDENT: ['RESIDENCE_PROOF'],
  LT_WORKER: ['EMPLOYMENT_PROOF'],
  TMP_REFERRAL: ['REFERRAL_CERTIFICATE'],
  TMP_OTHER: [],
  TMP_EMERGENCY: [],
};

export interface DocumentNeeds {
  /** The proof of the category (empty when the category needs none beyond identity). */
  proof: DocumentCode[];
  /** Everything to have ready when the proof is given: identity first, then the proof. */
  documents: DocumentCode[];
  /** A personal commitment may replace the proof (profile.categories[c].commitmentAllowed). */
  commitmentAllowed: boolean;
}

/** The documents a filing of `category` needs under `profile`; an emergency (deemed filed) needs none. */
export function documentsFor(category: CategoryId, profile: RegionProfile): DocumentNeeds {
  const proof = CATEGORY_PROOF[category];
  return {
    proof,
    documents: category === 'TMP_EMERGENCY' ? [] : ['IDENTITY', ...proof],
    commitmentAllowed: proof.length > 0 && profile.categories[category].commitmentAllowed,
  };
}
