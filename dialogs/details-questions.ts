import { naturalDate } from '../src/content/natural.js';
import { addDays } from '../src/domain/calendar.js';
import { groupOf, type CategoryId } from '../src/domain/categories.js';
import { checkStartDate, parseStartDate, startDateRulesFor } from '../src/domain/dates.js';
import { FIELD_LIMITS } from '../src/domain/filing.js';
import { checkAddress, checkAgentAge, checkInstitutionList, checkInstitutionName } from '../src/domain/free-text.js';
import { checkPersonName } from '../src/domain/person-name.js';
import { checkMobile, maskMobile } from '../src/domain/phone.js';
import { checkResidentId, maskResidentId } from '../src/domain/resident-id.js';
import { fail, ok, type Check } from '../src/domain/result.js';
import type { Situation } from '../src/domain/situation.js';
import type { FilingContext } from './filing-context.js';
import type { Details } from './filing-state.js';
import { question, type Question } from './form/declaration.js';
import { choice, text } from './form/recognizers.js';
import { settledOutcome } from './outcome-memo.js';
import { PERSONAL_DETAILS } from './personal-data.js';
import { showPlace } from './place-recognizer.js';

/** The details of the filing, asked once the person accepted the category and what it means for them. */

/** The category the details are collected for (once the outcome is a category and accepted). */
export function acceptedCategory(c: FilingContext): CategoryId | undefined {
  const outcome = settledOutcome(c);
  if (!outcome?.category || outcome.category === 'TMP_EMERGENCY') return undefined;
  return c.state.acceptedCategory === outcome.category ? outcome.category : undefined;
}

const forCategory = (test: (category: CategoryId, c: FilingContext) => boolean) => (c: FilingContext) => {
  const category = acceptedCategory(c);
  return category !== undefined && test(category, c);
};
const anyCategory = forCategory(() => true);
const asAgent = forCategory((_, c) => c.state.situation.filerMode === 'AGENT');

function setDetail<K extends keyof Details>(c: FilingContext, key: K, value: Details[K] | undefined): void {
  if (value === undefined) delete c.state.details[key];
  else c.state.details[key] = value;
}

function parseInstitutions(said: string, c: FilingContext): Check<string[]> {
  const { min, max } = c.profile.designatedInstitutions;
  return checkInstitutionList(said, { min, max }, { min: 2, max: 60 });
}

function parseFreeText({ min, max }: { min: number; max: number }, error: string) {
  return (said: string): Check<string> => {
    const t = said.trim().replace(/\s+/g, ' ');
    const n = [...t].length;
    return n < min || n > max ? fail(error, { min, max }) : ok(t);
  };
}

/** A detail typed as free text and checked by the domain. */
function detail<K extends keyof Details>(
  key: K,
  spec: {
    id?: string;
    purpose: string;
    field: string;
    parse: (said: string, c: FilingContext) => Check<NonNullable<Details[K]>>;
    show: (value: NonNullable<Details[K]>, c: FilingContext) => string;
    review?: (value: NonNullable<Details[K]>, c: FilingContext) => string;
    applies: (c: FilingContext) => boolean;
    readsWords?: boolean;
  } & Pick<Question<FilingContext>, 'params' | 'alsoFills' | 'takes'>,
): Question<FilingContext, NonNullable<Details[K]>> {
  const { parse, readsWords, ...rest } = spec;
  return question<FilingContext, NonNullable<Details[K]>>({
    ...rest,
    id: spec.id ?? `details.${key}`,
    stage: 'details',
    recognizer: text({ parse, label: spec.show, ...(readsWords ? { readsWords } : {}) }),
    get: (c) => c.state.details[key] as NonNullable<Details[K]> | undefined,
    set: (c, v) => setDetail(c, key, v),
  });
}

const schemeChoice = choice<FilingContext, NonNullable<Situation['scheme']>>({ values: () => ['EMPLOYEE', 'RESIDENT', 'RETIRED_CADRE'] });
const relationshipChoice = choice<FilingContext, string>({ values: () => ['SPOUSE', 'CHILD', 'PARENT', 'OTHER_RELATIVE', 'EMPLOYER_STAFF', 'OTHER'] });
const commitmentChoice = choice<FilingContext, boolean>({ values: () => ['DOCUMENTS', 'COMMITMENT'], toValue: (c) => c === 'COMMITMENT', fromValue: (v) => (v ? 'COMMITMENT' : 'DOCUMENTS') });

/**
 * The details' questions in the order they are asked. `schemeAskedInSituation` tells whether the situation
 * asked the scheme already (it asks dispatched workers).
 */
export function detailsQuestions(schemeAskedInSituation: (c: FilingContext) => boolean): Question<FilingContext, any>[] {
  return [
    question<FilingContext, NonNullable<Situation['scheme']>>({
      id: 'details.scheme',
      purpose: 'The insurance scheme, when the situation questions did not already ask it.',
      stage: 'details',
      field: 'scheme',
      recognizer: schemeChoice,
      get: (c) => c.state.situation.scheme,
      set: (c, v) => {
        if (v === undefined) delete c.state.situation.scheme;
        else c.state.situation.scheme = v;
      },
      show: (v, c) => schemeChoice.label(v, { id: 'details.scheme', c }),
      // Asked here only when the decision procedure did not need it.
      applies: (c) => anyCategory(c) && !schemeAskedInSituation(c),
    }),
    // A name and an address are shown in full on the person's own summary (a typo must be visible there), masked anywhere else.
    detail('personName', { purpose: "The insured person's name.", field: 'person.name', parse: (t) => checkPersonName(t), show: PERSONAL_DETAILS.personName.mask, review: (v) => v, applies: anyCategory }),
    detail('idNumber', {
      purpose: "The insured person's 18-digit resident ID number (sensitive; shown masked).",
      field: 'person.idNumber',
      takes: 'idNumber',
      parse: (t, c) => {
        const id = checkResidentId(t, c.today);
        return id.ok ? ok(id.value.number) : id;
      },
      show: (v) => maskResidentId(v),
      applies: anyCategory,
    }),
    detail('phone', { purpose: "The insured person's mobile number (shown masked).", field: 'person.phone', takes: 'phone', parse: (t) => checkMobile(t), show: (v) => maskMobile(v), applies: anyCategory }),
    detail('agentName', { purpose: "The agent's name, when filing for someone else.", field: 'agent.name', parse: (t) => checkPersonName(t), show: PERSONAL_DETAILS.agentName.mask, review: (v) => v, applies: asAgent }),
    detail('agentIdNumber', {
      purpose: "The agent's resident ID number (sensitive; shown masked).",
      field: 'agent.idNumber',
      takes: 'idNumber',
      parse: (t, c) => {
        const id = checkResidentId(t, c.today);
        if (!id.ok) return id;
        if (id.value.number === c.state.details.idNumber) return fail('AGENT_SAME_AS_PERSON');
        const adult = checkAgentAge(id.value.birthDate, c.today, c.profile.agentMinAge.value);
        return adult.ok ? ok(id.value.number) : adult;
      },
      show: (v) => maskResidentId(v),
      applies: asAgent,
    }),
    detail('agentPhone', { purpose: "The agent's mobile number (shown masked).", field: 'agent.phone', takes: 'phone', parse: (t) => checkMobile(t), show: (v) => maskMobile(v), applies: asAgent }),
    question<FilingContext, string>({
      id: 'details.agentRelationship',
      purpose: "The agent's relationship to the insured person.",
      stage: 'details',
      field: 'agent.relationship',
      recognizer: relationshipChoice,
      get: (c) => c.state.details.agentRelationship,
      set: (c, v) => setDetail(c, 'agentRelationship', v),
      show: (v, c) => relationshipChoice.label(v, { id: 'details.agentRelationship', c }),
      applies: asAgent,
    }),
    detail('startDate', {
      purpose: 'The date the filing starts (today or later; on or before admission when retroactive).',
      field: 'startDate',
      parse: (t, c) => {
        const admission = c.state.situation.admissionDate;
        // A period ("下个月1号到明年3月1号") starts on its first day.
        const date = parseStartDate(t, { locale: c.locale, today: c.today, prefer: admission ? 'past' : 'future' });
        if (!date.ok) return date;
        return checkStartDate(date.value, startDateRulesFor(c.profile, acceptedCategory(c), c.today, admission));
      },
      readsWords: true,
      show: (v, c) => naturalDate(v, c.locale),
      applies: anyCategory,
      params: (c) => ({
        today: c.today,
        admissionDate: c.state.situation.admissionDate ?? '',
        latest: addDays(c.today, c.profile.startDate.maxDaysAhead.value),
      }),
    }),
    detail('address', {
      purpose: 'The address at the destination, for long-term categories.',
      field: 'address',
      parse: (t) => checkAddress(t, FIELD_LIMITS.address),
      show: PERSONAL_DETAILS.address.mask,
      review: (v) => v,
      applies: forCategory((category) => groupOf(category) === 'LONG_TERM'),
      params: (c) => ({ place: c.state.situation.treatmentPlace ? showPlace(c.state.situation.treatmentPlace, c.locale) : '' }),
    }),
    detail('employerName', {
      purpose: 'The employer that sent a stationed employee.',
      field: 'employer.name',
      parse: parseFreeText(FIELD_LIMITS.employerName, 'EMPLOYER_LENGTH'),
      show: (v) => v,
      applies: forCategory((category) => category === 'LT_WORKER'),
    }),
    detail('referringHospital', {
      purpose: 'The hospital that issued the referral.',
      field: 'referringHospital',
      parse: (t) => {
        const length = parseFreeText(FIELD_LIMITS.referringHospital, 'HOSPITAL_LENGTH')(t);
        return length.ok ? checkInstitutionName(length.value, FIELD_LIMITS.referringHospital) : length;
      },
      show: (v) => v,
      applies: forCategory((category) => category === 'TMP_REFERRAL'),
    }),
    detail('institutions', {
      purpose: 'The designated medical institutions at the destination, when the profile asks for them (min to max).',
      field: 'institutions',
      parse: parseInstitutions,
      show: (v, c) => v.join(c.texts.t(c.locale, 'common.listSeparator')),
      applies: forCategory((_, c) => c.profile.designatedInstitutions.required.value && c.profile.designatedInstitutions.max > 0),
      params: (c) => ({ min: c.profile.designatedInstitutions.min, max: c.profile.designatedInstitutions.max }),
    }),
    question<FilingContext, boolean>({
      id: 'details.commitment',
      purpose: 'Proof documents or a personal commitment, where the profile allows a commitment.',
      stage: 'details',
      field: 'commitment',
      alsoFills: ['commitmentSignature'],
      recognizer: commitmentChoice,
      get: (c) => c.state.details.commitment,
      set: (c, v) => setDetail(c, 'commitment', v),
      show: (v, c) => commitmentChoice.label(v, { id: 'details.commitment', c }),
      applies: forCategory((category, c) => c.profile.categories[category].commitmentAllowed),
    }),
  ];
}
