import type { CategoryId } from './categories.js';
import type { RegionProfile } from './profile.js';

/**
 * What a filing of each category has to be backed by (shared/domain.md §7): an identity document for
 * every filing and the proof of the category its region profile names (categories.<id>.proof), or — where
 * the profile allows it for the category — a personal commitment (个人承诺书) instead of the proof. Codes only: content/locales/<locale>/labels.json renders them (documents.<code>).
 */
export const DOCUMENT_CODES = ['IDENTITY', 'HUKOU_PAGES', 'RESIDENCE_PROOF', 'EMPLOYMENT_PROOF', 'REFERRAL_CERTIFICATE'] as const;
export type DocumentCode = (typeof DOCUMENT_CODES)[number];

export interface DocumentNeeds {
  /** The proof of the category (empty when the category needs none beyond identity). */
  proof: DocumentCode[];
  /** Everything to have ready when the proof is given: identity first, then the proof. */
  documents: DocumentCode[];
}

/** The documents a filing of `category` needs under `profile`; an emergency (deemed filed) needs none. */
export function documentsFor(category: CategoryId, profile: RegionProfile): DocumentNeeds {
  const proof = profile.categories[category].proof;
  return {
    proof,
    documents: category === 'TMP_EMERGENCY' ? [] : ['IDENTITY', ...proof],
  };
}
