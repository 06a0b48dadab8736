import type { TurnContext } from 'botbuilder';
import type { FunnelRecorder, FunnelStep } from './dialog-deps.js';
import type { ReadingStatus } from './form/readings.js';

/**
 * Funnel events (and readings of answers) a turn produced, held on the turn until its state is saved: a turn that fails (and is
 * retried) must not count its steps twice. FilingBot flushes them after a successful save.
 */
const PENDING_KEY = Symbol('funnel.pending');

type Pending = Array<(recorder: FunnelRecorder) => void>;

function pendingOf(context: TurnContext): Pending {
  let pending = context.turnState.get(PENDING_KEY) as Pending | undefined;
  if (!pending) context.turnState.set(PENDING_KEY, (pending = []));
  return pending;
}

/** A conversation reached a funnel step in this turn. */
export function recordFunnel(context: TurnContext, step: FunnelStep, labels?: Record<string, string>): void {
  pendingOf(context).push((recorder) => recorder.funnel(step, labels));
}

/** A filing was given up (cancelled) at `step` in this turn. */
export function recordAbandoned(context: TurnContext, step: string): void {
  pendingOf(context).push((recorder) => recorder.abandoned(step));
}

/** An answer to `question` was read with `status` in this turn (see ReadingStatus). */
export function recordReading(context: TurnContext, question: string, status: ReadingStatus): void {
  pendingOf(context).push((recorder) => recorder.reading?.(question, status));
}

/** Hands this turn's funnel events to the recorder (once), after the turn's state was saved. */
export function flushFunnel(context: TurnContext, recorder: FunnelRecorder | undefined): void {
  const pending = context.turnState.get(PENDING_KEY) as Pending | undefined;
  context.turnState.delete(PENDING_KEY);
  if (recorder) for (const record of pending ?? []) record(recorder);
}
