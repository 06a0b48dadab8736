/** The six filing categories (shared/domain.md §2) and the outcomes that are not a category. */
export const CATEGORY_IDS = ['LT_RETIREE', 'LT_RESIDENT', 'LT_WORKER', 'TMP_REFERRAL', 'TMP_EMERGENCY', 'TMP_OTHER'] as const;
export type CategoryId = (typeof CATEGORY_IDS)[number];

export const NON_CATEGORY_OUTCOMES = ['NO_FILING_NEEDED', 'MANUAL_REIMBURSEMENT', 'CANNOT_FILE'] as const;
export type NonCategoryOutcome = (typeof NON_CATEGORY_OUTCOMES)[number];

export type OutcomeKind = CategoryId | NonCategoryOutcome;

export type CategoryGroup = 'LONG_TERM' | 'TEMPORARY';

export function groupOf(category: CategoryId): CategoryGroup {
  return category.startsWith('LT_') ? 'LONG_TERM' : 'TEMPORARY';
}

export function isCategory(kind: string): kind is CategoryId {
  return (CATEGORY_IDS as readonly string[]).includes(kind);
}
