import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SmallTalkPhrases } from './small-talk.js';
import type { Lexicon } from './text.js';
import type { NluLocale } from './understanding.js';

/**
 * The training examples in content/nlu/<locale>/ (see README "Understanding people's own words"):
 *
 *   lexicon.json          folded words, negations, contrast words, hospital and urgency words
 *   yes-no.json           the generic yes/no answers every yes/no question shares
 *   none.json             sentences that answer no question (the "none of these" class)
 *   questions/<id>.json   per choice question: examples per value; `yesNo` maps the question's values to
 *                         the generic yes/no examples; `guarded` values are never taken from a negated sentence
 *   intents.json          per intent (language:<locale> for a language switch), and the words that ask
 *   faq.json              per FAQ topic (content/locales/<locale>/faq.json faq.topics)
 *   intake.json           the cue words of the one-sentence intake
 *   small-talk.json       greetings and thanks said as a whole message (matched, not classified)
 */

export const DEFAULT_EXAMPLES_DIR = new URL('../../content/nlu/', import.meta.url).pathname;

const sentences = z.array(z.string().min(1));

const lexiconSchema = z
  .object({ fold: z.record(z.string(), z.string()), negations: z.array(z.string()), contrast: z.array(z.string()), hospital: z.array(z.string().min(1)), emergency: z.array(z.string().min(1)), emergencyCare: z.array(z.string().min(1)).optional(),
    asking: z.object({ marks: z.array(z.string().min(1)), words: z.array(z.string().min(1)), first: z.array(z.string().min(1)) }).optional(),
    requesting: z.object({ words: z.array(z.string().min(1)), fillers: z.array(z.string().min(1)) }).optional(),
  })
  .loose();

const questionSchema = z
  .object({
    question: z.string().min(1),
    /** Another question whose examples this one shares (details.scheme asks what situation.scheme asks). */
    sameAs: z.string().optional(),
    yesNo: z.record(z.string(), z.enum(['yes', 'no'])).optional(),
    guarded: z.array(z.string()).optional(),
    /** A question put back (要不要转诊证明？, "is a referral required?") answers nothing here: asked again, its meaning said (lexicon `asking`). */
    askingIsNoAnswer: z.boolean().optional(),
    examples: z.record(z.string(), sentences),
  })
  .loose();

const valuesSchema = z.object({ examples: z.record(z.string(), sentences) }).loose();
const noneSchema = z.object({ examples: sentences }).loose();

const cueList = z.array(z.string().min(1));
const asksSchema = z.object({ marks: cueList, anywhere: cueList, first: cueList, last: cueList });
export type AskCues = z.infer<typeof asksSchema>;
/**
 * intents.json: the examples per intent; for an intent that undoes something (cancelFiling) the words
 * without one of which it is never read — "办理异地就医备案" is no cancel, however the classifier scores it;
 * and the words that ask (`asks`: a FAQ topic is read only from a question).
 */
const intentsSchema = z.object({ examples: z.record(z.string(), sentences), saidWith: z.record(z.string(), cueList).optional(), asks: asksSchema }).loose();
const smallTalkSchema = z.object({ greeting: cueList, thanks: cueList, fillers: cueList }).loose();
export const intakeSchema = z
  .object({
    negationBefore: cueList,
    self: cueList,
    agent: cueList,
    agentSubjects: cueList,
    subjectNotAbout: cueList,
    agentPronouns: cueList,
    agentDeclined: cueList,
    ownFiling: cueList,
    ownSituation: cueList,
    retired: cueList,
    notRetired: cueList,
    hukouMoved: cueList,
    hukouNotMoved: cueList,
    dispatched: cueList,
    notDispatched: cueList,
    student: cueList,
    referral: cueList,
    noReferral: cueList,
    emergency: cueList,
    inHospital: cueList,
    discharged: cueList,
    notDischarged: cueList,
    planning: cueList,
    longStay: cueList,
    shortStay: cueList,
    insuranceActive: cueList,
    insuranceInactive: cueList,
    schemes: z.object({ EMPLOYEE: cueList, RESIDENT: cueList, RETIRED_CADRE: cueList }),
    insuredCues: cueList,
    treatmentCues: cueList,
    notThisPlace: cueList,
    comesFrom: cueList,
    ofPerson: z.object({ words: cueList, after: cueList, notOf: cueList }),
    hospitals: z.object({
      words: cueList,
      refers: cueList,
      named: z.array(z.object({ name: z.string().min(1), place: z.string().regex(/^\d{6}$/).optional() })),
    }),
  })
  .loose();
export type IntakeCues = z.infer<typeof intakeSchema>;

export interface QuestionExamples {
  question: string;
  yesNo?: Record<string, 'yes' | 'no'>;
  guarded: string[];
  examples: Record<string, string[]>;
  sameAs?: string;
  /** A question put back answers nothing here (questions/<id>.json askingIsNoAnswer). */
  askingIsNoAnswer?: true;
}

function mergeExamples(a: Record<string, string[]>, b: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = [...(out[k] ?? []), ...v];
  return out;
}

export interface LocaleExamples {
  lexicon: Lexicon;
  yesNo: { yes: string[]; no: string[] };
  none: string[];
  questions: Map<string, QuestionExamples>;
  intents: Record<string, string[]>;
  /** Per intent that needs them, the words one of which it must be said with (intents.json `saidWith`). */
  intentWords: Record<string, string[]>;
  /** The words that ask a question (intents.json `asks`). */
  asks: AskCues;
  faq: Record<string, string[]>;
  /** FAQ topics asked by telling the problem, without a question ("医院说不能直接结算"): faq.json `toldAsProblem`. */
  faqToldAsProblem: string[];
  intake: IntakeCues;
  smallTalk: SmallTalkPhrases;
}

function read<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function loadExamples(dir: string, locale: NluLocale): LocaleExamples {
  const base = join(dir, locale);
  const yesNo = read(join(base, 'yes-no.json'), valuesSchema).examples;
  const questions = new Map<string, QuestionExamples>();
  const qdir = join(base, 'questions');
  for (const file of existsSync(qdir) ? readdirSync(qdir).filter((f) => f.endsWith('.json')).sort() : []) {
    const q = read(join(qdir, file), questionSchema);
    if (`${q.question}.json` !== file) throw new Error(`${join(qdir, file)}: "question" must be the file name without .json`);
    questions.set(q.question, { question: q.question, guarded: q.guarded ?? [], examples: q.examples, ...(q.yesNo ? { yesNo: q.yesNo } : {}), ...(q.askingIsNoAnswer ? { askingIsNoAnswer: true } : {}), ...(q.sameAs ? { sameAs: q.sameAs } : {}) });
  }
  for (const [id, q] of questions) {
    if (!q.sameAs) continue;
    const source = questions.get(q.sameAs);
    if (!source) throw new Error(`${join(qdir, `${id}.json`)}: sameAs names no question: ${q.sameAs}`);
    questions.set(id, { ...source, question: id, examples: mergeExamples(source.examples, q.examples) });
  }
  const faqFile = read(join(base, 'faq.json'), valuesSchema.extend({ toldAsProblem: z.array(z.string()).optional() }));
  const faq = faqFile.examples;
  const intents = read(join(base, 'intents.json'), intentsSchema);
  for (const intent of Object.keys(intents.saidWith ?? {})) {
    if (!intents.examples[intent]) throw new Error(`${join(base, 'intents.json')}: saidWith names no intent: ${intent}`);
  }
  // The FAQ topic question is answered by the questions of each topic.
  const topic = questions.get('faq.topic');
  if (topic) questions.set('faq.topic', { ...topic, examples: mergeExamples(faq, topic.examples) });
  return {
    lexicon: read(join(base, 'lexicon.json'), lexiconSchema),
    yesNo: { yes: yesNo.yes ?? [], no: yesNo.no ?? [] },
    none: read(join(base, 'none.json'), noneSchema).examples,
    questions,
    intents: intents.examples,
    intentWords: intents.saidWith ?? {},
    asks: intents.asks,
    faq,
    faqToldAsProblem: faqFile.toldAsProblem ?? [],
    intake: read(join(base, 'intake.json'), intakeSchema),
    smallTalk: read(join(base, 'small-talk.json'), smallTalkSchema),
  };
}

/** Every training sentence of a locale (for the test that keeps the dev set apart from them). */
export function allTrainingSentences(e: LocaleExamples): string[] {
  return [
    ...e.yesNo.yes,
    ...e.yesNo.no,
    ...e.none,
    ...[...e.questions.values()].filter((q) => !q.sameAs).flatMap((q) => Object.values(q.examples).flat()),
    ...Object.values(e.intents).flat(),
    ...Object.values(e.faq).flat(),
  ];
}
