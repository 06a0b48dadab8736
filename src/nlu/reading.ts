import { NONE } from './classifier.js';
import type { Candidate, Reading } from './understanding.js';

/**
 * How sure a classifier's scores are, as a Reading. The thresholds were set on the dev set
 * (test/nlu/, npm run eval:nlu) so that a wrong advance stays rarer than a re-ask.
 */
export const CONFIDENCE = {
  /** The best value's share of the scores for a confident reading... */
  confident: 0.62,
  /** ...and how far ahead of the next one it must be. */
  margin: 0.3,
  /** Two values each at least this share (and NONE not ahead of them) are a close call. */
  close: 0.2,
} as const;

/** Scores (adding up to 1, NONE among them) → confident / close / none. */
export function toReading(ranked: ReadonlyArray<Candidate<string>>): Reading<string> {
  const total = ranked.reduce((s, c) => s + c.score, 0) || 1;
  const scored = ranked.map((c) => ({ value: c.value, score: c.score / total })).sort((a, b) => b.score - a.score);
  const [first, second] = scored;
  if (!first) return { status: 'none' };
  if (first.value !== NONE && first.score >= CONFIDENCE.confident && first.score - (second?.score ?? 0) >= CONFIDENCE.margin) {
    return { status: 'confident', value: first.value, score: round(first.score) };
  }
  const values = scored.filter((c) => c.value !== NONE);
  const none = scored.find((c) => c.value === NONE)?.score ?? 0;
  const [a, b] = values;
  if (a && b && b.score >= CONFIDENCE.close && none < a.score) {
    return { status: 'close', candidates: [a, b].map((c) => ({ value: c.value, score: round(c.score) })) };
  }
  return { status: 'none' };
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
