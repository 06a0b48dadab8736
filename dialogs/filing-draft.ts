import { scopeOf } from '../src/domain/classify.js';
import { BASIS_ANSWER_KEYS, expectedEndDate, validateFiling as validateWithSchema, type FilableCategory } from '../src/domain/filing.js';
import { fail, ok, type Check } from '../src/domain/result.js';
import { acceptedCategory } from './details-questions.js';
import { FILING_FORM } from './filing-form.js';
import { settledOutcome } from './outcome-memo.js';
import { reachedSituation } from './situation-questions.js';
import type { TurnKit } from './turn-kit.js';
import { operatorOf } from './turn-operator.js';

export interface FilingDraft {
  category: FilableCategory;
  startDate: string;
  [field: string]: unknown;
}

/** Puts a value at a dotted path of a record ("person.phone"), making the objects on the way. */
function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = record;
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
  at[keys.at(-1)!] = value;
}

/**
 * The filing record (shared/domain.md §6) built from the conversation's answers: each question that
 * applies and was answered puts its answer in the field its declaration names; the basis records the
 * procedure's answers it reached (the keys of the domain's basis schema); the rest follows from them.
 */
export function buildFilingDraft(kit: TurnKit): FilingDraft {
  const c = kit.q;
  const category = acceptedCategory(c) as FilableCategory;
  const outcome = settledOutcome(c)!;
  const draft: Record<string, unknown> = {};
  // Only answers to questions that apply now: an address given before an edit made the filing
  // temporary stays in the conversation (in case the edit is undone) but not in the filing.
  for (const question of FILING_FORM.answered(c)) {
    if (question.field && !/^(basis|consent)\./.test(question.field)) setPath(draft, question.field, question.get(c));
  }
  const { reached } = reachedSituation(c);
  const startDate = c.state.details.startDate;
  // Taken on the hotline: the channel and the agent, and the consent as given orally to that agent.
  const operator = operatorOf(kit.context);
  const consentAt = c.state.consent?.at;
  return {
    ...draft,
    category,
    scope: scopeOf(c.state.situation.insuredPlace!, c.state.situation.treatmentPlace!),
    retroactive: outcome.retroactive,
    startDate: startDate!,
    endDate: startDate ? expectedEndDate(category, kit.profile, startDate) : null,
    // Signed by submitting with it: the text shown with the choice (its version) and the moment.
    ...(draft.commitment === true ? { commitmentSignature: { at: new Date().toISOString(), textVersion: kit.t('labels.commitment.version') } } : {}),
    basis: { answers: Object.fromEntries(BASIS_ANSWER_KEYS.filter((k) => reached[k] !== undefined).map((k) => [k, reached[k]])), reasons: outcome.reasons },
    consent: { personalInfo: c.state.consent?.personalInfo === true, at: consentAt, ...(operator ? { givenOrally: { agent: operator.agentId, at: consentAt } } : {}) },
    ...(operator ? { channel: operator.channel, hotlineAgent: operator.agentId } : {}),
    profileId: kit.profile.id,
    profileVersion: kit.profile.version,
  };
}

/** Validates the draft with the domain's schema for its category; the error names the first bad field. */
export function validateFiling(kit: TurnKit, draft: FilingDraft): Check<Record<string, unknown>> {
  const checked = validateWithSchema(draft, kit.profile, kit.deps.today());
  if (checked.ok) return ok(checked.value as Record<string, unknown>);
  // The first problem in the person's words: the label of the question that fills the field, and the error's sentence, never a code.
  const question = FILING_FORM.byField(String(checked.params.field ?? ''));
  const problem = kit.has(`errors.${checked.error}`) ? kit.t(`errors.${checked.error}`, checked.params) : kit.t('errors.FIELD_INVALID');
  return fail(checked.error, { field: question ? kit.t(`labels.${question.id}`) : kit.t('messages.someDetail'), problem });
}
