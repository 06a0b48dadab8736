import { durationText } from '../src/content/natural.js';
import type { HandoffReason } from '../src/handoff/handoff.js';
import { draftView } from './handoff-draft.js';
import { sayWhileWaiting } from './handoff-words.js';
import type { TurnKit } from './turn-kit.js';
import { operatorOf } from './turn-operator.js';

/**
 * The person asked for a person ("人工服务", the menu's choice, or in their own words). With the live
 * handoff they are put in the queue and told their place and the expected wait; when nobody can answer
 * (outside the hours, no agent signed in, the queue out of reach) or without it, they get the hotline
 * with its hours and how long their answers are kept. Resolves true when they now wait for a person.
 */
export async function askForPerson(kit: TurnKit, reason: HandoffReason, waitingAt: string | undefined): Promise<boolean> {
  // A guided call (spoken) already is with a person: the caller is not queued for another.
  const desk = kit.capabilities.spoken ? undefined : kit.deps.handoff;
  const hotline = kit.profile.hotline.value;
  // A guided call (dialogs/turn-operator.ts): the caller is already talking to a person; never queued.
  if (operatorOf(kit.context)) {
    await kit.say(kit.t('spoken.humanInCall', { hotline }), { handoff: { hotline, status: 'unavailable', why: 'guided_call' } });
    return false;
  }
  if (!desk) {
    await kit.say(kit.t('messages.human'), { handoff: { hotline } });
    return false;
  }
  let answer;
  try {
    answer = await desk.request(kit.context, { reason, locale: kit.locale, draft: draftView(kit, waitingAt) });
  } catch {
    // The queue cannot be reached: the hotline, as without the handoff (the person is never left without an answer).
    await kit.say(kit.t('messages.human'), { handoff: { hotline, status: 'unavailable', why: 'unreachable' } });
    return false;
  }
  if (answer.kind === 'unavailable') {
    await kit.say([kit.t(`handoff.unavailable.${answer.why}`), kit.t('messages.human')].join('\n\n'), { handoff: { hotline, status: 'unavailable', why: answer.why } });
    return false;
  }
  kit.state.handoff = { id: answer.handoff.id };
  const position = Math.max(1, answer.position);
  await sayWhileWaiting(kit, kit.t('handoff.queued', { position, wait: durationText(kit.deps.texts, kit.locale, answer.expectedWaitSeconds), leave: kit.t('handoff.leave.label') }), {
    handoff: { status: 'queued', position, expectedWaitSeconds: answer.expectedWaitSeconds },
  });
  return true;
}
