import { LOCALES, type Locale, type Texts } from '../../src/content/texts.js';
import type { Intent, IntakeFacts, IntentReading, Reading, Understanding } from '../../src/nlu/understanding.js';
import { normalizeAnswer } from './recognition.js';
import { choiceLabel, exactChoice } from './recognizers.js';

/**
 * An Understanding of exact words only: a choice's number, label or synonym as a whole answer, a "yes"
 * negated ("没有退休" at "已退休"), the command words as intents. Nothing inside a longer sentence is
 * matched (同意 inside 不太同意 is not consent). It stands in until the trained understanding of src/nlu
 * is wired in, and it states the floor any understanding must keep.
 */
export class ExactUnderstanding implements Understanding {
  private readonly intents: Map<string, Intent>;

  constructor(private readonly texts: Texts) {
    const commands: Array<[string, Intent]> = [
      ['emergency', 'emergency'],
      ['human', 'human'],
      ['help', 'help'],
      ['back', 'back'],
      ['cancel', 'restart'],
      ['language', 'language'],
      ['keep', 'keep'],
    ];
    this.intents = new Map();
    for (const [command, intent] of commands) {
      for (const locale of LOCALES) {
        for (const word of [texts.t(locale, `commands.${command}.label`), ...texts.list(locale, `commands.${command}.words`)]) {
          const folded = normalizeAnswer(word);
          if (folded && !this.intents.has(folded)) this.intents.set(folded, intent);
        }
      }
    }
  }

  choice(questionId: string, values: readonly string[], text: string, locale: Locale): Reading<string> {
    const exact = exactChoice(text, questionId, values, this.texts);
    if (exact !== undefined) return { status: 'confident', value: exact, score: 1 };
    if (values.includes('yes') && values.includes('no') && this.negatesYes(normalizeAnswer(text), questionId, locale)) return { status: 'confident', value: 'no', score: 0.9 };
    return { status: 'none' };
  }

  intent(text: string): IntentReading | undefined {
    const intent = this.intents.get(normalizeAnswer(text));
    return intent ? { intent, score: 1 } : undefined;
  }

  duration(): number | undefined {
    return undefined;
  }

  intake(): IntakeFacts {
    return {};
  }

  /** A negation word (content: common.negations, both languages) followed by the "yes" label or a part of it: 没有退休, 还没退休. */
  private negatesYes(said: string, id: string, locale: Locale): boolean {
    const yesWords = [choiceLabel(this.texts, locale, id, 'yes'), ...this.texts.list(locale, `prompts.${id}.synonyms.yes`)].map(normalizeAnswer).filter(Boolean);
    const negations = LOCALES.flatMap((l) => this.texts.list(l, 'common.negations')).map(normalizeAnswer).filter(Boolean);
    return negations.some((negation) => {
      if (!said.startsWith(negation) || said.length === negation.length) return false;
      const rest = said.slice(negation.length);
      return yesWords.some((word) => word.includes(rest));
    });
  }
}
