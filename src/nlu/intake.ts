import type { IsoDate } from '../domain/calendar.js';
import type { LocaleExamples } from './examples.js';
import type { TextAnalyser } from './text.js';
import type { IntakeFacts, NluLocale, Understanding } from './understanding.js';

export interface IntakeHints {
  /** The long-term threshold of the profile, in days: a stated duration then gives longTerm. */
  longTermMinDays?: number;
}

export interface IntakeContext {
  analyser: TextAnalyser;
  examples: LocaleExamples;
  hints: IntakeHints;
  understanding: Understanding;
}

export function readIntake(text: string, locale: NluLocale, today: IsoDate, ctx: IntakeContext): IntakeFacts {
  void text; void locale; void today; void ctx;
  return {};
}
