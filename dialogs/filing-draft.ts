import { scopeOf } from '../src/domain/classify.js';
import { expectedEndDate, validateFiling as validateWithSchema, type FilableCategory } from '../src/domain/filing.js';
import { fail, ok, type Check } from '../src/domain/result.js';
import type { Details } from './filing-state.js';
import { acceptedCategory, currentOutcome, questionById, reachedSituation } from './questions.js';
import type { TurnKit } from './turn-kit.js';

export interface FilingDraft {
  category: FilableCategory;
  startDate: string;
  [field: string]: unknown;
}

/** The filing record (shared/domain.md §6) built from the conversation's answers. */
export function buildFilingDraft(kit: TurnKit): FilingDraft {
  const { situation: s } = kit.state;
  const category = acceptedCategory(kit.q) as FilableCategory;
  const outcome = currentOutcome(kit.q)!;
  // Only answers to questions that apply now: an address given before an edit made the filing
  // temporary stays in the conversation (in case the edit is undone) but not in the filing.
  const d = Object.fromEntries(
    Object.entries(kit.state.details).filter(([field]) => questionById(`details.${field}`)?.applies(kit.q) ?? false),
  ) as Details;
  return {
    filerMode: s.filerMode,
    person: { name: d.personName, idNumber: d.idNumber, phone: d.phone },
    ...(s.filerMode === 'AGENT'
      ? { agent: { name: d.agentName, idNumber: d.agentIdNumber, phone: d.agentPhone, relationship: d.agentRelationship } }
      : {}),
    insuredPlace: s.insuredPlace,
    treatmentPlace: s.treatmentPlace,
    scheme: s.scheme,
    category,
    scope: scopeOf(s.insuredPlace!, s.treatmentPlace!),
    retroactive: outcome.retroactive,
    startDate: d.startDate!,
    endDate: d.startDate ? expectedEndDate(category, kit.profile, d.startDate) : null,
    ...(s.admissionDate && outcome.retroactive ? { admissionDate: s.admissionDate } : {}),
    ...(d.address ? { address: d.address } : {}),
    ...(d.employerName ? { employer: { name: d.employerName } } : {}),
    ...(d.referringHospital ? { referringHospital: d.referringHospital } : {}),
    ...(d.institutions ? { institutions: d.institutions } : {}),
    ...(d.commitment !== undefined ? { commitment: d.commitment } : {}),
    // Signed by submitting with it: the text shown with the choice (its version) and the moment.
    ...(d.commitment === true ? { commitmentSignature: { at: new Date().toISOString(), textVersion: kit.t('labels.commitment.version') } } : {}),
    basis: classificationBasis(kit, outcome.reasons),
    consent: { personalInfo: kit.state.consent?.personalInfo === true, at: kit.state.consent?.at },
    profileId: kit.profile.id,
    profileVersion: kit.profile.version,
  };
}

/** The answers to the decision procedure that decided the category (only those it reached), and why. */
function classificationBasis(kit: TurnKit, reasons: string[]): Record<string, unknown> {
  const { reached } = reachedSituation(kit.q);
  const keys = ['insuranceActive', 'now', 'longTerm', 'retired', 'hukouMoved', 'dispatchedByEmployer', 'hasReferral', 'student'] as const;
  const answers = Object.fromEntries(keys.filter((k) => reached[k] !== undefined).map((k) => [k, reached[k]]));
  return { answers, reasons };
}

/** The question that answers a field of the filing record whose name differs from the question's. */
const FIELD_QUESTIONS: Record<string, string> = {
  'person.name': 'details.personName',
  'person.idNumber': 'details.idNumber',
  'person.phone': 'details.phone',
  'agent.name': 'details.agentName',
  'agent.idNumber': 'details.agentIdNumber',
  'agent.phone': 'details.agentPhone',
  'agent.relationship': 'details.agentRelationship',
  'employer.name': 'details.employerName',
  commitmentSignature: 'details.commitment',
};

/** Validates the draft with the domain's schema for its category; the error names the first bad field. */
export function validateFiling(kit: TurnKit, draft: FilingDraft): Check<Record<string, unknown>> {
  const checked = validateWithSchema(draft, kit.profile, kit.deps.today());
  if (checked.ok) return ok(checked.value as Record<string, unknown>);
  // The first problem in the person's words: the field's label and the error's sentence, never a code.
  const field = String(checked.params.field ?? '');
  const basis = /^basis\.answers\.(\w+)$/.exec(field)?.[1];
  const question = FIELD_QUESTIONS[field] ?? (basis && questionById(`situation.${basis}`) ? `situation.${basis}` : undefined) ?? (questionById(`details.${field}`) ? `details.${field}` : questionById(`situation.${field}`) ? `situation.${field}` : undefined);
  const problem = kit.has(`errors.${checked.error}`) ? kit.t(`errors.${checked.error}`, checked.params) : kit.t('errors.FIELD_INVALID');
  return fail(checked.error, { field: question ? kit.t(`labels.${question}`) : kit.t('messages.someDetail'), problem });
}


