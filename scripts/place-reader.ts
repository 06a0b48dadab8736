/**
 * The place questions as the conversation reads them (dialogs/place-recognizer.ts), for the evaluation of the
 * dev set's places (scripts/nlu-evaluation.ts): the pooling area a taken answer keeps, or undefined when the
 * question offers a choice or refuses. The recogniser is given the words it says things with and the language;
 * nothing else of a conversation is read.
 */
import { Texts } from '../src/content/texts.js';
import type { NluLocale, Understanding } from '../src/nlu/index.js';
import type { FilingContext } from '../dialogs/filing-context.js';
import { placeRecognizer, poolingAreaCodeOf } from '../dialogs/place-recognizer.js';
import { isTaken } from '../dialogs/form/recognition.js';

export function placeReader(understanding: Understanding): (questionId: string, text: string, locale: NluLocale) => string | undefined {
  const texts = new Texts();
  const recognizer = placeRecognizer();
  return (id, text, locale) => {
    const c = { locale, texts } as unknown as FilingContext;
    const read = recognizer.recognize(text, { id, c, understanding, intentOf: (t) => understanding.intent(t, locale) });
    return isTaken(read) ? poolingAreaCodeOf(read.value) : undefined;
  };
}
