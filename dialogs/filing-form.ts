import { isCategory } from '../src/domain/categories.js';
import { BASIS_ANSWER_KEYS } from '../src/domain/filing.js';
import { detailsQuestions } from './details-questions.js';
import type { FilingContext } from './filing-context.js';
import { Form, type AnyQuestion } from './form/form.js';
import { SITUATION_QUESTIONS } from './situation-questions.js';
import { settledOutcome } from './outcome-memo.js';

/**
 * The filing form: every question of a filing, one declaration each (situation-questions.ts,
 * details-questions.ts), in the order they are asked. Everything that lists questions is derived from
 * it: the prompt ids, which question fills which field of the filing record, the summary.
 */
export const FILING_FORM: Form<FilingContext> = new Form<FilingContext>([
  ...SITUATION_QUESTIONS,
  ...detailsQuestions((c): boolean => FILING_FORM.byId('situation.scheme')!.applies(c)),
]);

/** The questions the situation stages ask, and the details stage. */
export const SITUATION_STAGES = ['situation', 'consent'] as const;
export const DETAILS_STAGES = ['details'] as const;

/** The procedure's answers a filing's basis records, with the question that asks each: derived from the declarations' fields. */
export function basisQuestions(): Array<{ key: (typeof BASIS_ANSWER_KEYS)[number]; question: AnyQuestion<FilingContext> | undefined }> {
  return BASIS_ANSWER_KEYS.map((key) => ({ key, question: FILING_FORM.byField(`basis.answers.${key}`) }));
}

/** Ends the filing here: consent declined, or an outcome with nothing to file (no filing needed, emergency, ...). */
export function endingOf(c: FilingContext): string | undefined {
  if (c.state.consent?.personalInfo === false) return 'CONSENT_DECLINED';
  const outcome = settledOutcome(c);
  if (!outcome) return undefined;
  return !outcome.category || !isCategory(outcome.kind) || outcome.category === 'TMP_EMERGENCY' ? outcome.kind : undefined;
}

/**
 * What an answer to a reopened question would end: the kind of ending (see endingOf) when the filing goes
 * on with the answer kept but would end with the new one, otherwise undefined. Also how the new answer
 * is shown back.
 */
export function wouldEnd(question: AnyQuestion<FilingContext>, value: unknown, c: FilingContext): { ending: string; shown: string } | undefined {
  if (!FILING_FORM.isReopened(question.id, c) || endingOf(c) !== undefined) return undefined;
  const state = structuredClone(c.state);
  const trial: FilingContext = { ...c, state, progress: state };
  question.set(trial, value);
  const ending = endingOf(trial);
  return ending === undefined ? undefined : { ending, shown: question.show(value, trial) };
}
