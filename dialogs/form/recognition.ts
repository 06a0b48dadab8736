import type { TextParams } from '../../src/content/texts.js';
import type { Understanding } from '../../src/nlu/understanding.js';
import type { FormContext } from './declaration.js';
import type { IntentOf } from './turn-intents.js';

/** Where a value is named: the asking's id (its words are under prompts.<id>) and the turn's form context. */
export interface LabelScope<C extends FormContext = FormContext> {
  readonly id: string;
  readonly c: C;
}

/**
 * What a recogniser is given besides the text: the asking's id, the turn's form context, the understanding,
 * and the turn's intent reader (./turn-intents.ts: words the turn already read for an intent are not read again).
 */
export interface RecognizeScope<C extends FormContext = FormContext> extends LabelScope<C> {
  readonly understanding: Understanding;
  readonly intentOf: IntentOf;
  /** The reading shown for confirmation and not yet confirmed, when these words neither confirm nor decline it (more said about it). */
  readonly pending?: unknown;
  /** The readings offered as choices, when these words name none of them as it is labelled ("Zhejiang" for "Yiwu, Jinhua, Zhejiang"). */
  readonly offered?: readonly unknown[];
}

/** A sentence from content, said in the person's language (and filer's variant) by whoever speaks it. */
export interface Sentence {
  key: string;
  params?: TextParams;
}

/**
 * How an answer was recognised, once, with the typed value. How sure it is decides what the bot does:
 *
 * - `exact`: a button, a number, a choice's own words (or a synonym content lists for it, as a whole
 *   answer): taken as it is.
 * - `typed`: free text that is the answer as typed (a name, an ID number): taken as it is.
 * - `understood`: a confident reading of free words: taken, and said back in a few words so a misreading
 *   is visible and undone with "back" ("好的，按“…”处理。", or `said` when the recogniser says it better).
 * - `close`: two readings are close (or a name fits several places): the person is asked which one, with
 *   each as a button; `note` (an error code with params) says why first.
 * - `confirm`: a reading taken only once the person confirms it (the facts of a one-sentence description).
 * - `invalid`: not an answer (or not a valid one): said why, with an example, and asked again.
 * - `noted`: not an answer, but facts that answer later questions ("没退休" at "what is happening now"):
 *   `keep` keeps them, `said` says so in a few words, and the question is asked again (never advanced).
 *
 * An answer taken, or close readings, may come with `alongside`: facts for other questions said in the same
 * words ("还没去，医院开了转诊单" at "what is happening now": planning, and a referral), kept and said too.
 */
export type Recognition<T> =
  | { status: 'exact'; value: T; alongside?: FactsAlongside }
  | { status: 'typed'; value: T; alongside?: FactsAlongside }
  | { status: 'understood'; value: T; said?: Sentence; alongside?: FactsAlongside }
  | { status: 'close'; candidates: T[]; note?: { error: string; params?: TextParams }; alongside?: FactsAlongside }
  | { status: 'confirm'; value: T }
  | { status: 'invalid'; error: string; params?: TextParams }
  | { status: 'noted'; said: Sentence; keep(c: FormContext): void };

/**
 * Facts for other questions said along with an answer (or with close readings): `keep` keeps them, whatever
 * becomes of the answer; `said` says so on its own ("好的，记下了：有转诊证明。"), `saidAfter` right after the
 * answer said back, which it is given as the placeholder {said} ("好的，按“…”处理。另外记下了：有转诊证明。").
 */
export interface FactsAlongside {
  said: Sentence;
  saidAfter: Sentence;
  keep(c: FormContext): void;
}

/** The recognitions that give an answer at once. */
export type Taken<T> = Extract<Recognition<T>, { status: 'exact' | 'typed' | 'understood' }>;

export function isTaken<T>(r: Recognition<T>): r is Taken<T> {
  return r.status === 'exact' || r.status === 'typed' || r.status === 'understood';
}

/**
 * Turns what a person typed into the typed value of one asking. Declared with the asking; its
 * `recognize` is called once per answer (by the asking's prompt), never a second time to get the value.
 */
export interface Recognizer<C extends FormContext = FormContext, T = unknown> {
  /** The values offered as choices, in order (buttons, or numbered lines where the channel has no buttons). Absent: free text. */
  choices?(scope: LabelScope<C>): T[];
  /** How a value is named to the person, in their language: a choice's label, a place's full name. */
  label(value: T, scope: LabelScope<C>): string;
  /** Every way a value is named, in every language (a button of the other language may still be on screen). */
  names?(value: T, scope: LabelScope<C>): string[];
  /** For a choice: which one a value is, by its key under prompts.<id>.choices (agree, PLANNING, yes), whatever its words say. Never personal. */
  choiceOf?(value: T): string;
  recognize(text: string, scope: RecognizeScope<C>): Recognition<T>;
  /** The question that asks to confirm a `confirm` reading (its choices are yes and the asking's own). */
  confirmation?(value: T, scope: LabelScope<C>): Sentence;
}

const PUNCTUATION = /[\s。，、,.!！?？;；:："'“”‘’()（）【】[\]<>《》~～…]+/g;

/** An answer folded for comparison: full-width to half-width, lower case, no spaces or punctuation. */
export function normalizeAnswer(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(PUNCTUATION, '');
}

/** "2" among n choices: the 0-based index, or undefined. */
export function choiceNumber(text: string, count: number): number | undefined {
  const said = normalizeAnswer(text);
  const n = Number.parseInt(said, 10);
  return String(n) === said && n >= 1 && n <= count ? n - 1 : undefined;
}
