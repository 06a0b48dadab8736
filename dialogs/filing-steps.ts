import { CONFIRM, EDIT_FIELD, UNDERSTOOD } from './conversation-askings.js';
import type { FilingContext } from './filing-context.js';
import { DETAILS_STAGES, FILING_FORM } from './filing-form.js';
import type { FormStep } from './form/question-prompt.js';
import { summaryGroupOf } from './summary-card.js';

/**
 * Where a person is in a filing, as "第 n 步，共 N 步" on each of its questions: the filing's steps, not its
 * questions. How many questions a filing asks is not known until it is nearly done — the decision
 * procedure asks a retiree two questions more than a short stay, a description answers several at once,
 * someone filing for another person gives four details more, the profile decides about hospitals and a
 * commitment — so "question 4 of 12" would become "question 5 of 15" under the person's eyes. The steps
 * are the same for every filing that is submitted: who and where, the situation (from the consent on),
 * the category and what it means, the personal details, the treatment, the check and submit. An outcome
 * that needs no filing ends at step 3 and says so.
 *
 * Derived from the declarations: a question of the situation stages is step 1 until the first consent
 * question and step 2 from it; a question of the details stage is the person's details or the treatment
 * as the summary groups it (summaryGroupOf); the outcome's and the summary's askings are steps 3 and 6.
 */
export const FILING_STEPS = ['where', 'situation', 'category', 'person', 'treatment', 'review'] as const;
export type FilingStep = (typeof FILING_STEPS)[number];

/** The situation stages' questions before the first consent question: who files and where. */
const BEFORE_CONSENT = new Set(FILING_FORM.questions.slice(0, Math.max(0, FILING_FORM.questions.findIndex((q) => q.stage === 'consent'))).map((q) => q.id));

/** The step of the filing a prompt belongs to; undefined for what is asked outside the filing's steps (the menu, start over, ending a filing). */
function filingStepOf(promptId: string): FilingStep | undefined {
  const question = FILING_FORM.byId(promptId);
  if (question) {
    if ((DETAILS_STAGES as readonly string[]).includes(question.stage)) return summaryGroupOf(question.id) === 'person' ? 'person' : 'treatment';
    return BEFORE_CONSENT.has(question.id) ? 'where' : 'situation';
  }
  if (promptId === UNDERSTOOD.id) return 'category';
  if (promptId === CONFIRM.id || promptId === EDIT_FIELD.id) return 'review';
  return undefined;
}

/** "Step n of N" for a prompt of the filing (the question engine's progress hook). */
export function filingProgress(promptId: string, _c: FilingContext): FormStep | undefined {
  const step = filingStepOf(promptId);
  return step ? { step: FILING_STEPS.indexOf(step) + 1, of: FILING_STEPS.length, stage: step } : undefined;
}
