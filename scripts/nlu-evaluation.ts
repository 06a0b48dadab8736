/**
 * The evaluation of the understanding on the dev set (test/nlu/dev-set.json): shared by `npm run eval:nlu`
 * (scripts/eval-nlu.ts, which prints it) and test/nlu.eval.test.ts (which holds it to test/nlu/baseline.json).
 */
import { readFileSync } from 'node:fs';
import { classify, nextQuestion } from '../src/domain/classify.js';
import { loadProfiles, type RegionProfile } from '../src/domain/profile.js';
import type { Situation } from '../src/domain/situation.js';
import type { IntakeFacts, IntentReading, NluLocale, Reading } from '../src/nlu/index.js';

export const DEV_SET = new URL('../test/nlu/dev-set.json', import.meta.url);
export const BASELINE = new URL('../test/nlu/baseline.json', import.meta.url);

export interface ChoiceItem {
  q: string;
  locale: NluLocale;
  text: string;
  /**
   * The value a confident reading must give, "re-ask" (a close call or none), or "not an answer": a question
   * put back ("要不要转诊证明？") that must not advance nor be offered as a choice — none only.
   */
  expect: string;
}
/** A choice item's expectation for a reply that is no answer at all (none only: not taken, not offered). */
export const NOT_AN_ANSWER = 'not an answer';
export interface IntentItem {
  locale: NluLocale;
  text: string;
  /** intent, faq:<topic>, language:<locale>, or none. */
  expect: string;
}
export interface IntakeItem {
  locale: NluLocale;
  text: string;
  today: string;
  category: string;
  truth: Partial<Situation>;
}
/** A place question's answer: the pooling area the question must keep, or "re-ask" (a choice offered, or refused). */
export interface PlaceItem {
  q: 'situation.insuredPlace' | 'situation.treatmentPlace';
  locale: NluLocale;
  text: string;
  expect: string;
}
/** A common question in a person's own words: the FAQ topic (content/locales/<locale>/faq.json faq.topics) whose answer it must get. */
export interface FaqItem {
  locale: NluLocale;
  text: string;
  expect: string;
}
export interface DevSet {
  choices: ChoiceItem[];
  intents: IntentItem[];
  intake: IntakeItem[];
  places?: PlaceItem[];
  faq?: FaqItem[];
}

export function loadDevSet(): DevSet {
  return JSON.parse(readFileSync(DEV_SET, 'utf8')) as DevSet;
}

/** The values each choice question offers (as dialogs/questions.ts, main-dialog.ts and the others ask them). */
export const QUESTION_VALUES: Record<string, string[]> = {
  'menu.main': ['FILE', 'EMERGENCY', 'FAQ', 'HUMAN'],
  'situation.filerMode': ['SELF', 'AGENT'],
  'consent.personalInfo': ['agree', 'decline'],
  'situation.insuranceActive': ['yes', 'no'],
  'situation.now': ['PLANNING', 'EMERGENCY_NOW', 'IN_HOSPITAL', 'DISCHARGED_PAID'],
  'situation.longTerm': ['yes', 'no'],
  'situation.retired': ['yes', 'no'],
  'situation.hukouMoved': ['yes', 'no'],
  'situation.dispatchedByEmployer': ['yes', 'no'],
  'situation.scheme': ['EMPLOYEE', 'RESIDENT', 'RETIRED_CADRE'],
  'situation.hasReferral': ['yes', 'no'],
  'details.scheme': ['EMPLOYEE', 'RESIDENT', 'RETIRED_CADRE'],
  'details.agentRelationship': ['SPOUSE', 'CHILD', 'PARENT', 'OTHER_RELATIVE', 'EMPLOYER_STAFF', 'OTHER'],
  'details.commitment': ['DOCUMENTS', 'COMMITMENT'],
  'outcome.understood': ['accept', 'compare'],
  'outcome.endFiling': ['yes', 'no'],
  'review.confirm': ['submit', 'edit', 'restart'],
  'confirm.startOver': ['yes', 'no'],
  'faq.topic': [
    'WHEN', 'WHICH', 'RETIREE_HUKOU', 'PARENTS', 'MATERIALS', 'EFFECT_TIME', 'CARD', 'VALIDITY', 'CANCEL', 'IN_HOSPITAL', 'DISCHARGED',
    'EMERGENCY', 'INSTITUTIONS', 'RATIO', 'OUTPATIENT', 'HOSPITAL_REFUSES', 'STUDENT', 'WORKER', 'MULTIPLE_CITIES', 'INTRA_PROVINCE',
    'WHERE', 'FALSE_COMMITMENT', 'CONTACT', 'MENU',
  ],
};

/** What the evaluation needs of an understanding (the contract, or a candidate design being compared). */
export interface Reader {
  choice(questionId: string, values: readonly string[], text: string, locale: NluLocale, hints: { longTermMinDays: number }): Reading<string> | Promise<Reading<string>>;
  intent(text: string, locale: NluLocale): IntentReading | undefined | Promise<IntentReading | undefined>;
  intake?(text: string, locale: NluLocale, today: string, hints: { longTermMinDays: number }): IntakeFacts;
  /** A place question's answer as the conversation reads it: the pooling area taken, or undefined (asked which, or refused). */
  place?(questionId: PlaceItem['q'], text: string, locale: NluLocale): string | undefined;
}

export interface Tally {
  total: number;
  /** Items with a value expected, read confidently as that value. */
  understood: number;
  /** Items with a value expected. */
  answers: number;
  /** A confident reading that is wrong (or confident where a re-ask was expected). */
  wrongAdvance: number;
  /** Not confident (close or none). */
  reAsked: number;
}

/** How the common questions were read: answered with their topic, with another topic's answer, or not answered (the menu, the filing, another intent). */
export interface FaqTally {
  total: number;
  understood: number;
  wrongAnswer: number;
  notUnderstood: number;
}

/** The FAQ's questions read as a first message and as a message at a question of the filing, per language. */
export interface FaqEvaluation {
  firstMessage: Record<NluLocale, FaqTally>;
  midFiling: Record<NluLocale, FaqTally>;
  /**
   * Answers of the dev set at the filing's questions (choices but the menu's and the FAQ's own, places) read as
   * a common question: each would get a FAQ answer beside the answer taken (or instead of a re-ask).
   */
  onAnswers: number;
}

/**
 * The questions of the filing at which the FAQ's questions are also read mid-filing: who files (the first
 * question), what is happening now (its answers are hospital and payment facts the questions often hold)
 * and the length of the stay (a yes/no question read with durations).
 */
export const MID_FILING_QUESTIONS = ['situation.filerMode', 'situation.now', 'situation.longTerm'] as const;

/**
 * Readings other than the topic's answer that do what its question asks: the emergency advice (the menu's
 * choice or the intent) for EMERGENCY, the dialog that cancels or changes a filing for CANCEL.
 */
const FAQ_EQUIVALENTS: Readonly<Record<string, readonly string[]>> = {
  EMERGENCY: ['emergency', 'menu:EMERGENCY'],
  CANCEL: ['cancelFiling', 'changeFiling'],
};

export interface IntakeResult {
  text: string;
  expected: string;
  got: string;
  further: number;
  wrongFacts: string[];
}

export interface Evaluation {
  perQuestion: Record<string, Tally>;
  choices: Tally;
  intents: Tally;
  /** The place questions (when the reader reads places). */
  places: Tally;
  intake: { total: number; rightCategory: number; withinThreeFurther: number; wrongFacts: number; maxFurther: number; results: IntakeResult[] };
  faq: FaqEvaluation;
  /** Milliseconds per recognition (choice and intent), over the whole dev set read several times. */
  timing: { p50: number; p99: number; samples: number };
  failures: string[];
}

const empty = (): Tally => ({ total: 0, understood: 0, answers: 0, wrongAdvance: 0, reAsked: 0 });

const intentLabel = (r: IntentReading | undefined): string =>
  !r ? 'none' : r.intent === 'faq' ? `faq:${r.topic}` : r.intent === 'language' ? `language:${r.locale}` : r.intent;

const SITUATION_ORDER = ['filerMode', 'insuredPlace', 'treatmentPlace'] as const;

export async function evaluate(reader: Reader, options: { profile?: RegionProfile; timingRounds?: number } = {}): Promise<Evaluation> {
  const dev = loadDevSet();
  const profile = options.profile ?? loadProfiles().get('rizhao')!;
  const longTermMinDays = profile.longTermMinDays.value;
  const perQuestion: Record<string, Tally> = {};
  const choices = empty();
  const failures: string[] = [];
  const times: number[] = [];

  for (const item of dev.choices) {
    const values = QUESTION_VALUES[item.q];
    if (!values) throw new Error(`dev set: unknown question ${item.q}`);
    const t0 = performance.now();
    const reading = await reader.choice(item.q, values, item.text, item.locale, { longTermMinDays });
    times.push(performance.now() - t0);
    const tally = (perQuestion[item.q] ??= empty());
    for (const t of [tally, choices]) {
      t.total++;
      if (item.expect !== 're-ask' && item.expect !== NOT_AN_ANSWER) t.answers++;
      if (reading.status !== 'confident') t.reAsked++;
      else if (reading.value === item.expect) t.understood++;
      else t.wrongAdvance++;
    }
    const ok =
      item.expect === 're-ask' ? reading.status !== 'confident' : item.expect === NOT_AN_ANSWER ? reading.status === 'none' : reading.status === 'confident' && reading.value === item.expect;
    if (!ok) failures.push(`${item.q} [${item.locale}] “${item.text}”: expected ${item.expect}, got ${reading.status === 'confident' ? reading.value : reading.status}`);
  }

  const intents = empty();
  for (const item of dev.intents) {
    const t0 = performance.now();
    const reading = await reader.intent(item.text, item.locale);
    times.push(performance.now() - t0);
    const got = intentLabel(reading);
    intents.total++;
    if (item.expect !== 'none') intents.answers++;
    if (got === 'none') intents.reAsked++;
    else if (got === item.expect) intents.understood++;
    else intents.wrongAdvance++;
    if (got !== item.expect) failures.push(`intent [${item.locale}] “${item.text}”: expected ${item.expect}, got ${got}`);
  }

  const places = empty();
  if (reader.place) {
    for (const item of dev.places ?? []) {
      const got = reader.place(item.q, item.text, item.locale);
      const tally = (perQuestion[item.q] ??= empty());
      for (const t of [tally, places]) {
        t.total++;
        if (item.expect !== 're-ask') t.answers++;
        if (got === undefined) t.reAsked++;
        else if (got === item.expect) t.understood++;
        else t.wrongAdvance++;
      }
      if ((got ?? 're-ask') !== item.expect) failures.push(`${item.q} [${item.locale}] “${item.text}”: expected ${item.expect}, got ${got ?? 're-ask'}`);
    }
  }

  const intake = { total: 0, rightCategory: 0, withinThreeFurther: 0, wrongFacts: 0, maxFurther: 0, results: [] as IntakeResult[] };
  if (reader.intake) {
    for (const item of dev.intake) {
      const facts = reader.intake(item.text, item.locale, item.today, { longTermMinDays });
      const r = replay(facts, item, profile);
      intake.total++;
      if (r.got === item.category && r.wrongFacts.length === 0) intake.rightCategory++;
      if (r.further <= 3) intake.withinThreeFurther++;
      if (r.wrongFacts.length) intake.wrongFacts++;
      intake.maxFurther = Math.max(intake.maxFurther, r.further);
      intake.results.push(r);
      if (r.got !== item.category || r.wrongFacts.length || r.further > 3) {
        failures.push(`intake [${item.locale}] “${item.text}”: expected ${item.category}, got ${r.got}, ${r.further} further questions${r.wrongFacts.length ? `, wrong: ${r.wrongFacts.join(', ')}` : ''}`);
      }
    }
  }

  const faq = await evaluateFaq(reader, dev.faq ?? [], longTermMinDays, failures);
  // A question put back (not an answer) may well be a common question: answered as one is right.
  for (const item of [...dev.choices.filter((c) => !['menu.main', 'faq.topic'].includes(c.q) && c.expect !== NOT_AN_ANSWER), ...(dev.places ?? [])]) {
    const read = intentLabel(await reader.intent(item.text, item.locale));
    if (!read.startsWith('faq:')) continue;
    faq.onAnswers++;
    failures.push(`faq on an answer: ${item.q} [${item.locale}] “${item.text}” read as ${read}`);
  }

  // Timing: the dev set read again a few times, so p99 is not one cold call.
  for (let round = 0; round < (options.timingRounds ?? 3); round++) {
    for (const item of dev.choices) {
      const t0 = performance.now();
      await reader.choice(item.q, QUESTION_VALUES[item.q]!, item.text, item.locale, { longTermMinDays });
      times.push(performance.now() - t0);
    }
    for (const item of dev.intents) {
      const t0 = performance.now();
      await reader.intent(item.text, item.locale);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { perQuestion, choices, intents, places, intake, faq, timing: { p50: at(0.5), p99: at(0.99), samples: times.length }, failures };
}

const emptyFaq = (): FaqTally => ({ total: 0, understood: 0, wrongAnswer: 0, notUnderstood: 0 });

/**
 * Each common question read as the conversation reads it (dialogs/main-dialog.ts), and what it leads to:
 *  - as the first message: a menu choice named exactly is taken; one read from words too (the filing, the
 *    advice, the topics' list, a person), unless the words are a FAQ topic's question; else its intent — a
 *    FAQ topic's answer, or another intent's dialog;
 *  - at a question of the filing (MID_FILING_QUESTIONS): the question's own exact answer is taken; else a
 *    check / cancel / change intent starts its dialog when the words do not read as an answer; a FAQ topic's
 *    question is answered (and an answer read from it then taken); else an answer read (confident or close)
 *    is taken unless the intent is an emergency; else its intent.
 * "faq:<topic>" is understood when it is the topic (or FAQ_EQUIVALENTS), a wrong answer when it is another
 * topic; anything else leaves the question unanswered.
 */
async function evaluateFaq(reader: Reader, items: readonly FaqItem[], longTermMinDays: number, failures: string[]): Promise<FaqEvaluation> {
  const out: FaqEvaluation = {
    firstMessage: { 'zh-CN': emptyFaq(), 'en-US': emptyFaq() },
    midFiling: { 'zh-CN': emptyFaq(), 'en-US': emptyFaq() },
    onAnswers: 0,
  };
  const count = (tally: FaqTally, item: FaqItem, got: string, where: string): void => {
    tally.total++;
    if (got === `faq:${item.expect}` || FAQ_EQUIVALENTS[item.expect]?.includes(got)) return void tally.understood++;
    if (got.startsWith('faq:')) tally.wrongAnswer++;
    else tally.notUnderstood++;
    failures.push(`faq ${where} [${item.locale}] “${item.text}”: expected ${item.expect}, got ${got}`);
  };
  for (const item of items) {
    const intent = intentLabel(await reader.intent(item.text, item.locale));
    const menu = await reader.choice('menu.main', QUESTION_VALUES['menu.main']!, item.text, item.locale, { longTermMinDays });
    const menuTaken = menu.status === 'confident' && (menu.score === 1 || !intent.startsWith('faq:'));
    count(out.firstMessage[item.locale], item, menuTaken ? `menu:${menu.value}` : intent, 'first message');
    for (const q of MID_FILING_QUESTIONS) {
      const reading = await reader.choice(q, QUESTION_VALUES[q]!, item.text, item.locale, { longTermMinDays });
      const asAnswer = reading.status !== 'none';
      const exact = reading.status === 'confident' && reading.score === 1;
      const lifecycle = ['checkFiling', 'cancelFiling', 'changeFiling'].includes(intent);
      const answered = asAnswer && intent !== 'emergency' && !intent.startsWith('faq:');
      const got = exact ? `answer:${reading.value}` : lifecycle && !asAnswer ? intent : answered ? `answer:${reading.status === 'confident' ? reading.value : 'close'}` : intent;
      count(out.midFiling[item.locale], item, got, `at ${q}`);
    }
  }
  return out;
}

/**
 * The decision procedure run from the facts a sentence stated: every question it still needs is answered from
 * the item's truth and counted (the places and who files included, when the sentence did not say them).
 */
function replay(facts: IntakeFacts, item: IntakeItem, profile: RegionProfile): IntakeResult {
  const truth = item.truth as Record<string, unknown>;
  const stated = facts as Record<string, unknown>;
  const wrongFacts = Object.entries(stated)
    .filter(([k, v]) => k !== 'stayDays' && k !== 'placeChoices' && truth[k] !== undefined && truth[k] !== v)
    .map(([k, v]) => `${k}=${String(v)} (truth ${String(truth[k])})`);
  const answers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stated)) if (k !== 'stayDays' && k !== 'placeChoices') answers[k] = v;
  let further = 0;
  for (const key of SITUATION_ORDER) {
    if (answers[key] === undefined) {
      answers[key] = truth[key];
      further++;
    }
  }
  let got: string;
  try {
    for (let i = 0; i < 20; i++) {
      const next = nextQuestion(answers as Partial<Situation>, profile);
      if (next === undefined) break;
      answers[next] = truth[next];
      further++;
      if (truth[next] === undefined) throw new Error(`the truth does not say ${next}`);
    }
    got = classify(answers as unknown as Situation, profile).kind;
  } catch (e) {
    got = `error: ${(e as Error).message}`;
  }
  return { text: item.text, expected: item.category, got, further, wrongFacts };
}

export interface Baseline {
  perQuestion: Record<string, { understood: number; wrongAdvance: number }>;
  choices: { understood: number; wrongAdvance: number };
  intents: { understood: number; wrongAdvance: number };
  intake: { rightCategory: number; withinThreeFurther: number };
  /** The common questions, per language: understood and wrong answers, shares of all. */
  faq?: Record<'firstMessage' | 'midFiling', Record<NluLocale, { understood: number; wrongAnswer: number }>> & { onAnswers: number };
}

const share = (n: number, d: number): number => (d === 0 ? 1 : Math.round((n / d) * 1000) / 1000);

/** The figures the baseline records: shares of understood (of the answers) and of wrong advances (of all). */
export function figures(e: Evaluation): Baseline {
  const pair = (t: Tally) => ({ understood: share(t.understood, t.answers), wrongAdvance: share(t.wrongAdvance, t.total) });
  return {
    perQuestion: Object.fromEntries(Object.entries(e.perQuestion).sort(([a], [b]) => a.localeCompare(b)).map(([q, t]) => [q, pair(t)])),
    choices: pair(e.choices),
    intents: pair(e.intents),
    intake: { rightCategory: share(e.intake.rightCategory, e.intake.total), withinThreeFurther: share(e.intake.withinThreeFurther, e.intake.total) },
    faq: {
      firstMessage: faqShares(e.faq.firstMessage),
      midFiling: faqShares(e.faq.midFiling),
      onAnswers: e.faq.onAnswers,
    },
  };
}

function faqShares(t: Record<NluLocale, FaqTally>): Record<NluLocale, { understood: number; wrongAnswer: number }> {
  const pair = (x: FaqTally) => ({ understood: share(x.understood, x.total), wrongAnswer: share(x.wrongAnswer, x.total) });
  return { 'zh-CN': pair(t['zh-CN']), 'en-US': pair(t['en-US']) };
}
