import { isCategory } from '../src/domain/categories.js';
import { classify, nextQuestion, type SituationQuestion } from '../src/domain/classify.js';
import { naturalDate } from '../src/content/natural.js';
import { checkAdmissionDate, parseDate } from '../src/domain/dates.js';
import type { BasisAnswers } from '../src/domain/filing.js';
import type { Outcome, Situation } from '../src/domain/situation.js';
import type { FilingContext } from './filing-context.js';
import { question, type FormContext, type Question } from './form/declaration.js';
import { choice, text, yesNo } from './form/recognizers.js';
import { isTaken, type FactsAlongside, type RecognizeScope, type Recognizer, type Sentence } from './form/recognition.js';
import { intakeRecognizer, type IntakeAnswer, applyIntake, intakeAnswerOf, factsForLater, noteOfFacts } from './intake.js';
import { settledOutcome } from './outcome-memo.js';
import { isPoolingAreaCode, placeRecognizer, poolingAreaCodeOf, showPlace } from './place-recognizer.js';

/**
 * The situation: who files and where (asked before anything personal), the separate consent, then the
 * decision procedure of src/domain/classify.ts — each of its questions asked only when nextQuestion
 * reaches it — after an optional description in the person's own words that answers several at once.
 */

function setSituation<K extends keyof Situation>(c: FilingContext, key: K, value: Situation[K] | undefined): void {
  if (value === undefined) delete c.state.situation[key];
  else c.state.situation[key] = value;
}

const placesKnown = (c: FilingContext) =>
  c.state.situation.filerMode !== undefined && c.state.situation.insuredPlace !== undefined && c.state.situation.treatmentPlace !== undefined;

/**
 * The answers the decision procedure actually reached, replaying nextQuestion over what was given: an
 * answer made irrelevant by a later change (a retiree question after "short stay"), or a fact of a
 * description the procedure never reached, is not part of it and decides nothing.
 */
export function reachedSituation(c: FilingContext): { reached: Partial<Situation>; next: SituationQuestion | undefined } {
  const s = c.state.situation;
  const reached: Partial<Situation> = { filerMode: s.filerMode, insuredPlace: s.insuredPlace, treatmentPlace: s.treatmentPlace };
  // A student (told in a description; no question asks it) is part of what the procedure reads.
  if (s.student !== undefined) reached.student = s.student;
  for (let i = 0; i < 20; i++) {
    const next = nextQuestion(reached, c.profile);
    if (next === undefined) return { reached, next };
    if (s[next] === undefined) return { reached, next };
    (reached as Record<string, unknown>)[next] = s[next];
  }
  throw new Error('the decision procedure did not settle');
}

/** The outcome for the answers given so far, once the procedure has all it needs (read through settledOutcome, outcome-memo.ts: worked out once for the same answers). */
export function currentOutcome(c: FilingContext): Outcome | undefined {
  if (!placesKnown(c)) return undefined;
  const { reached, next } = reachedSituation(c);
  return next === undefined ? classify(reached as Situation, c.profile) : undefined;
}

/** True when the procedure still has questions (so it will touch the person's health situation). */
const needsMoreAnswers = (c: FilingContext) => placesKnown(c) && reachedSituation(c).next !== undefined;

/** An answer shown back by its recogniser's label (a choice's words, a place's name). */
function labelOf<T>(recognizer: Recognizer<FilingContext, T>, id: string) {
  return (value: T, c: FilingContext) => recognizer.label(value, { id, c });
}

/** Asked when the procedure reaches it (after consent), and shown while its answer is part of what was reached. */
function reachedBy(id: SituationQuestion) {
  return (c: FilingContext) => {
    if (!placesKnown(c) || !c.state.consent?.personalInfo) return false;
    const { reached, next } = reachedSituation(c);
    return next === id || reached[id] !== undefined;
  };
}

/**
 * A question's recogniser that keeps facts for later questions said with its answer or instead of one,
 * noted as the one-sentence intake would note them. Said instead of an answer ("没退休", "户口没迁" at "what
 * is happening now"): said back in a few words ("好的，记下了：未退休。"), the question asked again — never an
 * advance. Said with an answer ("还没去，医院开了转诊单", planning and a referral): kept beside it and said after
 * the answer said back ("…另外记下了：有转诊。"). Those questions are then not asked. Before consent the facts
 * are held, not kept (keepFacts), and the person is told they wait for it.
 */
function notingFacts<T>(key: string, recognizer: Recognizer<FilingContext, T>, presumed: Partial<Situation> = {}): Recognizer<FilingContext, T> {
  return {
    ...recognizer,
    recognize(text, scope) {
      const read = recognizer.recognize(text, scope);
      // A button, a number or a choice's own words state nothing else.
      if (read.status === 'exact' || read.status === 'confirm' || read.status === 'noted') return read;
      const noted = factsSaid(text, key, scope, presumed);
      if (!noted) return read;
      const keep = (c: FormContext) => keepFacts(c as FilingContext, noted.facts);
      if (read.status === 'invalid') return { status: 'noted', said: noted.said, keep };
      const alongside: FactsAlongside = { said: noted.said, saidAfter: noted.saidAfter, keep };
      return { ...read, alongside };
    },
  };
}

const consented = (c: FilingContext) => c.state.consent?.personalInfo === true;

/** Facts that are news: not already held with the same value (said again before consent), nor what the question presumes. */
function newFacts(facts: Partial<Situation>, c: FilingContext, presumed: Partial<Situation>): Partial<Situation> {
  const held = (c.state.heldFacts ?? {}) as Record<string, unknown>;
  const known = presumed as Record<string, unknown>;
  return Object.fromEntries(Object.entries(facts).filter(([k, v]) => held[k] !== v && known[k] !== v)) as Partial<Situation>;
}

/**
 * What the questions before consent presume: a filing is for treatment still to come ("要去北京看病" at the
 * place of treatment says where, not that it is a plan), so a plan is no fact to hold there; anything else
 * about what is happening ("在北京住院了") is.
 */
const BEFORE_CONSENT_PRESUMED: Partial<Situation> = { now: 'PLANNING' };

/**
 * Keeps facts of the situation said in the person's words for the questions that ask them. Before consent
 * (asked before anything about health is kept) they are held apart (state.heldFacts), used only once the
 * person agrees (the consent question's answer takes those still unanswered) and dropped if they decline.
 */
export function keepFacts(c: FilingContext, facts: Partial<Situation>): void {
  if (consented(c)) Object.assign(c.state.situation, facts);
  else c.state.heldFacts = { ...(c.state.heldFacts ?? {}), ...facts };
}

/** Facts for later questions said in words at the asking `key` (news only), held or noted, and how each is said. */
interface FactsSaid {
  facts: Partial<Situation>;
  /** On their own ("好的，先记下：…"). */
  said: Sentence;
  /** Right after an answer said back, given as {said}. */
  saidAfter: Sentence;
  /** After other things said back in a message of their own ("另外先记下：…"). */
  saidToo: Sentence;
}

function factsSaid(text: string, key: string, scope: RecognizeScope<FilingContext>, presumed: Partial<Situation>): FactsSaid | undefined {
  const facts = newFacts(factsForLater(text, key, scope, () => ANSWERED_ONE_BY_ONE), scope.c, presumed);
  if (Object.keys(facts).length === 0) return undefined;
  const params = { facts: noteOfFacts(scope, facts, () => ANSWERED_ONE_BY_ONE) };
  const kind = consented(scope.c) ? 'messages.factsNoted' : 'messages.factsHeld';
  return { facts, said: { key: kind, params }, saidAfter: { key: `${kind}After`, params }, saidToo: { key: `${kind}Too`, params } };
}

/**
 * Facts the words that start a filing state for the questions after who files and the places ("我退休了，…户口还在
 * 日照": retired, hukou not moved, a long stay): kept as facts said at those questions are (keepFacts: held until
 * consent; the description question is then not asked), and how they are said; undefined when there are none.
 */
export function keepOpeningFacts(text: string, scope: RecognizeScope<FilingContext>): FactsSaid | undefined {
  const noted = factsSaid(text, scope.id, scope, BEFORE_CONSENT_PRESUMED);
  if (!noted) return undefined;
  keepFacts(scope.c, noted.facts);
  // The person has told their situation: the description question is not asked again once they agree; the
  // questions still open are asked one by one (the facts join the description when taken, at consent).
  if (!consented(scope.c) && scope.c.state.intake === undefined) scope.c.state.intake = { mode: 'DESCRIBED', facts: [] };
  return noted;
}

/** A question of the decision procedure whose answer is part of the classification basis. */
function procedureQuestion<K extends SituationQuestion & keyof BasisAnswers>(
  key: K,
  spec: { purpose: string; recognizer: Recognizer<FilingContext, NonNullable<Situation[K]>> } & Pick<Question<FilingContext>, 'params' | 'answersIntents'>,
): Question<FilingContext, NonNullable<Situation[K]>> {
  return question({
    ...spec,
    recognizer: notingFacts(key, spec.recognizer),
    id: `situation.${key}`,
    stage: 'situation',
    field: `basis.answers.${key}`,
    affectsOutcome: true,
    applies: reachedBy(key),
    get: (c) => c.state.situation[key] as NonNullable<Situation[K]> | undefined,
    set: (c, v) => setSituation(c, key, v),
    show: labelOf(spec.recognizer, `situation.${key}`),
  });
}

const filerModeChoice = notingFacts('filerMode', choice<FilingContext, NonNullable<Situation['filerMode']>>({ values: () => ['SELF', 'AGENT'] }), BEFORE_CONSENT_PRESUMED);
export const filerMode = question<FilingContext, NonNullable<Situation['filerMode']>>({
  id: 'situation.filerMode',
  purpose: 'Whether the filing is for the person themselves or made by an agent for someone else.',
  stage: 'situation',
  field: 'filerMode',
  recognizer: filerModeChoice,
  applies: () => true,
  get: (c) => c.state.situation.filerMode,
  set: (c, v) => setSituation(c, 'filerMode', v),
  show: labelOf(filerModeChoice, 'situation.filerMode'),
});

function placeQuestion(key: 'insuredPlace' | 'treatmentPlace', purpose: string): Question<FilingContext, string> {
  return question({
    id: `situation.${key}`,
    purpose,
    stage: 'situation',
    field: key,
    affectsOutcome: true,
    // Facts said with the place before consent ("去北京301医院看病，大概住两周": a short stay) are held for after it.
    recognizer: notingFacts(key, placeRecognizer(), BEFORE_CONSENT_PRESUMED),
    accepts: (code) => isPoolingAreaCode(code),
    applies: () => true,
    get: (c) => c.state.situation[key],
    // The place as named (义乌) is kept as its pooling area (金华市): where the filing points to.
    set: (c, v) => setSituation(c, key, v === undefined ? undefined : (poolingAreaCodeOf(v) ?? v)),
    show: (code, c) => showPlace(code, c.locale),
  });
}

const consentChoice = choice<FilingContext, boolean>({ values: () => ['agree', 'decline'], toValue: (c) => c === 'agree', fromValue: (v) => (v ? 'agree' : 'decline') });
export const consent = question<FilingContext, boolean>({
  id: 'consent.personalInfo',
  purpose: 'Separate consent (Personal Information Protection Law) before asking about health and collecting ID and phone.',
  stage: 'consent',
  field: 'consent.personalInfo',
  recognizer: consentChoice,
  editable: false,
  applies: (c) => needsMoreAnswers(c) || c.state.consent !== undefined || isCategory(settledOutcome(c)?.kind ?? ''),
  get: (c) => c.state.consent?.personalInfo,
  set: (c, v) => {
    if (v === undefined) delete c.state.consent;
    else c.state.consent = { personalInfo: v, at: new Date().toISOString() };
    // Facts held until now (keepFacts): on agreeing, taken under the answers already given — those of the first
    // words as their description (keepOpeningFacts); dropped otherwise.
    const held = c.state.heldFacts;
    if (v === undefined || !held) return;
    delete c.state.heldFacts;
    const described = c.state.intake?.mode === 'DESCRIBED' ? c.state.intake : undefined;
    if (!v) {
      if (described?.facts.length === 0) delete c.state.intake;
      return;
    }
    const taken = (Object.keys(held) as Array<keyof Situation>).filter((key) => c.state.situation[key] === undefined);
    c.state.situation = { ...held, ...c.state.situation };
    if (described) described.facts = [...described.facts, ...taken];
  },
  show: labelOf(consentChoice, 'consent.personalInfo'),
});

const nowChoice = choice<FilingContext, NonNullable<Situation['now']>>({
  values: () => ['PLANNING', 'EMERGENCY_NOW', 'IN_HOSPITAL', 'DISCHARGED_PAID'],
  // An emergency told in words is the answer here, not an interruption.
  intents: { emergency: 'EMERGENCY_NOW' },
});

/**
 * A referral is for a visit still to come: at "what is happening now", words that are no answer of their own
 * (not one reading taken) and state a referral with no sign of what is happening ("医院开了转诊", "the hospital
 * gave me a referral") are planning, said back (the referral is noted beside it). Words that say what is
 * happening as well ("在北京住院了，医院开了转诊") are read as they say.
 */
function referralMeansPlanning(recognizer: Recognizer<FilingContext, NonNullable<Situation['now']>>): Recognizer<FilingContext, NonNullable<Situation['now']>> {
  return {
    ...recognizer,
    recognize(text, scope) {
      const read = recognizer.recognize(text, scope);
      if (isTaken(read)) return read;
      const stated = scope.understanding.intake(text, scope.c.locale, scope.c.today);
      return stated.hasReferral === true && stated.now === undefined ? { status: 'understood', value: 'PLANNING' } : read;
    },
  };
}

const admissionDate = question<FilingContext, string>({
  id: 'situation.admissionDate',
  purpose: 'The admission date of a person already in hospital (retroactive filing starts on or before it).',
  stage: 'situation',
  field: 'admissionDate',
  affectsOutcome: true,
  // Facts for later questions said instead of a date ("还没退休") are noted, as at the procedure's questions.
  recognizer: notingFacts(
    'admissionDate',
    text<FilingContext, string>({
      parse: (said, c) => {
        const date = parseDate(said, { locale: c.locale, today: c.today, prefer: 'past' });
        return date.ok ? checkAdmissionDate(date.value, c.today) : date;
      },
      label: (v, c) => naturalDate(v, c.locale),
      readsWords: true,
    }),
  ),
  accepts: (date, c) => checkAdmissionDate(date, c.today).ok,
  applies: reachedBy('admissionDate'),
  get: (c) => c.state.situation.admissionDate,
  set: (c, v) => setSituation(c, 'admissionDate', v),
  show: (v, c) => naturalDate(v, c.locale),
});

const insuredPlace = placeQuestion('insuredPlace', 'The insured place (pooling area where the person is insured); selects the region profile.');
const treatmentPlace = placeQuestion('treatmentPlace', 'The place of treatment; same area, within-province or cross-province.');

const schemeChoice = choice<FilingContext, NonNullable<Situation['scheme']>>({ values: () => ['EMPLOYEE', 'RESIDENT', 'RETIRED_CADRE'] });

/** The situation's questions other than the description, in the order they are asked. */
const ANSWERED_ONE_BY_ONE: Question<FilingContext, any>[] = [
  filerMode,
  insuredPlace,
  treatmentPlace,
  consent,
  procedureQuestion('insuranceActive', { purpose: 'Whether the insurance is currently active; an inactive one cannot file.', recognizer: yesNo<FilingContext>() }),
  procedureQuestion('now', {
    purpose: 'What is happening now: planning, emergency, in hospital, or discharged and paid.',
    recognizer: referralMeansPlanning(nowChoice),
    answersIntents: ['emergency'],
  }),
  admissionDate,
  procedureQuestion('longTerm', {
    purpose: "Whether the person will live or work at the destination at least the profile's long-term threshold.",
    // A duration ("两年", "八个月") is judged against the profile's threshold.
    recognizer: yesNo<FilingContext>({ hints: (c) => ({ longTermMinDays: c.profile.longTermMinDays.value, today: c.today }) }),
    params: (c) => ({ days: c.profile.longTermMinDays.value }),
  }),
  procedureQuestion('retired', { purpose: 'Whether the person is retired (resettled retiree or long-term resident).', recognizer: yesNo<FilingContext>() }),
  procedureQuestion('hukouMoved', { purpose: "Whether a retiree's household registration moved to the destination (when the profile requires it).", recognizer: yesNo<FilingContext>() }),
  procedureQuestion('dispatchedByEmployer', { purpose: 'Whether a working person was sent by the insured employer (stationed employee).', recognizer: yesNo<FilingContext>() }),
  question<FilingContext, NonNullable<Situation['scheme']>>({
    id: 'situation.scheme',
    purpose: 'The insurance scheme of a dispatched worker (only employee insurance makes a stationed employee).',
    stage: 'situation',
    field: 'scheme',
    affectsOutcome: true,
    recognizer: notingFacts('scheme', schemeChoice),
    applies: reachedBy('scheme'),
    get: (c) => c.state.situation.scheme,
    set: (c, v) => setSituation(c, 'scheme', v),
    show: labelOf(schemeChoice, 'situation.scheme'),
  }),
  procedureQuestion('hasReferral', { purpose: 'Whether a qualified hospital of the insured place issued a referral (referral or self-referral).', recognizer: yesNo<FilingContext>() }),
];

/**
 * The situation told in one's own words, right after consent ("我是日照的退休职工，户口迁到海口了…"): the
 * facts it states are shown back for confirmation and answer their questions, so only the questions
 * still open are asked; "一步一步回答" keeps the guided path.
 */
const describing = intakeRecognizer(() => ANSWERED_ONE_BY_ONE);
const intake = question<FilingContext, IntakeAnswer>({
  id: 'situation.intake',
  purpose: 'An optional description of the situation in the person\'s own words after consent: the facts it states answer their questions (confirmed first), or the guided path.',
  stage: 'situation',
  editable: false,
  affectsOutcome: true,
  recognizer: describing,
  // Offered where the procedure still has questions after consent (and stays answered once given).
  applies: (c) => c.state.consent?.personalInfo === true && (c.state.intake !== undefined || needsMoreAnswers(c)),
  get: (c) => intakeAnswerOf(c),
  set: (c, v) => applyIntake(c, v),
  show: labelOf(describing, 'situation.intake'),
  params: (c) => ({ place: c.state.situation.treatmentPlace ? showPlace(c.state.situation.treatmentPlace, c.locale) : '' }),
});

/** The situation's questions in the order they are asked: the description comes right after consent. */
export const SITUATION_QUESTIONS: readonly Question<FilingContext, any>[] = [...ANSWERED_ONE_BY_ONE.slice(0, 4), intake, ...ANSWERED_ONE_BY_ONE.slice(4)];
