import type { IsoDate } from '../domain/calendar.js';
import { LOCALES, Texts, DEFAULT_LOCALES_DIR } from '../content/texts.js';
import { ChoiceRecogniser } from './choice.js';
import { readDuration } from './duration.js';
import { DEFAULT_EXAMPLES_DIR, loadExamples } from './examples.js';
import { CUE_FACTS, cueFacts, readIntake, type CueFact } from './intake.js';
import { placeInSentence } from './places.js';
import { IntentRecogniser } from './intents.js';
import { DEFAULT_MODEL_CACHE_DIR, type ModelCache } from './model-cache.js';
import { languageOfScript, TextAnalyser } from './text.js';
import type { IntakeHints } from './intake.js';
import type { ChoiceHints, IntakeFacts, IntentReading, NluLocale, Reading, Understanding } from './understanding.js';

export type { Candidate, ChoiceHints, IntakeFacts, Intent, IntentReading, NluLocale, PlaceInSentence, PlaceRole, Reading, Understanding } from './understanding.js';
export { INTENTS } from './understanding.js';
export type { Duration } from './duration.js';
export type { IntakeHints } from './intake.js';
export { judgeDuration, readDuration } from './duration.js';

export interface UnderstandingOptions {
  /** Where the training examples are (content/nlu/ by default). */
  examplesDir?: string;
  /** Where the button labels, synonyms and command words are (content/locales/ by default). */
  localesDir?: string;
  /**
   * Where trained classifiers are kept between starts (src/nlu/model-cache.ts; .cache/nlu-models/ by
   * default), or false to train them every time.
   */
  modelCacheDir?: string | false;
}

/** What the understanding offers beyond the contract (additive). */
export interface FullUnderstanding extends Understanding {
  /** The intent reading with its scores, also when not confident (close: the two nearest; none). */
  intentReading(text: string, locale: NluLocale): { status: 'confident'; value: IntentReading } | { status: 'close'; candidates: IntentReading[] } | { status: 'none' };
  /** The exact layer alone (a button tap, the number, a label or synonym in either language): the value, or undefined. */
  exactChoice(questionId: string, values: readonly string[], text: string, locale: NluLocale): string | undefined;
  /** True when the text negates something (不, 没, not…): what the guards of guarded values look at. */
  negated(text: string, locale: NluLocale): boolean;
  /** A duration with its bound (以上 / 不到) and whether it was hedged (左右). */
  durationOf(text: string, locale: NluLocale): ReturnType<typeof readDuration>;
  /** The intake with hints (the long-term threshold, so a stated duration becomes longTerm). */
  intake(text: string, locale: NluLocale, today: IsoDate, hints?: IntakeHints): IntakeFacts;
  /** Trains (or reads from the model cache) every classifier of both languages now instead of on first use (training: about 1 s of CPU; the app calls it at start). */
  warmUp(): void;
}

interface LocaleParts {
  analyser: TextAnalyser;
  choices: ChoiceRecogniser;
  intents: IntentRecogniser;
  examples: ReturnType<typeof loadExamples>;
}

/** One trained understanding per examples and locales directory: tests that build many bots train once. */
const memo = new Map<string, FullUnderstanding>();

/**
 * The understanding of people's own words, usable synchronously right away. Examples are read now; each
 * question's classifier is trained on its first use (a few milliseconds) and kept for the process.
 */
export function createUnderstanding(options: UnderstandingOptions = {}): FullUnderstanding {
  const examplesDir = options.examplesDir ?? DEFAULT_EXAMPLES_DIR;
  const localesDir = options.localesDir ?? DEFAULT_LOCALES_DIR;
  const cache: ModelCache = { dir: options.modelCacheDir ?? DEFAULT_MODEL_CACHE_DIR };
  const key = `${examplesDir}\n${localesDir}\n${cache.dir}`;
  const known = memo.get(key);
  if (known) return known;
  const texts = new Texts(localesDir);
  const parts = new Map<NluLocale, LocaleParts>();
  for (const locale of LOCALES) {
    const examples = loadExamples(examplesDir, locale);
    const analyser = new TextAnalyser(locale, examples.lexicon);
    parts.set(locale, {
      analyser,
      examples,
      choices: new ChoiceRecogniser(locale, examples, analyser, texts, cache),
      intents: new IntentRecogniser(locale, examples, analyser, commandWords(texts), cache),
    });
  }
  const of = (locale: NluLocale): LocaleParts => parts.get(locale) ?? parts.get('zh-CN')!;
  /** Latin text at a Chinese prompt, Chinese at an English one (right after a language switch, or a mixed-language person): the language of its script. */
  const otherScript = (text: string, locale: NluLocale): NluLocale | undefined => {
    const written = languageOfScript(text);
    return written !== locale ? written : undefined;
  };
  /**
   * The last intake read without hints. A turn's words are read for the intake by more than one step (the menu
   * asks whether they state a filing, the filing then takes its opening answers; about 3 ms a read): read once.
   * Shared by every conversation of the process on purpose: the reading is a pure function of the words, the
   * language and the day (and the content loaded), so the same words read the same whoever says them, and one
   * entry holds no more than the last words read. Each caller gets its own copy: none can change another's.
   */
  let lastIntake: { text: string; locale: NluLocale; today: string; facts: IntakeFacts } | undefined;
  const understanding: FullUnderstanding = {
    choice: (questionId: string, values: readonly string[], text: string, locale: NluLocale, hints?: ChoiceHints): Reading<string> => {
      const reading = of(locale).choices.read(questionId, values, text, hints);
      const other = reading.status === 'none' ? otherScript(text, locale) : undefined;
      const read = other ? of(other).choices.read(questionId, values, text, hints) : reading;
      return read.status === 'confident' && read.score < 1 && answersAnotherQuestion(questionId, text, other ?? locale) ? { status: 'none' } : read;
    },
    exactChoice: (questionId, values, text, locale) => of(locale).choices.exactChoice(questionId, values, text),
    negated: (text, locale) => of(locale).analyser.analyse(text).negated,
    intent: (text, locale) => {
      const reading = understanding.intentReading(text, locale);
      return reading.status === 'confident' ? reading.value : undefined;
    },
    intentReading: (text, locale) => {
      const reading = of(locale).intents.readAll(text);
      const other = reading.status === 'none' ? otherScript(text, locale) : undefined;
      return other ? of(other).intents.readAll(text) : reading;
    },
    duration: (text, locale) => readDuration(text, locale)?.days,
    durationOf: (text, locale) => readDuration(text, locale),
    intake: (text, locale, today, hints) => {
      if (hints) return readIntake(text, locale, today, { ...of(locale), hints, understanding });
      if (lastIntake?.text !== text || lastIntake.locale !== locale || lastIntake.today !== today) {
        lastIntake = { text, locale, today, facts: readIntake(text, locale, today, { ...of(locale), hints: {}, understanding }) };
      }
      return structuredClone(lastIntake.facts);
    },
    isChineseWord: (text) => of('zh-CN').analyser.isChineseWord(text),
    placeIn: (text, locale, role) => placeInSentence(text, locale, role, of(locale).examples.intake),
    warmUp: () => {
      for (const p of parts.values()) {
        p.choices.warmUp([...p.examples.questions.values()].map((q) => [q.question, Object.keys(q.examples)] as [string, string[]]));
        p.intents.read('warm up');
      }
    },
  };
  /**
   * A situation question read from words that state another question's fact and not this one's ("还没退休呢"
   * at "what is happening now" reads like 还没去, a plan): no answer here — the question is asked again (and
   * the conversation may keep the fact for later). Only for a reading of free words, not an exact one.
   */
  const answersAnotherQuestion = (questionId: string, text: string, locale: NluLocale): boolean => {
    const own = ownFactOf(questionId);
    if (!own) return false;
    const facts = cueFacts(text, locale, of(locale));
    return facts[own] === undefined && OTHER_FACTS.some((k) => k !== own && !(RELATED_FACTS[own] ?? []).includes(k) && facts[k] !== undefined);
  };
  memo.set(key, understanding);
  return understanding;
}

/**
 * The intake fact a situation question's answer is (a duration is the long-term question's): the questions of
 * the decision procedure are situation.<its fact> (dialogs/situation-questions.ts procedureQuestion makes their
 * ids of the fact each asks), so the id names it. Other questions have none (and no answer of another question).
 */
function ownFactOf(questionId: string): CueFact | undefined {
  const [stage, fact, ...more] = questionId.split('.');
  return stage === 'situation' && more.length === 0 && (CUE_FACTS as readonly string[]).includes(fact ?? '') ? (fact as CueFact) : undefined;
}
/** Facts said along with a question's own answer as its context (working, so not retired, with a posting): no sign of another question. */
const RELATED_FACTS: Readonly<Partial<Record<CueFact, readonly CueFact[]>>> = { dispatchedByEmployer: ['retired'] };
/**
 * The facts whose words make an answer another question's: retired, hukou, posting, referral, insurance,
 * student. (Stay and plan words are not among them: they run through the answers of several questions —
 * "被公司调过去常驻" is a posting said with a stay.)
 */
const OTHER_FACTS: readonly CueFact[] = ['retired', 'hukouMoved', 'dispatchedByEmployer', 'hasReferral', 'insuranceActive', 'student'];

/**
 * The command words of content/locales/<locale>/commands.json as exact intents (both languages: a tap on
 * a button still showing the other language's label works).
 */
function commandWords(texts: Texts): Record<string, string[]> {
  const map: Record<string, string> = { help: 'help', back: 'back', cancel: 'restart', human: 'human', emergency: 'emergency', keep: 'keep' };
  const out: Record<string, string[]> = {};
  for (const [command, intent] of Object.entries(map)) {
    out[intent] = LOCALES.flatMap((l) =>
      texts.has(l, `commands.${command}.label`) ? [texts.t(l, `commands.${command}.label`), ...texts.list(l, `commands.${command}.words`)] : [],
    ).filter((w) => w.replace(/[?？]/g, '').length > 0);
  }
  // Each language's language command names the other language: "English" in Chinese, "中文" in English.
  for (const l of LOCALES) {
    const other = LOCALES.find((x) => x !== l)!;
    out[`language:${other}`] = [texts.t(l, 'commands.language.label'), ...texts.list(l, 'commands.language.words')];
  }
  return out;
}
