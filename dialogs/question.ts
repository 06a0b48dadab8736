import type { IsoDate } from '../src/domain/calendar.js';
import type { RegionProfile } from '../src/domain/profile.js';
import type { Check } from '../src/domain/result.js';
import { LOCALES, type Locale, type TextParams, type Texts } from '../src/content/texts.js';
import type { FilingState } from './filing-state.js';

/** What a question needs to know to decide, parse and show itself. */
export interface QuestionContext {
  state: FilingState;
  profile: RegionProfile;
  locale: Locale;
  today: IsoDate;
  texts: Texts;
}

export type Stage = 'situation' | 'consent' | 'details';

/**
 * One question of the filing conversation. Its id is the stable promptId (content/prompt-catalog.json);
 * its words live in content/locales/<locale>/prompts.json under that id.
 */
export interface Question<T = unknown> {
  id: string;
  stage: Stage;
  /** choice: the answer is one of `choices`; text: free text parsed by `parse`. */
  kind: 'choice' | 'text';
  choices?(q: QuestionContext): string[];
  applies(q: QuestionContext): boolean;
  isAnswered(q: QuestionContext): boolean;
  parse(text: string, q: QuestionContext): Check<T>;
  apply(value: T, q: QuestionContext): void;
  clear(q: QuestionContext): void;
  /** The answer as shown back to the person (personal data masked). */
  show(q: QuestionContext): string | undefined;
  /** How a suggested value (error params `suggest`) is shown as a choice. */
  suggestionLabel?(value: string, q: QuestionContext): string;
  /** Placeholders for the prompt's text. */
  params?(q: QuestionContext): TextParams;
  /** Shown in the summary and open to per-field edit. */
  editable: boolean;
  /** Changing it may change the category. */
  affectsCategory?: boolean;
}

const PUNCTUATION = /[\s。，、,.!！?？;；:："'“”‘’()（）【】[\]<>《》]+/g;

export function normalizeAnswer(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(PUNCTUATION, '');
}

/**
 * Matches typed text against the choices of a question: its number ("2"), its label, or a synonym
 * from content (prompts.<id>.synonyms.<value>, common.yes / common.no for yes/no questions) — labels
 * and synonyms of both languages.
 */
export function matchChoice(text: string, id: string, values: string[], locale: Locale, texts: Texts): string | undefined {
  const said = normalizeAnswer(text);
  if (!said) return undefined;
  const index = Number.parseInt(said, 10);
  if (String(index) === said && index >= 1 && index <= values.length) return values[index - 1];
  const exact: string[] = [];
  for (const value of values) {
    const words = [
      value,
      // Labels and synonyms of either language: after a language switch, buttons already on screen
      // still carry the other language's labels.
      ...[locale, ...LOCALES.filter((l) => l !== locale)].flatMap((l) => [choiceLabel(texts, l, id, value), ...texts.list(l, `prompts.${id}.synonyms.${value}`)]),
      // Yes and no in either language: 是 and 否 are understood in English mode, yes and no in Chinese.
      ...(value === 'yes' || value === 'no' ? LOCALES.flatMap((l) => texts.list(l, `common.${value}`)) : []),
    ].map(normalizeAnswer);
    if (words.includes(said)) exact.push(value);
  }
  if (exact.length === 1) return exact[0];
  // A yes/no question answered by negating its "yes" (没有退休, 还没退休 at "已退休"): no.
  if (values.includes('yes') && values.includes('no') && negatesYes(said, id, locale, texts)) return 'no';
  // A label that contains what was typed (or the reverse), when that picks exactly one choice.
  const partial = values.filter((value) => {
    const label = normalizeAnswer(choiceLabel(texts, locale, id, value));
    return said.length >= 2 && (label.includes(said) || said.includes(label));
  });
  return partial.length === 1 ? partial[0] : undefined;
}

/** True when the text is a negation word (content: common.negations, both languages) followed by the "yes" label or a part of it. */
function negatesYes(said: string, id: string, locale: Locale, texts: Texts): boolean {
  const yesWords = [choiceLabel(texts, locale, id, 'yes'), ...texts.list(locale, `prompts.${id}.synonyms.yes`)].map(normalizeAnswer).filter(Boolean);
  const negations = LOCALES.flatMap((l) => texts.list(l, 'common.negations')).map(normalizeAnswer).filter(Boolean);
  return negations.some((negation) => {
    if (!said.startsWith(negation) || said.length === negation.length) return false;
    const rest = said.slice(negation.length);
    return yesWords.some((word) => word.includes(rest));
  });
}

/** A choice's label: prompts.<id>.choices.<value>, or the shared labels.<value> (field names). */
export function choiceLabel(texts: Texts, locale: Locale, promptId: string, value: string): string {
  const own = `prompts.${promptId}.choices.${value}`;
  return texts.has(locale, own) ? texts.t(locale, own) : texts.t(locale, `labels.${value}`);
}
