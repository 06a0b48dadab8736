import { LOCALES } from '../src/content/texts.js';
import type { IntakeFacts } from '../src/nlu/understanding.js';
import type { Situation } from '../src/domain/situation.js';
import type { FilingContext } from './filing-context.js';
import type { Question } from './form/declaration.js';
import type { LabelScope, Recognition, RecognizeScope, Recognizer } from './form/recognition.js';
import { choiceLabel, exactChoice, yesNoWord } from './form/recognizers.js';
import { bulletList } from './bullet-list.js';

/**
 * The situation told in one's own words: the facts a description states become the answers of their
 * questions, each checked as its own question checks it (a place must be a pooling area, an admission
 * date not in the future), shown back together for confirmation first. The decision procedure still
 * decides what counts: a fact it never reaches (户口 for someone not retired) decides nothing.
 */

/** The answer to the description question: the guided path, or the facts a description stated. */
export type IntakeAnswer = 'GUIDED' | { facts: Partial<Situation> };

/** The description question's one choice: answer step by step instead. */
const GUIDED = 'GUIDED';

/** The facts a description may state, in the order the procedure asks them (and they are shown). */
const FACTS = [
  'filerMode',
  'insuredPlace',
  'treatmentPlace',
  'insuranceActive',
  'now',
  'admissionDate',
  'longTerm',
  'retired',
  'hukouMoved',
  'dispatchedByEmployer',
  'scheme',
  'hasReferral',
  'student',
] as const satisfies ReadonlyArray<keyof IntakeFacts & keyof Situation>;

type Fact = (typeof FACTS)[number];

type SituationQuestions = () => readonly Question<FilingContext, any>[];

/** A question's own checks, for a value that did not come from its recogniser. */
function acceptable(question: Question<FilingContext, any>, value: unknown, c: FilingContext): boolean {
  if (question.accepts) return question.accepts(value, c);
  const choices = question.recognizer.choices?.({ id: question.id, c });
  return choices ? choices.includes(value) : true;
}

/**
 * The facts of a description that pass their questions' checks (a duration decides "long-term" by the
 * profile's threshold) and say something new: a fact that repeats an answer already given (the places,
 * asked before) is not news.
 */
export function acceptedFacts(described: IntakeFacts, c: FilingContext, questions: SituationQuestions): Partial<Situation> {
  const facts: Partial<Record<Fact, unknown>> = {};
  const longTerm = described.longTerm ?? (described.stayDays !== undefined ? described.stayDays >= c.profile.longTermMinDays.value : undefined);
  for (const key of FACTS) {
    const value = key === 'longTerm' ? longTerm : described[key];
    if (value === undefined || c.state.situation[key] === value) continue;
    if (key === 'student') {
      // No question asks it: a student living there long-term is a long-term resident (classify.ts).
      if (typeof value === 'boolean') facts.student = value;
      continue;
    }
    const question = questions().find((q) => q.id === `situation.${key}`);
    if (question && acceptable(question, value, c)) facts[key] = value;
  }
  return facts as Partial<Situation>;
}

/**
 * The facts as lines, in the order the procedure asks them: "参保地：山东省日照市" — or, `inOwnWords`, a yes/no
 * fact by its own words where content has them ("未退休"). Being a student has only its own words. A fact that
 * changes an answer already given shows that answer too ("就医地：江西省赣州市（之前是上海市）"): a description read
 * wrongly must not replace what was answered unseen, and a real change is confirmed knowingly.
 */
function factLines({ c }: LabelScope<FilingContext>, facts: Partial<Situation>, questions: SituationQuestions, inOwnWords = false): string[] {
  const t = (key: string, params = {}) => c.texts.t(c.locale, key, params);
  const earlier = c.state.situation as Record<string, unknown>;
  return FACTS.filter((key) => facts[key] !== undefined).map((key) => {
    const value = facts[key];
    const own = `prompts.situation.intake.facts.${key}.${value ? 'yes' : 'no'}`;
    if (key === 'student' || (inOwnWords && typeof value === 'boolean' && c.texts.has(c.locale, own))) return t(own);
    const question = questions().find((q) => q.id === `situation.${key}`)!;
    const shownValue = question.show(value, c);
    const before = earlier[key];
    const shown = before === undefined || before === value ? shownValue : t('prompts.situation.intake.changed', { value: shownValue, earlier: question.show(before, c) });
    return t('messages.summaryRow', { label: t(`labels.situation.${key}`), value: shown });
  });
}

/** Facts a later question asks, noted when said early (never the places or who files: asked first). */
const NOTABLE: readonly Fact[] = ['insuranceActive', 'now', 'admissionDate', 'longTerm', 'retired', 'hukouMoved', 'dispatchedByEmployer', 'scheme', 'hasReferral', 'student'];

/**
 * The facts an answer that does not answer its question states for other questions ("没退休", "户口没迁" at
 * "what is happening now"), read as the one-sentence intake reads them: those not yet answered, each passing
 * its question's checks, the asking question's own left out (a fact about it is no answer to take unasked).
 */
export function factsForLater(text: string, askingKey: string, scope: RecognizeScope<FilingContext>, questions: SituationQuestions): Partial<Situation> {
  const { c, understanding } = scope;
  const described = acceptedFacts(understanding.intake(text, c.locale, c.today), c, questions);
  const s = c.state.situation as Record<string, unknown>;
  return Object.fromEntries(NOTABLE.filter((key) => key !== askingKey && described[key] !== undefined && s[key] === undefined).map((key) => [key, described[key]])) as Partial<Situation>;
}

/** The facts in a few words ("未退休、户口未迁"): a yes/no fact by its own words, others as "label: value". */
export function noteOfFacts(scope: LabelScope<FilingContext>, facts: Partial<Situation>, questions: SituationQuestions): string {
  return factLines(scope, facts, questions, true).join(scope.c.texts.t(scope.c.locale, 'common.alternativesSeparator'));
}

/**
 * The description question's recogniser: "一步一步回答" (its choice) is the guided path; anything else is
 * read by the understanding, and the facts that pass their checks are shown back for confirmation.
 */
export function intakeRecognizer(questions: SituationQuestions): Recognizer<FilingContext, IntakeAnswer> {
  return {
    choices: () => [GUIDED],
    label: (value, scope) =>
      value === GUIDED
        ? choiceLabel(scope.c.texts, scope.c.locale, scope.id, GUIDED)
        : factLines(scope, value.facts, questions).join(scope.c.texts.t(scope.c.locale, 'common.listSeparator')),
    names: (value, { id, c }) => (value === GUIDED ? LOCALES.map((l) => choiceLabel(c.texts, l, id, GUIDED)) : []),
    recognize(text, { id, c, understanding, pending }): Recognition<IntakeAnswer> {
      if (exactChoice(text, id, [GUIDED], c.texts) === GUIDED) return { status: 'exact', value: GUIDED };
      const described = understanding.intake(text, c.locale, c.today);
      const said = acceptedFacts(described, c, questions);
      // More told while the facts are shown ("要住大半年", then "哦不对…就去一两个月", "不对，瑞金医院在上海"): added to
      // them, a fact said again replaced — said as answered before, the answer stands and the change shown goes;
      // the facts not contradicted stay.
      const shown = factsOf(pending);
      const facts = { ...shown, ...said };
      const answered = c.state.situation as Record<string, unknown>;
      const restated = FACTS.filter((key) => described[key] !== undefined && described[key] === answered[key]);
      for (const key of restated) delete facts[key];
      if (said.now !== undefined && said.admissionDate === undefined) delete facts.admissionDate;
      // "不对，…" with nothing read that changes what was shown: not the same reading again — not used, as a bare "不对".
      if (pending !== undefined && declines(text, c) && sameFacts(facts, shown)) return { status: 'invalid', error: 'NOT_CONFIRMED' };
      // Only answers said again ("不对，就医地是上海" taking back the change shown): they stay, nothing new to confirm.
      if (Object.keys(facts).length === 0) return { status: 'invalid', error: restated.length > 0 ? 'INTAKE_ANSWERS_KEPT' : 'INTAKE_NOTHING_FOUND' };
      return { status: 'confirm', value: { facts } };
    },
    confirmation: (value, scope) => ({
      key: 'prompts.situation.intake.confirm',
      params: { facts: value === GUIDED ? '' : bulletList((key, params) => scope.c.texts.t(scope.c.locale, key, params), factLines(scope, value.facts, questions)) },
    }),
  };
}

/** Words that start by declining ("不对，…", "不是，…", "no, …"): their first clause is a no (common.no). */
function declines(text: string, c: FilingContext): boolean {
  const first = text.trim().split(/[，,。.;；!！?？\s]/u)[0] ?? '';
  return first !== '' && yesNoWord(first, c.texts) === 'no';
}

const sameFacts = (a: Partial<Situation>, b: Partial<Situation>): boolean => {
  const keys = Object.keys(a) as Array<keyof Situation>;
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
};

/** The facts of a description shown for confirmation (none for the guided path or nothing pending). */
function factsOf(pending: unknown): Partial<Situation> {
  return typeof pending === 'object' && pending !== null && 'facts' in pending ? (pending as { facts: Partial<Situation> }).facts : {};
}

/** The description question's answer as the state holds it. */
export function intakeAnswerOf(c: FilingContext): IntakeAnswer | undefined {
  const intake = c.state.intake;
  if (!intake) return undefined;
  if (intake.mode === 'GUIDED') return GUIDED;
  const s = c.state.situation as Record<string, unknown>;
  return { facts: Object.fromEntries(intake.facts.filter((key) => s[key] !== undefined).map((key) => [key, s[key]])) as Partial<Situation> };
}

/**
 * Applies an answer to the description question. The facts an earlier description gave go with it
 * (unless answered one by one since); the new facts become the answers of their questions.
 */
export function applyIntake(c: FilingContext, answer: IntakeAnswer | undefined): void {
  const earlier = c.state.intake?.mode === 'DESCRIBED' ? c.state.intake.facts : [];
  for (const key of earlier) if (!c.progress.history.includes(`situation.${key}`)) delete c.state.situation[key];
  if (answer === undefined) {
    delete c.state.intake;
    return;
  }
  if (answer === GUIDED) {
    c.state.intake = { mode: 'GUIDED' };
    return;
  }
  Object.assign(c.state.situation, answer.facts);
  c.state.intake = { mode: 'DESCRIBED', facts: Object.keys(answer.facts) as Array<keyof Situation> };
}
