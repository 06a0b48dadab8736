import type { IntakeFacts, IntentReading, NluLocale, PlaceInSentence, PlaceRole, Reading, Understanding } from '../../src/nlu/understanding.js';
import { createUnderstanding } from '../../src/nlu/index.js';

/**
 * The app's understanding, except for the sentences a test scripts: a choice reading at one question, an
 * intent, the facts of a description. It lets a test put the conversation in a situation the trained
 * understanding reaches only for some sentences (two readings close, a fact the procedure never reaches)
 * and check what the conversation does with it; what the understanding makes of real sentences is tested
 * with the real one.
 */
export class ScriptedUnderstanding implements Understanding {
  private readonly real = createUnderstanding();
  readonly choices = new Map<string, Reading<string>>();
  readonly intents = new Map<string, IntentReading>();
  readonly intakes = new Map<string, IntakeFacts>();

  /** At `question`, `text` reads as `reading`. */
  choiceAt(question: string, text: string, reading: Reading<string>): this {
    this.choices.set(`${question}\u0000${text}`, reading);
    return this;
  }

  /** `text` is `intent` wherever it is said. */
  intentOf(text: string, intent: IntentReading): this {
    this.intents.set(text, intent);
    return this;
  }

  /** `text`, as a description, states `facts`. */
  intakeOf(text: string, facts: IntakeFacts): this {
    this.intakes.set(text, facts);
    return this;
  }

  choice(questionId: string, values: readonly string[], text: string, locale: NluLocale, hints?: Parameters<Understanding['choice']>[4]): Reading<string> {
    return this.choices.get(`${questionId}\u0000${text}`) ?? this.real.choice(questionId, values, text, locale, hints);
  }

  intent(text: string, locale: NluLocale): IntentReading | undefined {
    return this.intents.has(text) ? this.intents.get(text) : this.real.intent(text, locale);
  }

  duration(text: string, locale: NluLocale): number | undefined {
    return this.real.duration(text, locale);
  }

  intake(text: string, locale: NluLocale, today: string): IntakeFacts {
    return this.intakes.get(text) ?? this.real.intake(text, locale, today);
  }

  placeIn(text: string, locale: NluLocale, role: PlaceRole): PlaceInSentence {
    return this.real.placeIn(text, locale, role);
  }
}
