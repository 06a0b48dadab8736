import { addDays } from '../src/domain/calendar.js';
import { groupOf, isCategory, type CategoryId } from '../src/domain/categories.js';
import { classify, nextQuestion, type SituationQuestion } from '../src/domain/classify.js';
import { checkAdmissionDate, checkStartDate, parseDate, parseStartDate, startDateRulesFor } from '../src/domain/dates.js';
import { FIELD_LIMITS } from '../src/domain/filing.js';
import { checkAddress, checkAgentAge, checkInstitutionName } from '../src/domain/free-text.js';
import { isPoolingArea, placeByCode, resolvePlace, searchPlaces } from '../src/domain/divisions.js';
import { checkPersonName, maskPersonName } from '../src/domain/person-name.js';
import { checkMobile, maskMobile } from '../src/domain/phone.js';
import { checkResidentId, maskResidentId } from '../src/domain/resident-id.js';
import { fail, ok, type Check } from '../src/domain/result.js';
import type { Outcome, Situation } from '../src/domain/situation.js';
import type { Details } from './filing-state.js';
import { matchChoice, normalizeAnswer, type Question, type QuestionContext, type Stage } from './question.js';

/* ---------- building blocks ---------- */

function choiceQuestion<T extends string | boolean>(spec: {
  id: string;
  stage: Stage;
  values: (q: QuestionContext) => string[];
  toValue?: (choice: string) => T;
  fromValue?: (value: T) => string;
  get: (q: QuestionContext) => T | undefined;
  set: (q: QuestionContext, value: T | undefined) => void;
  applies: (q: QuestionContext) => boolean;
  editable?: boolean;
  affectsCategory?: boolean;
  params?: Question['params'];
}): Question<T> {
  const toValue = spec.toValue ?? ((c: string) => c as T);
  const fromValue = spec.fromValue ?? ((v: T) => String(v));
  return {
    id: spec.id,
    stage: spec.stage,
    kind: 'choice',
    choices: spec.values,
    applies: spec.applies,
    isAnswered: (q) => spec.get(q) !== undefined,
    parse: (text, q) => {
      const choice = matchChoice(text, spec.id, spec.values(q), q.locale, q.texts);
      return choice === undefined ? fail('CHOICE_NOT_RECOGNISED') : ok(toValue(choice));
    },
    apply: (value, q) => spec.set(q, value),
    clear: (q) => spec.set(q, undefined),
    show: (q) => {
      const v = spec.get(q);
      return v === undefined ? undefined : q.texts.t(q.locale, `prompts.${spec.id}.choices.${fromValue(v)}`);
    },
    editable: spec.editable ?? true,
    affectsCategory: spec.affectsCategory ?? false,
    ...(spec.params ? { params: spec.params } : {}),
  };
}

function textQuestion<T>(spec: {
  id: string;
  stage: Stage;
  parse: (text: string, q: QuestionContext) => Check<T>;
  get: (q: QuestionContext) => T | undefined;
  set: (q: QuestionContext, value: T | undefined) => void;
  show: (value: T, q: QuestionContext) => string;
  applies: (q: QuestionContext) => boolean;
  affectsCategory?: boolean;
  params?: Question['params'];
  suggestionLabel?: Question['suggestionLabel'];
}): Question<T> {
  return {
    id: spec.id,
    stage: spec.stage,
    kind: 'text',
    ...(spec.suggestionLabel ? { suggestionLabel: spec.suggestionLabel } : {}),
    applies: spec.applies,
    isAnswered: (q) => spec.get(q) !== undefined,
    parse: spec.parse,
    apply: (value, q) => spec.set(q, value),
    clear: (q) => spec.set(q, undefined),
    show: (q) => {
      const v = spec.get(q);
      return v === undefined ? undefined : spec.show(v, q);
    },
    editable: true,
    affectsCategory: spec.affectsCategory ?? false,
    ...(spec.params ? { params: spec.params } : {}),
  };
}

const YES_NO = () => ['yes', 'no'];
const yes = (c: string) => c === 'yes';
const yesNo = (v: boolean) => (v ? 'yes' : 'no');

function setSituation<K extends keyof Situation>(q: QuestionContext, key: K, value: Situation[K] | undefined): void {
  if (value === undefined) delete q.state.situation[key];
  else q.state.situation[key] = value;
}

function setDetail<K extends keyof Details>(q: QuestionContext, key: K, value: Details[K] | undefined): void {
  if (value === undefined) delete q.state.details[key];
  else q.state.details[key] = value;
}

/* ---------- the situation: places first, then the decision procedure ---------- */

const placesKnown = (q: QuestionContext) =>
  q.state.situation.filerMode !== undefined && q.state.situation.insuredPlace !== undefined && q.state.situation.treatmentPlace !== undefined;

/** Separates the values of a `suggest` error param. */
export const SUGGEST_SEPARATOR = '|';

/** A place answer: a name, pinyin, English or code, or the number or name of a place offered just before. */
function parsePlace(promptId: string) {
  return (text: string, q: QuestionContext): Check<string> => {
    const offered = q.state.suggestions?.promptId === promptId ? q.state.suggestions.values : [];
    const picked = pickSuggestion(text, offered, q);
    if (picked) return ok(picked);
    const resolved = resolvePlace(text.trim());
    if (resolved.status === 'found') {
      const place = resolved.place;
      return isPoolingArea(place) ? ok(place.code) : fail('PLACE_PROVINCE_ONLY', { province: showPlace(place.code, q) });
    }
    const candidates =
      resolved.status === 'ambiguous' ? resolved.candidates.filter(isPoolingArea) : searchPlaces(text.trim(), 3).filter(isPoolingArea);
    if (candidates.length === 0) return fail('PLACE_NOT_FOUND');
    return fail(resolved.status === 'ambiguous' ? 'PLACE_AMBIGUOUS' : 'PLACE_DID_YOU_MEAN', {
      candidates: candidates.map((c) => showPlace(c.code, q)).join(q.texts.t(q.locale, 'common.alternativesSeparator')),
      suggest: candidates.map((c) => c.code).join(SUGGEST_SEPARATOR),
    });
  };
}

function pickSuggestion(text: string, offered: string[], q: QuestionContext): string | undefined {
  if (offered.length === 0) return undefined;
  const said = normalizeAnswer(text);
  const index = Number.parseInt(said, 10);
  if (String(index) === said && index >= 1 && index <= offered.length) return offered[index - 1];
  return offered.find((code) => normalizeAnswer(showPlace(code, q)) === said);
}

function showPlace(code: string, q: QuestionContext): string {
  const place = placeByCode(code);
  if (!place) return code;
  // A city with its province (two cities may share a name: Taizhou, Jiangsu / Taizhou, Zhejiang).
  if (q.locale === 'en-US') return place.kind === 'city' ? `${place.en}, ${placeByCode(place.provinceCode)?.en ?? ''}` : place.en;
  return place.kind === 'city' ? `${place.provinceName}${place.name}` : place.name;
}

/**
 * The answers the decision procedure actually reached, replaying nextQuestion over what was given: an
 * answer made irrelevant by a later change (a retiree question after "short stay") is not part of it.
 */
export function reachedSituation(q: QuestionContext): { reached: Partial<Situation>; next: SituationQuestion | undefined } {
  const s = q.state.situation;
  const reached: Partial<Situation> = { filerMode: s.filerMode, insuredPlace: s.insuredPlace, treatmentPlace: s.treatmentPlace };
  for (let i = 0; i < 20; i++) {
    const next = nextQuestion(reached, q.profile);
    if (next === undefined) return { reached, next };
    if (s[next] === undefined) return { reached, next };
    (reached as Record<string, unknown>)[next] = s[next];
  }
  throw new Error('the decision procedure did not settle');
}

/** The outcome for the answers given so far, once the procedure has all it needs. */
export function currentOutcome(q: QuestionContext): Outcome | undefined {
  if (!placesKnown(q)) return undefined;
  const { reached, next } = reachedSituation(q);
  return next === undefined ? classify(reached as Situation, q.profile) : undefined;
}

/** True when the procedure still has questions (so it will touch the person's health situation). */
const needsMoreAnswers = (q: QuestionContext) => placesKnown(q) && reachedSituation(q).next !== undefined;

function procedureQuestion(id: SituationQuestion, spec: Omit<Parameters<typeof choiceQuestion>[0], 'id' | 'stage' | 'applies' | 'get' | 'set'>): Question {
  return choiceQuestion({
    ...spec,
    id: `situation.${id}`,
    stage: 'situation',
    affectsCategory: true,
    get: (q) => q.state.situation[id] as string | boolean | undefined,
    set: (q, v) => setSituation(q, id, v as never),
    applies: (q) => {
      if (!placesKnown(q) || !q.state.consent?.personalInfo) return false;
      const { reached, next } = reachedSituation(q);
      return next === id || reached[id] !== undefined;
    },
  });
}

const filerMode = choiceQuestion<string>({
  id: 'situation.filerMode',
  stage: 'situation',
  values: () => ['SELF', 'AGENT'],
  get: (q) => q.state.situation.filerMode,
  set: (q, v) => setSituation(q, 'filerMode', v as Situation['filerMode'] | undefined),
  applies: () => true,
});

const insuredPlace = textQuestion<string>({
  id: 'situation.insuredPlace',
  stage: 'situation',
  affectsCategory: true,
  parse: parsePlace('situation.insuredPlace'),
  suggestionLabel: showPlace,
  get: (q) => q.state.situation.insuredPlace,
  set: (q, v) => setSituation(q, 'insuredPlace', v),
  show: showPlace,
  applies: () => true,
});

const treatmentPlace = textQuestion<string>({
  id: 'situation.treatmentPlace',
  stage: 'situation',
  affectsCategory: true,
  parse: parsePlace('situation.treatmentPlace'),
  suggestionLabel: showPlace,
  get: (q) => q.state.situation.treatmentPlace,
  set: (q, v) => setSituation(q, 'treatmentPlace', v),
  show: showPlace,
  applies: () => true,
});

const consent = choiceQuestion<boolean>({
  id: 'consent.personalInfo',
  stage: 'consent',
  values: () => ['agree', 'decline'],
  toValue: (c) => c === 'agree',
  fromValue: (v) => (v ? 'agree' : 'decline'),
  get: (q) => q.state.consent?.personalInfo,
  set: (q, v) => {
    if (v === undefined) delete q.state.consent;
    else q.state.consent = { personalInfo: v, at: new Date().toISOString() };
  },
  applies: (q) => needsMoreAnswers(q) || q.state.consent !== undefined || isCategory(currentOutcome(q)?.kind ?? ''),
  editable: false,
});

const admissionDate = textQuestion<string>({
  id: 'situation.admissionDate',
  stage: 'situation',
  affectsCategory: true,
  parse: (text, q) => {
    const date = parseDate(text, { locale: q.locale, today: q.today, prefer: 'past' });
    return date.ok ? checkAdmissionDate(date.value, q.today) : date;
  },
  get: (q) => q.state.situation.admissionDate,
  set: (q, v) => setSituation(q, 'admissionDate', v),
  show: (v) => v,
  applies: (q) => {
    if (!placesKnown(q) || !q.state.consent?.personalInfo) return false;
    const { reached, next } = reachedSituation(q);
    return next === 'admissionDate' || reached.admissionDate !== undefined;
  },
});

const SITUATION: Question[] = [
  filerMode,
  insuredPlace,
  treatmentPlace,
  consent,
  procedureQuestion('insuranceActive', { values: YES_NO, toValue: yes, fromValue: yesNo as (v: string | boolean) => string }),
  procedureQuestion('now', { values: () => ['PLANNING', 'EMERGENCY_NOW', 'IN_HOSPITAL', 'DISCHARGED_PAID'] }),
  admissionDate,
  procedureQuestion('longTerm', {
    values: YES_NO,
    toValue: yes,
    fromValue: yesNo as (v: string | boolean) => string,
    params: (q) => ({ days: q.profile.longTermMinDays.value }),
  }),
  procedureQuestion('retired', { values: YES_NO, toValue: yes, fromValue: yesNo as (v: string | boolean) => string }),
  procedureQuestion('hukouMoved', { values: YES_NO, toValue: yes, fromValue: yesNo as (v: string | boolean) => string }),
  procedureQuestion('dispatchedByEmployer', { values: YES_NO, toValue: yes, fromValue: yesNo as (v: string | boolean) => string }),
  procedureQuestion('scheme', { values: () => ['EMPLOYEE', 'RESIDENT', 'RETIRED_CADRE'] }),
  procedureQuestion('hasReferral', { values: YES_NO, toValue: yes, fromValue: yesNo as (v: string | boolean) => string }),
];

/* ---------- the details of the filing ---------- */

/** The category the details are collected for (once the outcome is a category and accepted). */
export function acceptedCategory(q: QuestionContext): CategoryId | undefined {
  const outcome = currentOutcome(q);
  if (!outcome?.category || outcome.category === 'TMP_EMERGENCY') return undefined;
  return q.state.acceptedCategory === outcome.category ? outcome.category : undefined;
}

const forCategory = (test: (c: CategoryId, q: QuestionContext) => boolean) => (q: QuestionContext) => {
  const c = acceptedCategory(q);
  return c !== undefined && test(c, q);
};
const anyCategory = forCategory(() => true);
const asAgent = forCategory((_, q) => q.state.situation.filerMode === 'AGENT');

function maskAddress(a: string): string {
  const chars = [...a];
  return chars.length <= 6 ? `${chars.slice(0, 2).join('')}****` : `${chars.slice(0, 6).join('')}****`;
}

function parseInstitutions(text: string, q: QuestionContext): Check<string[]> {
  const { min, max } = q.profile.designatedInstitutions;
  const names = text
    .split(/[,，、;；\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length < min || names.length > max) return fail('INSTITUTIONS_COUNT', { min, max });
  for (const name of names) {
    const checked = checkInstitutionName(name, { min: 2, max: 60 });
    if (!checked.ok) return checked;
  }
  if (new Set(names).size !== names.length) return fail('INSTITUTIONS_REPEATED');
  return ok(names);
}

function parseFreeText({ min, max }: { min: number; max: number }, error: string) {
  return (text: string): Check<string> => {
    const t = text.trim().replace(/\s+/g, ' ');
    const n = [...t].length;
    return n < min || n > max ? fail(error, { min, max }) : ok(t);
  };
}

const DETAILS: Question[] = [
  choiceQuestion<string>({
    id: 'details.scheme',
    stage: 'details',
    values: () => ['EMPLOYEE', 'RESIDENT', 'RETIRED_CADRE'],
    get: (q) => q.state.situation.scheme,
    set: (q, v) => setSituation(q, 'scheme', v as Situation['scheme'] | undefined),
    // Asked here only when the decision procedure did not need it (it asks dispatched workers).
    applies: (q) => anyCategory(q) && !SITUATION.find((x) => x.id === 'situation.scheme')!.applies(q),
  }),
  textQuestion<string>({
    id: 'details.personName',
    stage: 'details',
    parse: (t) => checkPersonName(t),
    get: (q) => q.state.details.personName,
    set: (q, v) => setDetail(q, 'personName', v),
    show: (v) => maskPersonName(v),
    applies: anyCategory,
  }),
  textQuestion<string>({
    id: 'details.idNumber',
    stage: 'details',
    parse: (t, q) => {
      const id = checkResidentId(t, q.today);
      return id.ok ? ok(id.value.number) : id;
    },
    get: (q) => q.state.details.idNumber,
    set: (q, v) => setDetail(q, 'idNumber', v),
    show: (v) => maskResidentId(v),
    applies: anyCategory,
  }),
  textQuestion<string>({
    id: 'details.phone',
    stage: 'details',
    parse: (t) => checkMobile(t),
    get: (q) => q.state.details.phone,
    set: (q, v) => setDetail(q, 'phone', v),
    show: (v) => maskMobile(v),
    applies: anyCategory,
  }),
  textQuestion<string>({
    id: 'details.agentName',
    stage: 'details',
    parse: (t) => checkPersonName(t),
    get: (q) => q.state.details.agentName,
    set: (q, v) => setDetail(q, 'agentName', v),
    show: (v) => maskPersonName(v),
    applies: asAgent,
  }),
  textQuestion<string>({
    id: 'details.agentIdNumber',
    stage: 'details',
    parse: (t, q) => {
      const id = checkResidentId(t, q.today);
      if (!id.ok) return id;
      if (id.value.number === q.state.details.idNumber) return fail('AGENT_SAME_AS_PERSON');
      const adult = checkAgentAge(id.value.birthDate, q.today, q.profile.agentMinAge.value);
      return adult.ok ? ok(id.value.number) : adult;
    },
    get: (q) => q.state.details.agentIdNumber,
    set: (q, v) => setDetail(q, 'agentIdNumber', v),
    show: (v) => maskResidentId(v),
    applies: asAgent,
  }),
  textQuestion<string>({
    id: 'details.agentPhone',
    stage: 'details',
    parse: (t) => checkMobile(t),
    get: (q) => q.state.details.agentPhone,
    set: (q, v) => setDetail(q, 'agentPhone', v),
    show: (v) => maskMobile(v),
    applies: asAgent,
  }),
  choiceQuestion<string>({
    id: 'details.agentRelationship',
    stage: 'details',
    values: () => ['SPOUSE', 'CHILD', 'PARENT', 'OTHER_RELATIVE', 'EMPLOYER_STAFF', 'OTHER'],
    get: (q) => q.state.details.agentRelationship,
    set: (q, v) => setDetail(q, 'agentRelationship', v),
    applies: asAgent,
  }),
  textQuestion<string>({
    id: 'details.startDate',
    stage: 'details',
    parse: (t, q) => {
      const admission = q.state.situation.admissionDate;
      // A period ("下个月1号到明年3月1号") starts on its first day.
      const date = parseStartDate(t, { locale: q.locale, today: q.today, prefer: admission ? 'past' : 'future' });
      if (!date.ok) return date;
      return checkStartDate(date.value, startDateRulesFor(q.profile, acceptedCategory(q), q.today, admission));
    },
    get: (q) => q.state.details.startDate,
    set: (q, v) => setDetail(q, 'startDate', v),
    show: (v) => v,
    applies: anyCategory,
    params: (q) => ({
      today: q.today,
      admissionDate: q.state.situation.admissionDate ?? '',
      latest: addDays(q.today, q.profile.startDate.maxDaysAhead.value),
    }),
  }),
  textQuestion<string>({
    id: 'details.address',
    stage: 'details',
    parse: (t) => checkAddress(t, FIELD_LIMITS.address),
    get: (q) => q.state.details.address,
    set: (q, v) => setDetail(q, 'address', v),
    show: (v) => maskAddress(v),
    applies: forCategory((c) => groupOf(c) === 'LONG_TERM'),
    params: (q) => ({ place: q.state.situation.treatmentPlace ? showPlace(q.state.situation.treatmentPlace, q) : '' }),
  }),
  textQuestion<string>({
    id: 'details.employerName',
    stage: 'details',
    parse: parseFreeText(FIELD_LIMITS.employerName, 'EMPLOYER_LENGTH'),
    get: (q) => q.state.details.employerName,
    set: (q, v) => setDetail(q, 'employerName', v),
    show: (v) => v,
    applies: forCategory((c) => c === 'LT_WORKER'),
  }),
  textQuestion<string>({
    id: 'details.referringHospital',
    stage: 'details',
    parse: (t) => {
      const length = parseFreeText(FIELD_LIMITS.referringHospital, 'HOSPITAL_LENGTH')(t);
      return length.ok ? checkInstitutionName(length.value, FIELD_LIMITS.referringHospital) : length;
    },
    get: (q) => q.state.details.referringHospital,
    set: (q, v) => setDetail(q, 'referringHospital', v),
    show: (v) => v,
    applies: forCategory((c) => c === 'TMP_REFERRAL'),
  }),
  textQuestion<string[]>({
    id: 'details.institutions',
    stage: 'details',
    parse: parseInstitutions,
    get: (q) => q.state.details.institutions,
    set: (q, v) => setDetail(q, 'institutions', v),
    show: (v, q) => v.join(q.texts.t(q.locale, 'common.listSeparator')),
    applies: forCategory((_, q) => q.profile.designatedInstitutions.required.value && q.profile.designatedInstitutions.max > 0),
    params: (q) => ({ min: q.profile.designatedInstitutions.min, max: q.profile.designatedInstitutions.max }),
  }),
  choiceQuestion<boolean>({
    id: 'details.commitment',
    stage: 'details',
    values: () => ['DOCUMENTS', 'COMMITMENT'],
    toValue: (c) => c === 'COMMITMENT',
    fromValue: (v) => (v ? 'COMMITMENT' : 'DOCUMENTS'),
    get: (q) => q.state.details.commitment,
    set: (q, v) => setDetail(q, 'commitment', v),
    applies: forCategory((c, q) => q.profile.categories[c].commitmentAllowed),
  }),
];

export const QUESTIONS: readonly Question[] = [...SITUATION, ...DETAILS];

export function questionById(id: string): Question | undefined {
  return QUESTIONS.find((question) => question.id === id);
}

/**
 * The question a stage asks next: one opened again (back, edit) that still applies, else the first that
 * applies and has no answer yet.
 */
export function nextUnanswered(stage: Stage | Stage[], q: QuestionContext): Question | undefined {
  const stages = Array.isArray(stage) ? stage : [stage];
  const reopened = q.state.reopened ?? [];
  return (
    QUESTIONS.find((question) => reopened.includes(question.id) && stages.includes(question.stage) && question.applies(q)) ??
    QUESTIONS.find((question) => stages.includes(question.stage) && question.applies(q) && !question.isAnswered(q))
  );
}

/**
 * Opens an answered question again (back, edit): it is asked once more with the earlier answer offered,
 * and the answer is kept until a new valid one arrives (or the person keeps it).
 */
export function reopenQuestion(question: Question, q: QuestionContext): void {
  const shown = question.show(q);
  if (shown) q.state.previous[question.id] = shown;
  q.state.reopened = [...(q.state.reopened ?? []).filter((id) => id !== question.id), question.id];
  q.state.history = q.state.history.filter((h) => h !== question.id);
}

/** True while a question was opened again and its earlier answer is still kept. */
export function isReopened(questionId: string, q: QuestionContext): boolean {
  return (q.state.reopened ?? []).includes(questionId);
}

/** A reopened question is settled (a new answer, or the earlier one kept): it counts as answered again. */
export function settleQuestion(questionId: string, q: QuestionContext): void {
  const reopened = (q.state.reopened ?? []).filter((id) => id !== questionId);
  if (reopened.length > 0) q.state.reopened = reopened;
  else delete q.state.reopened;
  q.state.history = [...q.state.history.filter((h) => h !== questionId), questionId];
  delete q.state.previous[questionId];
  if (q.state.editing === questionId) delete q.state.editing;
}

/** Ends the filing here: consent declined, or an outcome with nothing to file (no filing needed, emergency, ...). */
export function endingOf(q: QuestionContext): string | undefined {
  if (q.state.consent?.personalInfo === false) return 'CONSENT_DECLINED';
  const outcome = currentOutcome(q);
  if (!outcome) return undefined;
  return !outcome.category || !isCategory(outcome.kind) || outcome.category === 'TMP_EMERGENCY' ? outcome.kind : undefined;
}

/**
 * What an answer to a reopened question would end: the kind of ending (see endingOf) when the filing goes
 * on with the answer kept but would end with the new one, otherwise undefined. Also how the new answer
 * is shown back.
 */
export function wouldEnd(question: Question, value: unknown, q: QuestionContext): { ending: string; shown: string } | undefined {
  if (!isReopened(question.id, q) || endingOf(q) !== undefined) return undefined;
  const trial: QuestionContext = { ...q, state: structuredClone(q.state) };
  question.apply(value, trial);
  const ending = endingOf(trial);
  return ending === undefined ? undefined : { ending, shown: question.show(trial) ?? '' };
}

/** Answered questions that apply, in order: what the summary shows. */
export function answeredQuestions(q: QuestionContext): Question[] {
  return QUESTIONS.filter((question) => question.applies(q) && question.isAnswered(q));
}
