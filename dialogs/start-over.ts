import { newFilingState } from './filing-state.js';
import type { TurnKit } from './turn-kit.js';
import { recordAbandoned } from './funnel.js';

/**
 * A filing is under way with something to lose. Starting over wipes everything a person entered, so such
 * a filing asks first (START_OVER: the cancel command at any question, or "放弃本次备案" at the summary):
 * yes clears it, no carries on.
 */
export function hasAnswersToLose(kit: TurnKit): boolean {
  return kit.state.active && (kit.state.history.length > 0 || Object.keys(kit.state.details).length > 0);
}

/**
 * Clears the filing (the language chosen stays), counted as abandoned where it was. "Cancelled, cleared" is
 * said only when a filing was under way: back to the menu from the FAQ clears nothing and says nothing.
 */
export async function clearFiling(kit: TurnKit, where: string): Promise<void> {
  const wasFiling = kit.state.active;
  if (wasFiling) recordAbandoned(kit.context, where);
  Object.assign(kit.state, newFilingState(kit.state.locale));
  if (wasFiling) await kit.say(kit.t('messages.cancelled'));
}
