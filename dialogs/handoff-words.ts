import { MessageFactory } from 'botbuilder';
import type { TurnKit } from './turn-kit.js';

/**
 * A message of the handoff to the person while they wait, with the word that leaves the queue as a button
 * where the channel draws buttons (typed, the word works everywhere).
 */
export async function sayWhileWaiting(kit: TurnKit, text: string, channelData: Record<string, unknown>): Promise<void> {
  const leave = kit.t('handoff.leave.label');
  const activity = kit.capabilities.buttons ? MessageFactory.suggestedActions([{ type: 'imBack', title: leave, value: leave }], text) : MessageFactory.text(text);
  activity.locale = kit.locale;
  activity.channelData = channelData;
  await kit.context.sendActivity(activity);
}
