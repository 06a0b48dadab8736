import type { Intent } from '../../src/nlu/understanding.js';
import type { Locale, TextParams, Texts } from '../../src/content/texts.js';
import type { PersonalNumber } from './looks-like.js';
import type { Recognizer } from './recognition.js';

/**
 * Where a form stands, whatever it fills: the answers in the order given, answers opened again (back,
 * edit), the one being edited. The state a form fills carries it (FilingState does).
 */
export interface FormProgress {
  /** Question ids in the order they were answered: "back" pops the last one. */
  history: string[];
  /** How an answer that was taken back or opened for editing looked, offered when it is asked again. */
  previous: Record<string, string>;
  /**
   * Questions opened again by back or an edit: asked again first, their earlier answer kept until a new
   * valid one arrives (or the person keeps it).
   */
  reopened?: string[];
  /** An edit from a summary: go back to the summary once the edited question is answered. */
  editing?: string;
  /** The last answer was a reading of free words, said back: "back" from the next question undoes it (counted). */
  saidBack?: string;
  /**
   * Readings of a question's answer made before it was asked (the words that started the form named a place
   * several places share), by question id: offered as its choices, and why said first, when it is asked —
   * as a close reading of a typed answer would be. Taken by the question's prompt.
   */
  offers?: Record<string, { candidates: unknown[]; note?: { error: string; params?: TextParams } }>;
}

/** What every form's questions see of a turn: where the form stands, and the person's language. */
export interface FormContext {
  readonly progress: FormProgress;
  readonly locale: Locale;
  readonly texts: Texts;
}

/**
 * Something the bot asks, declared once: its stable promptId (channelData.promptId, listed in
 * content/prompt-catalog.json with its purpose), how an answer is recognised (one recogniser that returns
 * the typed value), and its words in content/locales/<locale>/prompts.json under prompts.<id>
 * (text, help, example, choices, synonyms). A menu, a confirmation or a question of a form.
 */
export interface Asking<C extends FormContext = FormContext, T = unknown> {
  readonly id: string;
  /** One line for content/prompt-catalog.json: what it is asked for (read by the hotline console and analytics). */
  readonly purpose: string;
  readonly recognizer: Recognizer<C, T>;
  /** Placeholders of its words (text, help, example). */
  params?(c: C): TextParams;
  /** Back and help offered as buttons beside its choices (default true). */
  readonly nav?: boolean;
  /** A confident reading of free words is said back before going on (default true). */
  readonly readBack?: boolean;
  /**
   * Intents that are answers here, not interruptions: at "what is happening now" an emergency told in
   * words is the answer "emergency now", at the menu it is the menu's emergency choice.
   */
  readonly answersIntents?: readonly Intent[];
  /**
   * The personal number it asks for, if any (an ID number, a phone): one typed where it is not asked is told
   * for what it looks like ("这看起来是手机号码…"); one refused here (a wrong check digit) is not.
   */
  readonly takes?: PersonalNumber;
}

/**
 * A question of a form: an Asking that fills one field of the state the form fills. Generic over that
 * state (C is the form's context): the filing now, checking or cancelling a filing and the hotline's
 * guided call next.
 */
export interface Question<C extends FormContext = FormContext, T = unknown> extends Asking<C, T> {
  /** The stage of the form that asks it. */
  readonly stage: string;
  /** The field of the record it fills (a dotted path: "person.phone", "basis.answers.retired"). */
  readonly field?: string;
  /** Other fields of the record its answer decides (the commitment's signature). */
  readonly alsoFills?: readonly string[];
  applies(c: C): boolean;
  get(c: C): T | undefined;
  set(c: C, value: T | undefined): void;
  /** The answer as shown back to the person (personal data masked). */
  show(value: T, c: C): string;
  /**
   * The answer on the person's own review before they submit (the summary), where a typo must be visible:
   * a name or an address in full. Default: as shown back (an ID number and a phone stay masked). Never
   * kept: an answer opened again keeps its `show` form.
   */
  review?(value: T, c: C): string;
  /**
   * Whether a value that did not come from its own recogniser (a fact of a one-sentence description) passes
   * the same checks the recogniser applies. Default: a choice's value must be one of its choices.
   */
  accepts?(value: T, c: C): boolean;
  /** Shown in the summary and open to per-field edit. */
  readonly editable: boolean;
  /** Changing it may change the outcome. */
  readonly affectsOutcome: boolean;
}

/** The fields of a question declaration that have defaults. */
type Defaulted = 'editable' | 'affectsOutcome';

/** Declares a question: the defaults (editable, does not change the outcome) filled in. */
export function question<C extends FormContext, T>(spec: Omit<Question<C, T>, Defaulted> & Partial<Pick<Question<C, T>, Defaulted>>): Question<C, T> {
  return { editable: true, affectsOutcome: false, ...spec };
}

/** Declares an asking that fills no field (a menu, a confirmation). */
export function asking<C extends FormContext, T>(spec: Asking<C, T>): Asking<C, T> {
  return spec;
}
