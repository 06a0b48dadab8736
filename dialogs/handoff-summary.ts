import type { ShownToAgent } from '../src/handoff/handoff.js';
import { FILING_FORM } from './filing-form.js';
import { maskOfAnswer } from './personal-data.js';

/**
 * Where a summary's text shows an answer in full (the names and the address: `review` in their
 * declarations, so that the person sees a typo): its question, and the answer's place in the text (UTF-16
 * offsets into its text, or a card's spoken text, `end` excluded). The summary carries them as
 * `channelData.inFull` — positions and ids only, never a value: the web log keeps channelData in clear.
 */
export interface AnswerInFull {
  id: string;
  start: number;
  end: number;
}

/** A line of a summary: words as they are, or an answer shown in full put into its line's words (`line(value)`). */
export type SummaryLine = string | { id: string; value: string; line: (value: string) => string };

/** What stands for the answer while its line's words are filled in: no template or label holds it. */
const GAP = '\u0000';

/**
 * A summary's text (its lines joined by newlines) and where each answer shown in full lies in it, marked as
 * the text is put together: nothing reads the text again to find them, so neither the words around an
 * answer (messages.summaryRow, in any order) nor what the answer holds (a colon, a newline) can hide one.
 */
export function summaryText(lines: readonly SummaryLine[]): { text: string; inFull: AnswerInFull[] } {
  let text = '';
  const inFull: AnswerInFull[] = [];
  lines.forEach((line, index) => {
    if (index > 0) text += '\n';
    if (typeof line === 'string') {
      text += line;
      return;
    }
    line.line(GAP).split(GAP).forEach((words, gap) => {
      if (gap > 0) {
        inFull.push({ id: line.id, start: text.length, end: text.length + line.value.length });
        text += line.value;
      }
      text += words;
    });
  });
  return { text, inFull };
}

/**
 * What an agent reads of the assistant's messages in a handoff's transcript (the console, and the
 * `handoff.initiate` an organisation's hub receives): their text, or a card's spoken text — but the
 * person's own summary (channelData.summary) with the answers it alone shows in full masked where it says
 * they are (channelData.inFull), by the mask of their personal data (personal-data.ts, which their
 * questions show them back by: 张*, 浦东新区世纪****), as everywhere else. A summary whose answers in full
 * cannot be placed (no inFull, a place outside the text, a question that shows nothing in full or has no
 * mask) is left out whole rather than shown as it is. The agent reads what the web
 * transcript keeps of the person's own answers (masked) and the draft's facts (masked), no more.
 */
export const shownToAgent: ShownToAgent = (message) => {
  const text = message.text || message.speak;
  const channelData = message.channelData as { summary?: unknown; inFull?: unknown } | undefined;
  if (!text || (channelData?.summary === undefined && channelData?.inFull === undefined)) return text;
  const places = placesIn(channelData.inFull, text.length);
  if (!places) return undefined;
  let shown = text;
  // From the last to the first: each replacement leaves the places before it where they were.
  for (const { start, end, mask } of places.reverse()) shown = shown.slice(0, start) + mask(text.slice(start, end)) + shown.slice(end);
  return shown;
};

/** An answer in full, and how it is masked. */
type MaskedPlace = AnswerInFull & { mask: (text: string) => string };

/** channelData.inFull, each place with its mask, when each lies within the text, after the one before, on a question with a full review and a mask; else undefined. */
function placesIn(inFull: unknown, length: number): MaskedPlace[] | undefined {
  if (!Array.isArray(inFull)) return undefined;
  let after = 0;
  const places: MaskedPlace[] = [];
  for (const place of inFull as Array<Partial<Record<keyof AnswerInFull, unknown>> | null>) {
    const { id, start, end } = place ?? {};
    const mask = typeof id === 'string' && FILING_FORM.byId(id)?.review ? maskOfAnswer(id) : undefined;
    if (typeof id !== 'string' || !mask) return undefined;
    if (!Number.isInteger(start) || !Number.isInteger(end)) return undefined;
    if ((start as number) < after || (end as number) < (start as number) || (end as number) > length) return undefined;
    places.push({ id, start: start as number, end: end as number, mask });
    after = end as number;
  }
  return places;
}
