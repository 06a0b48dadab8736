/**
 * How an answer to a question was read, counted per question (src/ops/metrics.ts
 * `question_readings_total{question,status}`) so that re-asks and wrong advances are visible:
 *
 * - `exact`: a button, a number or a choice's own words; `typed`: free text taken as typed;
 * - `understood`: a confident reading of free words, taken and said back;
 * - `close`: two readings were close and the person was asked which; `picked`: they picked one;
 * - `confirm`: a reading was shown for confirmation; `confirmed`: the person confirmed it;
 * - `invalid`: not an answer (asked again);
 * - `undone`: "back" right after an answer that was said back: most likely a wrong advance.
 */
export const READING_STATUSES = ['exact', 'typed', 'understood', 'close', 'picked', 'confirm', 'confirmed', 'invalid', 'undone'] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];
