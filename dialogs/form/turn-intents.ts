import type { TurnContext } from 'botbuilder';
import type { IntentReading, NluLocale, Understanding } from '../../src/nlu/understanding.js';

/** What a turn's words mean as an intent, read once: every step of a turn that asks gets the same reading. */
export type IntentOf = (text: string) => IntentReading | undefined;

const READERS = Symbol('turnIntentReaders');

/**
 * The turn's intent reader in a language: the words a turn is about are classified once, however many of
 * its steps ask (the waiting question's recogniser, the menu's statesFiling, the place recogniser, the
 * interruption check). Kept in the turn's state, so it ends with the turn.
 */
export function turnIntentReader(context: TurnContext, understanding: Understanding, locale: NluLocale): IntentOf {
  let readers = context.turnState.get(READERS) as Map<NluLocale, IntentOf> | undefined;
  if (!readers) context.turnState.set(READERS, (readers = new Map()));
  let reader = readers.get(locale);
  if (!reader) {
    const read = new Map<string, IntentReading | undefined>();
    reader = (text) => {
      if (!read.has(text)) read.set(text, understanding.intent(text, locale));
      return read.get(text);
    };
    readers.set(locale, reader);
  }
  return reader;
}
