import { LOCALES, type Locale, type Texts } from '../../src/content/texts.js';
import type { Check } from '../../src/domain/result.js';
import type { ChoiceHints, Intent } from '../../src/nlu/understanding.js';
import type { FormContext } from './declaration.js';
import { choiceNumber, normalizeAnswer, type Recognition, type Recognizer, type RecognizeScope } from './recognition.js';

/** A choice's label: prompts.<id>.choices.<value>, or the shared labels.<value> (field names). */
export function choiceLabel(texts: Texts, locale: Locale, promptId: string, value: string): string {
  const own = `prompts.${promptId}.choices.${value}`;
  return texts.has(locale, own) ? texts.t(locale, own) : texts.t(locale, `labels.${value}`);
}

/**
 * The words that are exactly one choice, folded: its label and the synonyms content lists for it, in
 * both languages (after a language switch the buttons on screen carry the other language's labels), and
 * for yes/no choices the common yes and no words. A word that names two choices names neither.
 */
function exactWords(texts: Texts, id: string, values: readonly string[]): Map<string, string> {
  const key = `${id}\u0000${values.join('\u0000')}`;
  let perTexts = EXACT.get(texts);
  if (!perTexts) EXACT.set(texts, (perTexts = new Map()));
  const cached = perTexts.get(key);
  if (cached) return cached;
  const owners = new Map<string, Set<string>>();
  for (const value of values) {
    const words = [
      value,
      ...LOCALES.flatMap((l) => [choiceLabel(texts, l, id, value), ...texts.list(l, `prompts.${id}.synonyms.${value}`)]),
      ...(value === 'yes' || value === 'no' ? LOCALES.flatMap((l) => texts.list(l, `common.${value}`)) : []),
    ];
    for (const word of words.map(normalizeAnswer).filter(Boolean)) {
      if (!owners.has(word)) owners.set(word, new Set());
      owners.get(word)!.add(value);
    }
  }
  const exact = new Map([...owners].filter(([, of]) => of.size === 1).map(([word, of]) => [word, [...of][0]!]));
  perTexts.set(key, exact);
  return exact;
}

const EXACT = new WeakMap<Texts, Map<string, Map<string, string>>>();

/** The choice the text names exactly (its number, its words as a whole answer), or undefined. */
export function exactChoice(text: string, id: string, values: readonly string[], texts: Texts): string | undefined {
  const index = choiceNumber(text, values.length);
  if (index !== undefined) return values[index];
  const said = normalizeAnswer(text);
  return said ? exactWords(texts, id, values).get(said) : undefined;
}

export interface ChoiceSpec<C extends FormContext, T> {
  /** The choices' values, as keys under prompts.<id>.choices. */
  values(c: C): readonly string[];
  /** The typed value of a choice (default: the choice itself). */
  toValue?(choice: string): T;
  /** The choice a typed value is (default: the value as a string). */
  fromValue?(value: T): string;
  /** What the understanding should know beyond the text (the long-term threshold for a duration). */
  hints?(c: C): ChoiceHints;
  /** Intents told in free words that mean one of the choices (at the menu, an emergency is EMERGENCY). */
  intents?: Partial<Record<Intent, string>>;
}

/**
 * A choice: exact words first (a number, a label, a synonym: taken as they are), then the understanding
 * of free words (a confident reading is taken and said back; close readings are offered; nothing else is
 * guessed), then, where declared, an intent that means a choice.
 */
export function choice<C extends FormContext, T = string>(spec: ChoiceSpec<C, T>): Recognizer<C, T> {
  const toValue = spec.toValue ?? ((c: string) => c as T);
  const fromValue = spec.fromValue ?? ((v: T) => String(v));
  return {
    choices: ({ c }) => spec.values(c).map(toValue),
    label: (value, { id, c }) => choiceLabel(c.texts, c.locale, id, fromValue(value)),
    names: (value, { id, c }) => LOCALES.map((l) => choiceLabel(c.texts, l, id, fromValue(value))),
    choiceOf: fromValue,
    recognize(text, { id, c, understanding, intentOf }): Recognition<T> {
      const values = spec.values(c);
      const exact = exactChoice(text, id, values, c.texts);
      if (exact !== undefined) return { status: 'exact', value: toValue(exact) };
      const reading = understanding.choice(id, values, text, c.locale, spec.hints?.(c));
      if (reading.status === 'confident' && values.includes(reading.value)) return { status: 'understood', value: toValue(reading.value) };
      if (reading.status === 'close') {
        const candidates = [...new Set(reading.candidates.map((k) => k.value).filter((v) => values.includes(v)))];
        if (candidates.length > 0) return { status: 'close', candidates: candidates.map(toValue) };
      }
      if (spec.intents) {
        const intent = intentOf(text);
        const meant = intent ? spec.intents[intent.intent] : undefined;
        if (meant !== undefined && values.includes(meant)) return { status: 'understood', value: toValue(meant) };
      }
      // A question put back ("要不要转诊证明？") answers nothing: the question's meaning is said, then it is asked again.
      if (reading.status === 'none' && reading.asked) return { status: 'invalid', error: 'ASKED_BACK' };
      return { status: 'invalid', error: 'CHOICE_NOT_RECOGNISED' };
    },
  };
}

/** A yes/no question (choices yes and no under prompts.<id>.choices), typed as a boolean. */
export function yesNo<C extends FormContext>(extra: Omit<ChoiceSpec<C, boolean>, 'values' | 'toValue' | 'fromValue'> = {}): Recognizer<C, boolean> {
  return choice<C, boolean>({ ...extra, values: () => ['yes', 'no'], toValue: (c) => c === 'yes', fromValue: (v) => (v ? 'yes' : 'no') });
}

export interface TextSpec<C extends FormContext, T> {
  /** The domain's check of the answer: the typed value, or an error code with params. */
  parse(text: string, c: C): Check<T>;
  /** How a value is named (default: the value as a string). */
  label?(value: T, c: C): string;
  /**
   * The value is a reading of words rather than what was typed ("下个月1号" is 2026-12-01): said back
   * when it reads differently from the text (and the text is not the value itself, 2026-12-01).
   */
  readsWords?: boolean;
}

/** Free text checked by the domain (a name, an ID number, a date). */
export function text<C extends FormContext, T = string>(spec: TextSpec<C, T>): Recognizer<C, T> {
  const label = (value: T, c: C) => (spec.label ? spec.label(value, c) : String(value));
  return {
    label: (value, { c }) => label(value, c),
    recognize(said, { c }: RecognizeScope<C>): Recognition<T> {
      const parsed = spec.parse(said, c);
      if (!parsed.ok) return { status: 'invalid', error: parsed.error, ...(parsed.params ? { params: parsed.params } : {}) };
      const as = (words: string) => normalizeAnswer(words);
      const readBack = spec.readsWords === true && as(label(parsed.value, c)) !== as(said) && as(String(parsed.value)) !== as(said);
      return { status: readBack ? 'understood' : 'typed', value: parsed.value };
    },
  };
}

/** Folded words of content keys in every locale, made once per Texts and keys (asked on every message). */
const wordSets = new WeakMap<Texts, Map<string, Set<string>>>();

/**
 * Whether the whole message is one of the words of these content keys, in either language: `lists`
 * are word lists (texts.list), `labels` single sentences (texts.t), e.g. a button's label.
 */
export function saysWordOf(texts: Texts, text: string, lists: readonly string[], labels: readonly string[] = []): boolean {
  const said = normalizeAnswer(text);
  if (!said) return false;
  let byKeys = wordSets.get(texts);
  if (!byKeys) wordSets.set(texts, (byKeys = new Map()));
  const id = `${lists.join('|')}#${labels.join('|')}`;
  let words = byKeys.get(id);
  if (!words) {
    words = new Set(LOCALES.flatMap((l) => [...lists.flatMap((key) => texts.list(l, key)), ...labels.map((key) => texts.t(l, key))]).map(normalizeAnswer));
    byKeys.set(id, words);
  }
  return words.has(said);
}

/** A plain yes or no as a whole answer, in either language (content: common.yes, common.no), or undefined. */
export function yesNoWord(text: string, texts: Texts): 'yes' | 'no' | undefined {
  return (['yes', 'no'] as const).find((word) => saysWordOf(texts, text, [`common.${word}`]));
}
